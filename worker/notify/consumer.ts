// The notification queue's consumer. A page is claimed from its incident's object (which says whether
// it is still wanted and not already sent), sent through its channel's provider, and the provider's
// answer recorded back on the incident, whose timeline and page record are the log of it. A handoff
// notice, which has no incident, is sent and recorded in D1. An extension's call is claimed and
// recorded on its incident like a page. The job carries what delivery needs:
// nothing here reads the configuration.
//
// A retry-later answer backs off exponentially (honouring Retry-After) to five minutes: the 100 retries
// of wrangler.toml span about eight hours. A job that exhausts them lands on the dead-letter queue,
// whose consumer marks it failed, so that nothing ends silently.
import { and, eq, inArray } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { deliveryColumns } from '../db/incidents';
import { notifications } from '../db/schema';
import { incidentObject } from '../incident/commands';
import { providerFor } from './channels';
import { callExtension } from './call';
import {
  notificationJobSchema,
  type HandoffJob,
  type IncidentJob,
  type MessageJob,
  type NotificationJob,
  type UpdateJob,
} from './job';
import { outboundFor, publicUrl } from './outbound';
import type { Delivery } from './provider';

export const DEAD_LETTER_QUEUE = 'tocsin-notifications-dead';
/** The longest a queue message may be delayed. */
const MAX_DELAY_SECONDS = 12 * 3600;

/** Backoff for a delivery to try again: 2, 4, 8… seconds, at most five minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(2 ** attempts, 300);
}

/** What becomes of the queue message: done, or tried again in so many seconds. */
type Next = { ack: true } | { ack: false; delaySeconds: number };
const ACK: Next = { ack: true };
const later = (seconds: number): Next => ({
  ack: false,
  delaySeconds: Math.min(Math.ceil(seconds), MAX_DELAY_SECONDS),
});

function incidentOf(env: Env, job: IncidentJob) {
  const object = incidentObject(env.INCIDENTS, job.incidentId);
  if (!object) throw new Error(`page ${job.id}: ${job.incidentId} is not an incident id`);
  return object;
}

/** After a provider's answer: a retry waits the longer of the backoff and the provider's Retry-After. */
function afterDelivery(delivery: Delivery, attempts: number): Next {
  if (delivery.status !== 'retry') return ACK;
  return later(Math.max(retryDelaySeconds(attempts), delivery.retryAfterSeconds ?? 0));
}

async function send(env: Env, job: MessageJob, now: Date) {
  const provider = providerFor(job.contactMethod.type, env);
  const delivery = await provider.send(await outboundFor(job, env, now));
  return { provider: provider.name, delivery };
}

/** The request an extension's call makes, or a page's message, as the provider that carries it. */
async function deliverJob(env: Env, job: IncidentJob, now: Date) {
  if (job.kind === 'page') return send(env, job, now);
  const incidentUrl = `${publicUrl(env)}/incidents/${encodeURIComponent(job.incidentId)}`;
  const delivery = await callExtension(job, incidentUrl, Boolean(env.TOCSIN_ALLOW_PRIVATE_TARGETS));
  return { provider: 'webhook', delivery };
}

/** A page or a call: claimed from its incident, made, and its answer recorded there. */
async function page(env: Env, job: IncidentJob, attempts: number, now: Date): Promise<Next> {
  const incident = incidentOf(env, job);
  const claim = await incident.pageDue(job);
  if (claim.answer === 'done') return ACK;
  if (claim.answer === 'wait') return later(claim.seconds);
  const { provider, delivery } = await deliverJob(env, job, now);
  await incident.pageSent(job, delivery, provider);
  return afterDelivery(delivery, attempts);
}

function handoffRow(job: HandoffJob, now: Date) {
  return {
    id: job.id,
    kind: 'handoff' as const,
    incidentId: null,
    incidentNumber: null,
    user: job.user,
    contactMethod: job.contactMethod.id,
    channel: job.contactMethod.type,
    address: job.contactMethod.address ?? null,
    dueAt: job.dueAt,
    queuedAt: job.dueAt,
    updatedAt: now.toISOString(),
  };
}

/** A handoff notice is sent unless D1 already has it sent; its row is written with the outcome. */
async function handoff(env: Env, job: HandoffJob, attempts: number, now: Date): Promise<Next> {
  const db = drizzle(env.DB);
  const done = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.id, job.id), inArray(notifications.status, ['sent', 'delivered', 'failed'])))
    .get();
  if (done) return ACK;
  const { provider, delivery } = await send(env, job, now);
  const row = { ...handoffRow(job, now), attempts, ...deliveryColumns(delivery, provider, now) };
  await db.insert(notifications).values(row).onConflictDoUpdate({ target: notifications.id, set: row });
  return afterDelivery(delivery, attempts);
}

/** A sent message rewritten to show its incident's new status; a refusal is logged, not retried. */
async function rewrite(env: Env, job: UpdateJob, attempts: number, now: Date): Promise<Next> {
  const provider = providerFor(job.contactMethod.type, env);
  if (!provider.update) return ACK;
  const delivery = await provider.update(await outboundFor(job, env, now), job.providerMessageId);
  if (delivery.status === 'failed')
    console.warn('notification queue: a message was not rewritten', job.id, delivery.reason);
  return afterDelivery(delivery, attempts);
}

/** A job that retried until the queue gave up: marked failed where it is recorded. */
async function giveUp(env: Env, job: NotificationJob, now: Date): Promise<void> {
  const reason = 'not delivered: the notification queue ran out of retries';
  if (job.kind === 'update') return;
  if (job.kind === 'page' || job.kind === 'extension') return incidentOf(env, job).pageGivenUp(job, reason);
  const row = { ...handoffRow(job, now), attempts: 0, status: 'failed' as const, error: reason };
  await drizzle(env.DB).insert(notifications).values(row).onConflictDoNothing();
}

export async function consumeNotifications(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const dead = batch.queue === DEAD_LETTER_QUEUE;
  await Promise.all(
    batch.messages.map(async (message) => {
      const parsed = notificationJobSchema.safeParse(message.body);
      if (!parsed.success) {
        // A job that can never be read is dropped, loudly, instead of retried forever.
        console.error('notification queue: unreadable job', message.id, parsed.error.issues);
        message.ack();
        return;
      }
      const job = parsed.data;
      const now = new Date();
      try {
        if (dead) {
          await giveUp(env, job, now);
          message.ack();
          return;
        }
        const next =
          job.kind === 'page' || job.kind === 'extension'
            ? await page(env, job, message.attempts, now)
            : job.kind === 'update'
              ? await rewrite(env, job, message.attempts, now)
              : await handoff(env, job, message.attempts, now);
        if (next.ack) message.ack();
        else message.retry({ delaySeconds: next.delaySeconds });
      } catch (error) {
        console.error(`notification queue${dead ? ' (dead letters)' : ''}: failed`, job.id, error);
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }),
  );
}
