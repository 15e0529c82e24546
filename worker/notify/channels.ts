// Which provider carries each channel. A channel without its credentials delivers to the log, so that
// the whole flow runs on a laptop.
import type { ContactMethodType } from '../users/contact';
import type { Provider } from './provider';
import { pushProvider } from './providers/push';

const logProvider: Provider = {
  name: 'log',
  send: async (message) => {
    console.log(`[tocsin] ${message.channel} to ${message.address}: ${message.subject.type}`);
    return { status: 'sent', providerMessageId: null };
  },
};

export function providerFor(channel: ContactMethodType, env: Env): Provider {
  const found = channel === 'push' ? pushProvider(env) : null;
  return found ?? logProvider;
}
