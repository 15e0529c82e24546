// The provider of a channel without credentials: the message goes to the Worker's log, so that the
// whole flow runs on a laptop and in the demo.
import { headline } from '../message';
import type { Provider } from '../provider';

export function logProvider(): Provider {
  return {
    name: 'log',
    send: async (message) => {
      console.log(
        `[tocsin] ${message.channel} to ${message.address}: ${headline(message.subject, message.locale, message.timeZone)}`,
      );
      return { status: 'sent', providerMessageId: null };
    },
  };
}
