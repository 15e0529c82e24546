// The small page a signed link opens: what the link will do, one button that does it (a form, so that
// it works without JavaScript and a link preview that fetches the URL acts on nothing), and the
// answer. Everything shown that an alert carried is escaped.
import { escapeHtml } from '../notify/message';

const layout = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · Tocsin</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1b1b1f}
h1{font-size:1.25rem}button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:.4rem;background:#c2410c;color:#fff;cursor:pointer}
.muted{color:#5b5b66}</style></head><body>${body}</body></html>`;

export interface Shown {
  number: number;
  summary: string;
  status: string;
}

const verb = { acknowledge: 'Acknowledge', resolve: 'Resolve' } as const;

/** The confirmation: the incident as it stands and the button that acts. */
export function confirmPage(incident: Shown, action: 'acknowledge' | 'resolve', user: string): string {
  const title = `${verb[action]} #${incident.number}`;
  return layout(
    title,
    `<h1>#${incident.number} ${escapeHtml(incident.summary)}</h1>
<p class="muted">Status: ${escapeHtml(incident.status)} · as ${escapeHtml(user)}</p>
<form method="post"><button type="submit">${verb[action]}</button></form>`,
  );
}

/** What happened, or why nothing did. */
export function resultPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
