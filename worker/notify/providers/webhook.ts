// Microsoft Teams and Discord through their incoming webhooks: the contact method's address is the
// webhook URL; the message carries the signed links to act.
import { headline, texts } from '../message';
import { deliver, type Outbound, type Provider } from '../provider';

const post = (url: string, body: unknown) =>
  deliver(
    url,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    (reply) => (reply as { id?: string } | null)?.id ?? null,
  );

function actions(message: Outbound): { title: string; url: string }[] {
  const { subject } = message;
  if (subject.type !== 'page') return [];
  const t = texts[message.locale];
  return [
    { title: t.acknowledge, url: subject.links.acknowledge },
    { title: t.resolve, url: subject.links.resolve },
    { title: t.view, url: subject.links.view },
  ];
}

/** Adaptive Card text renders bold, italic, lists and links only: just those markers are escaped. */
const escapeCard = (text: string) => text.replace(/([*_[\]])/g, '\\$1').replace(/^-/, '\\-');
/** Discord markdown, and no mention can ping anyone (allowed_mentions below). */
const escapeDiscord = (text: string) => text.replace(/([\\*_~`|>[\]()#-])/g, '\\$1');

export function teamsProvider(): Provider {
  return {
    name: 'teams',
    send: (message) =>
      post(message.address, {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                {
                  type: 'TextBlock',
                  weight: 'Bolder',
                  wrap: true,
                  text: escapeCard(headline(message.subject, message.locale, message.timeZone)),
                },
              ],
              actions: actions(message).map((a) => ({ type: 'Action.OpenUrl', ...a })),
            },
          },
        ],
      }),
  };
}

export function discordProvider(): Provider {
  return {
    name: 'discord',
    send: (message) => {
      const url = new URL(message.address);
      url.searchParams.set('wait', 'true');
      const links = actions(message)
        .map((a) => `[${a.title}](${a.url})`)
        .join(' · ');
      return post(url.toString(), {
        content: [escapeDiscord(headline(message.subject, message.locale, message.timeZone)), links]
          .filter(Boolean)
          .join('\n'),
        allowed_mentions: { parse: [] },
      });
    },
  };
}
