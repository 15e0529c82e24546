// Escaping for each medium a message is written in: every value an alert carried passes through one
// of these before it reaches a person.
const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For HTML email, the respond page and Telegram's HTML parse mode. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML[c]!);

/** For TwiML: the same five characters XML reserves. */
export const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => (c === "'" ? '&apos;' : HTML[c]!));

/** For Slack mrkdwn, which reserves only these three (and so `<!channel>` cannot be forged). */
export const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
