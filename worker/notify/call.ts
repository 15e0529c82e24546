// An extension's call: the one request its template makes for an event, with the answer capped in
// size and time and classified as a provider's is (2xx sent, 408/429/5xx retry, other 4xx failed).
// Redirects are not followed, so that a public URL cannot hand the call on to a private address.
import { render, type ExtensionValues } from './extension';
import type { ExtensionJob } from './job';
import { REQUEST_TIMEOUT_MS, retryAfter, type Delivery } from './provider';
import { refusedTarget } from './target';

/** The most of an answer's body read (as the failure's reason); the rest is left unread. */
export const MAX_ANSWER_BYTES = 16 * 1024;
const REASON_CHARS = 300;

/** Reads at most `limit` bytes of a body, then lets go of the rest. */
async function readCapped(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    while (bytes < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const all = new Uint8Array(Math.min(bytes, limit));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, all.length - at);
    all.set(part, at);
    at += part.length;
  }
  return new TextDecoder().decode(all);
}

export async function callExtension(
  job: ExtensionJob,
  incidentUrl: string,
  allowPrivate: boolean,
  clock: () => number = Date.now,
): Promise<Delivery> {
  const values = { ...job.values, INCIDENT_URL: incidentUrl } as ExtensionValues;
  const call = render(job.extension, values);
  const refused = refusedTarget(call.url, allowPrivate);
  if (refused !== null) return { status: 'failed', reason: refused, response: { status: null, durationMs: 0 } };
  const started = clock();
  const took = () => Math.max(0, Math.round(clock() - started));
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: call.method,
      headers: { 'user-agent': 'Tocsin', ...call.headers },
      body: call.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const reason = `network error or timeout: ${String(error).slice(0, REASON_CHARS)}`;
    return { status: 'retry', reason, response: { status: null, durationMs: took() } };
  }
  const text = await readCapped(response, MAX_ANSWER_BYTES).catch(() => '');
  const answered = { status: response.status, durationMs: took() };
  if (response.status >= 200 && response.status < 300) {
    return { status: 'sent', providerMessageId: null, response: answered };
  }
  const reason = `${response.status} ${text.slice(0, REASON_CHARS)}`.trim();
  if (response.status >= 300 && response.status < 400) {
    return { status: 'failed', reason: `${reason} (redirects are not followed)`, response: answered };
  }
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    const after = retryAfter(response);
    return {
      status: 'retry',
      reason,
      response: answered,
      ...(after === undefined ? {} : { retryAfterSeconds: after }),
    };
  }
  return { status: 'failed', reason, response: answered };
}
