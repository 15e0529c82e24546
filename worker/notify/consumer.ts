// The notification queue's consumer. A page asks its incident's object whether it is still wanted
// (else the object records it cancelled), is delivered, and its outcome is reported back to the
// incident, whose timeline is the record of it. Real providers come next: for now delivery is the
// record itself. A handoff notice, which has no incident, is recorded in D1. The job carries what
// delivery needs: nothing here reads the configuration.
//
// Retries back off to five minutes and span about eight hours (max_retries in wrangler.toml); a job
// that exhausts them lands on the dead-letter queue, whose consumer marks it failed, so that nothing
// ends silently.
import { drizzle } from 'drizzle-orm/d1';
import { notifications } from '../db/schema';
import { incidentObject } from '../incident/commands';
import { notificationJobSchema, type HandoffJob, type NotificationJob, type PageJob } from './job';

export const DEAD_LETTER_QUEUE = 'tocsin-notifications-dead';

/** Backoff for a failed delivery: 2, 4, 8… seconds, at most five minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(2 ** attempts, 300);
}

function incidentOf(env: Env, job: PageJob) {
  const object = incidentObject(env.INCIDENTS, job.incidentId);
  if (!object) throw new Error(`page ${job.id}: ${job.incidentId} is not an incident id`);
  return object;
}

function detailOf(job: HandoffJob): string {
  const lead = job.minutesBefore === 0 ? 'starts now' : `starts in ${job.minutesBefore} min`;
  return `on-call shift on ${job.schedule.name} ${lead} (${job.shiftStart} to ${job.shiftEnd})`;
}

async function recordHandoff(env: Env, job: HandoffJob, status: 'notified' | 'failed', detail: string, now: Date) {
  await drizzle(env.DB)
    .insert(notifications)
    .values({
      id: job.id,
      kind: 'handoff',
      incidentId: null,
      incidentNumber: null,
      user: job.user,
      contactMethod: job.contactMethod.id,
      channel: job.contactMethod.type,
      address: job.contactMethod.address ?? null,
      attempt: job.attempt,
      status,
      detail,
      dueAt: job.dueAt,
      processedAt: now.toISOString(),
    })
    .onConflictDoNothing();
}

async function deliver(env: Env, job: NotificationJob, now: Date): Promise<void> {
  if (job.kind === 'handoff') return recordHandoff(env, job, 'notified', detailOf(job), now);
  const incident = incidentOf(env, job);
  const due = await incident.pageDue(job);
  if (!due.send) return;
  // Where a provider will send the message; its failures will be reported as `failed` here.
  await incident.pageOutcome(job, 'notified', null);
}

/** A job that retried until the queue gave up: marked failed where it is recorded. */
async function giveUp(env: Env, job: NotificationJob, now: Date): Promise<void> {
  const reason = 'not delivered: the notification queue ran out of retries';
  if (job.kind === 'handoff') return recordHandoff(env, job, 'failed', reason, now);
  await incidentOf(env, job).pageOutcome(job, 'failed', reason);
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
      try {
        await (dead ? giveUp(env, parsed.data, new Date()) : deliver(env, parsed.data, new Date()));
        message.ack();
      } catch (error) {
        console.error(`notification queue${dead ? ' (dead letters)' : ''}: failed`, parsed.data.id, error);
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }),
  );
}
