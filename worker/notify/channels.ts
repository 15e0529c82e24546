// Which provider carries each channel. A channel without its credentials delivers to the log, so that
// the whole flow runs on a laptop; a webhook or push endpoint on a private network is refused unless
// TOCSIN_ALLOW_PRIVATE_TARGETS is set.
import type { ContactMethodType } from '../users/contact';
import { pushSubscriptionSchema } from './providers/push';
import type { Outbound, Provider } from './provider';
import { emailProvider } from './providers/email';
import { kakaoProvider } from './providers/kakao';
import { logProvider } from './providers/log';
import { pushProvider } from './providers/push';
import { slackProvider } from './providers/slack';
import { telegramProvider } from './providers/telegram';
import { twilioSmsProvider, twilioVoiceProvider } from './providers/twilio';
import { discordProvider, teamsProvider } from './providers/webhook';
import { refusedTarget } from './target';

/** The URL a channel's message is posted to when the address itself is one. */
function targetOf(message: Outbound): string | null {
  if (message.channel === 'teams' || message.channel === 'discord') return message.address;
  if (message.channel !== 'push') return null;
  try {
    return pushSubscriptionSchema.parse(JSON.parse(message.address)).endpoint;
  } catch {
    return null;
  }
}

/** Refuses, as a permanent failure, a message to a private address. */
function guarded(provider: Provider, env: Env): Provider {
  const allowPrivate = Boolean(env.TOCSIN_ALLOW_PRIVATE_TARGETS);
  return {
    ...provider,
    send: (message) => {
      const target = targetOf(message);
      const refused = target === null ? null : refusedTarget(target, allowPrivate);
      return refused === null ? provider.send(message) : Promise.resolve({ status: 'failed', reason: refused });
    },
  };
}

export function providerFor(channel: ContactMethodType, env: Env): Provider {
  const found = ((): Provider | null => {
    switch (channel) {
      case 'email':
        return emailProvider(env);
      case 'sms':
        return twilioSmsProvider(env);
      case 'voice':
        return twilioVoiceProvider(env);
      case 'kakao':
        return kakaoProvider(env, twilioSmsProvider(env));
      case 'telegram':
        return telegramProvider(env);
      case 'slack':
        return slackProvider(env);
      case 'push':
        return pushProvider(env);
      case 'teams':
        return teamsProvider();
      case 'discord':
        return discordProvider();
    }
  })();
  return guarded(found ?? logProvider(), env);
}
