// A page's delivery as its incident records it: queued → sending → sent → delivered, or failed, or
// cancelled. An extension's call (an outgoing webhook) is recorded the same way, and so gets the same
// guarantees, but is never cancelled: it tells of an event that happened. Pure: each step takes the record, what happened and `now`, and answers the next record
// and the timeline entry to add, if any. Claiming before the request and recording after it is what
// makes a page go out once (see `claim`).
import type { IncidentJob } from '../notify/job';
import type { CallResponse, Delivery } from '../notify/provider';
import { SECOND, SYSTEM, type NotificationStatus } from '../vocabulary';
import type { Incident } from './lifecycle';
import type { TimelineEntry } from './timeline';

export type PageStatus = NotificationStatus;

export interface PageRecord {
  job: IncidentJob;
  status: PageStatus;
  /** Who took it: resend, twilio, slack… or log when the channel has no credentials. */
  provider: string | null;
  /** Requests made so far. */
  attempts: number;
  /** Claims whose outcome was never recorded: the consumer stopped between request and record. */
  unknown: number;
  providerMessageId: string | null;
  /** Why it failed, was cancelled, or why its last try must be retried. */
  error: string | null;
  queuedAt: string;
  claimedAt: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  /** An extension's call: the HTTP status of its last answer, and how long that took (absent on pages). */
  response?: CallResponse | null;
  /** Counts changes, so that the copy in D1 only ever moves forward. */
  revision: number;
}

/** How long a claim holds a page: longer than a provider request may take (REQUEST_TIMEOUT_MS). */
export const CLAIM_MS = 30 * SECOND;

/** What the consumer is told to do with a page it is about to deliver. */
export type Claim =
  { answer: 'send'; attempt: number } | { answer: 'wait'; seconds: number } | { answer: 'done'; reason: string };

export interface Step<A = null> {
  record: PageRecord | null;
  timeline: TimelineEntry[];
  answer: A;
}

export function queued(job: IncidentJob, now: Date): PageRecord {
  return {
    job,
    status: 'queued',
    provider: null,
    attempts: 0,
    unknown: 0,
    providerMessageId: null,
    error: null,
    queuedAt: now.toISOString(),
    claimedAt: null,
    sentAt: null,
    deliveredAt: null,
    revision: 1,
  };
}

const FINAL: readonly PageStatus[] = ['delivered', 'failed', 'cancelled'];
const isSent = (status: PageStatus) => status === 'sent' || status === 'delivered';

/** Who the page is for and how, as every page entry on the timeline names it. */
const fields = ({ job }: PageRecord & { job: { kind: 'page' } }) => ({
  job: job.id,
  user: job.user,
  contact_method: job.contactMethod.id,
  channel: job.contactMethod.type,
});
/** Which extension told of which event, as every call entry names it. */
const callFields = ({ job }: PageRecord & { job: { kind: 'extension' } }) => ({
  job: job.id,
  extension: job.extension.id,
  event: job.event,
});
const isPage = (record: PageRecord): record is PageRecord & { job: { kind: 'page' } } => record.job.kind === 'page';
const isCall = (record: PageRecord): record is PageRecord & { job: { kind: 'extension' } } =>
  record.job.kind === 'extension';
const by = (now: Date) => ({ at: now.toISOString(), actor: SYSTEM });

const next = (record: PageRecord, change: Partial<PageRecord>): PageRecord => ({
  ...record,
  ...change,
  revision: record.revision + 1,
});

function failed(record: PageRecord, reason: string, now: Date): Step<null> {
  const details = { reason, attempts: record.attempts };
  return {
    record: next(record, { status: 'failed', error: reason, claimedAt: null }),
    timeline: [
      isCall(record)
        ? { type: 'extension_failed', ...by(now), details: { ...callFields(record), ...details } }
        : {
            type: 'page_failed',
            ...by(now),
            details: { ...fields(record as PageRecord & { job: { kind: 'page' } }), ...details },
          },
    ],
    answer: null,
  };
}

/** Whether an incident in this state still pages by a job that stops when it is `stopWhen`. */
export function stillPages(incident: Incident | null, stopWhen: 'acknowledged' | 'resolved'): string | null {
  if (incident === null) return 'the incident no longer exists';
  if (incident.status === 'resolved') return `incident #${incident.number} is resolved`;
  if (incident.status === 'acknowledged' && stopWhen === 'acknowledged') {
    return `incident #${incident.number} is acknowledged`;
  }
  return null;
}

/**
 * The consumer is about to send: a page already sent is not sent again; one its incident no longer
 * asks for is cancelled; one claimed by a send still under way waits. A claim that lapsed without a
 * record may have reached the provider: it is sent once more, and after a second such lapse the page
 * fails rather than risk a third copy — so a page is sent at most twice.
 */
export function claim(record: PageRecord, incident: Incident | null, now: Date): Step<Claim> {
  const done = (reason: string): Step<Claim> => ({ record: null, timeline: [], answer: { answer: 'done', reason } });
  if (isSent(record.status) || FINAL.includes(record.status)) return done(`the page is ${record.status}`);
  const stop = isPage(record) ? stillPages(incident, record.job.stopWhen) : null;
  if (stop !== null && isPage(record)) {
    return {
      record: next(record, { status: 'cancelled', error: stop, claimedAt: null }),
      timeline: [{ type: 'page_cancelled', ...by(now), details: { ...fields(record), reason: stop } }],
      answer: { answer: 'done', reason: stop },
    };
  }
  let unknown = record.unknown;
  if (record.status === 'sending') {
    const held = Date.parse(record.claimedAt ?? '') + CLAIM_MS - now.getTime();
    if (held > 0) return { record: null, timeline: [], answer: { answer: 'wait', seconds: Math.ceil(held / SECOND) } };
    unknown += 1;
    if (unknown >= 2) {
      const reason = 'two sends ended without an answer (the consumer stopped mid-send); not sent a third time';
      const step = failed({ ...record, unknown }, reason, now);
      return { ...step, answer: { answer: 'done', reason } };
    }
  }
  const attempt = record.attempts + 1;
  return {
    record: next(record, { status: 'sending', attempts: attempt, unknown, claimedAt: now.toISOString() }),
    timeline: [],
    answer: { answer: 'send', attempt },
  };
}

/** How the provider answered the consumer's send. A repeated report changes nothing. */
export function sent(record: PageRecord, delivery: Delivery, provider: string, now: Date): Step {
  const nothing: Step = { record: null, timeline: [], answer: null };
  if (FINAL.includes(record.status) || record.status === 'sent') {
    // A delivery report can overtake the consumer's own record: keep the provider's id all the same.
    const late = record.status === 'delivered' && delivery.status === 'sent' && record.providerMessageId === null;
    return late
      ? { ...nothing, record: next(record, { provider, providerMessageId: delivery.providerMessageId }) }
      : nothing;
  }
  const response = delivery.response ? { response: delivery.response } : {};
  switch (delivery.status) {
    case 'sent': {
      const change = {
        status: 'sent' as const,
        provider: delivery.via ?? provider,
        providerMessageId: delivery.providerMessageId,
        sentAt: now.toISOString(),
        error: null,
        claimedAt: null,
        ...response,
      };
      const entry: TimelineEntry = isCall(record)
        ? {
            type: 'extension_called',
            ...by(now),
            details: {
              ...callFields(record),
              response_status: delivery.response?.status ?? null,
              duration_ms: delivery.response?.durationMs ?? 0,
            },
          }
        : {
            type: 'notified',
            ...by(now),
            details: {
              ...fields(record as PageRecord & { job: { kind: 'page' } }),
              provider: change.provider,
              attempts: record.attempts,
            },
          };
      return { record: next(record, change), timeline: [entry], answer: null };
    }
    case 'retry':
      return {
        ...nothing,
        record: next(record, { status: 'queued', provider, error: delivery.reason, claimedAt: null, ...response }),
      };
    case 'failed':
      return failed({ ...record, provider, ...response }, delivery.reason, now);
  }
}

/** The queue gave up on the page (out of retries, or dead-lettered): it fails, with the last reason. */
export function givenUp(record: PageRecord, reason: string, now: Date): Step {
  if (isSent(record.status) || FINAL.includes(record.status)) return { record: null, timeline: [], answer: null };
  return failed(record, record.error ? `${reason}; last: ${record.error}` : reason, now);
}

/** The provider's delivery report (Twilio's StatusCallback): delivered to the phone, or not. */
export function reported(
  record: PageRecord,
  report: { status: 'delivered' | 'failed'; reason: string | null; providerMessageId: string | null },
  now: Date,
): Step {
  if (FINAL.includes(record.status)) return { record: null, timeline: [], answer: null };
  const providerMessageId = record.providerMessageId ?? report.providerMessageId;
  if (report.status === 'failed') return failed({ ...record, providerMessageId }, report.reason ?? 'undelivered', now);
  if (!isPage(record)) return { record: null, timeline: [], answer: null };
  return {
    record: next(record, { status: 'delivered', providerMessageId, deliveredAt: now.toISOString(), claimedAt: null }),
    timeline: [
      { type: 'page_delivered', ...by(now), details: { ...fields(record), provider: record.provider ?? 'unknown' } },
    ],
    answer: null,
  };
}
