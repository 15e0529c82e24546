// The provider of a channel without credentials: the message goes to the Worker's log, so that the
// whole flow runs on a laptop and in the demo (escaping is the terminal's business: nothing renders it).
import { headline } from '../message';
import type { Provider } from '../provider';

export function logProvider(): Provider {
  return {
    name: 'log',
    send: async (message) => {
      const { subject } = message;
      // The link a phone or an email would carry, so that a page can be acknowledged, or a password set, from the log too.
      const act =
        subject.type === 'page'
          ? ` (acknowledge: ${subject.links.acknowledge})`
          : subject.type === 'password_link'
            ? ` (${subject.link})`
            : '';
      console.log(
        `[tocsin] ${message.channel} to ${message.address}: ${headline(subject, message.locale, message.timeZone)}${act}`,
      );
      return { status: 'sent', providerMessageId: null };
    },
  };
}
