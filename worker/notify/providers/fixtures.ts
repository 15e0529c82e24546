// What provider tests share: a page to send, and a fetch spy that answers as the provider would.
import { vi } from 'vitest';
import type { Outbound } from '../provider';

export const INCIDENT = `${'ab'.repeat(32)}-1`;

/** A page about a hostile summary, for any channel. */
export function pageMessage(overrides: Partial<Outbound> = {}): Outbound {
  return {
    id: `page:${INCIDENT}:0:0.0.0:kim:kim-x`,
    channel: 'sms',
    address: '+821012345678',
    locale: 'en',
    timeZone: 'Asia/Seoul',
    subject: {
      type: 'page',
      incident: {
        id: INCIDENT,
        number: 42,
        summary: '<b>db</b> & "down" <!channel>',
        urgency: 'high',
        status: 'triggered',
        service: 'Web',
      },
      links: {
        view: `https://tocsin.test/incidents/${INCIDENT}`,
        acknowledge: 'https://tocsin.test/respond/ACK',
        resolve: 'https://tocsin.test/respond/RES',
      },
      buttons: { acknowledge: 'a:ref', resolve: 'r:ref' },
    },
    callbacks: {
      status: 'https://tocsin.test/webhooks/twilio/status?incident=i&page=p',
      voice: 'https://tocsin.test/webhooks/twilio/voice?incident=i&page=p',
    },
    ...overrides,
  };
}

export interface Captured {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** Answers every fetch with `answer` (a Response, or an error to throw) and records the requests. */
export function answering(answer: () => Response | Error): Captured[] {
  const requests: Captured[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init as RequestInit);
    requests.push({
      url: request.url,
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: new TextDecoder().decode(await request.arrayBuffer()),
    });
    const result = answer();
    if (result instanceof Error) throw result;
    return result;
  });
  return requests;
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
