// The notification queue's consumer. Real providers come next; for now each job is recorded in the
// `notifications` table (the local outbox) — or recorded as cancelled when the incident no longer
// needs it, so that no page goes out after an acknowledgement.
import { drizzle } from 'drizzle-orm/d1';
import { notifications } from '../db/schema';
import { incidentObjectName } from '../incident/commands';
import type { Incident } from '../incident/lifecycle';
import { notificationJobSchema, type NotificationJob, type PageJob } from './job';

/** Backoff for a failed delivery: 2, 4, 8… seconds, at most five minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(2 ** attempts, 300);
}

/** Why the incident no longer wants this page, or null if it does. */
export function cancellationReason(incident: Incident | null, job: PageJob): string | null {
  if (incident === null) return 'the incident no longer exists';
  if (incident.status === 'resolved') return `incident #${incident.number} is resolved`;
  if (incident.status === 'acknowledged' && job.stopWhen === 'acknowledged') {
    return `incident #${incident.number} is acknowledged`;
  }
  return null;
}

/** Why the job is no longer wanted, or null: a page asks its incident, a handoff notice always goes. */
async function cancelled(env: Env, job: NotificationJob): Promise<string | null> {
  if (job.kind === 'handoff') return null;
  const object = env.INCIDENTS.getByName(incidentObjectName(job.integrationId, job.eventId));
  const incident: Incident | null = await object.getIncident(job.incidentId);
  return cancellationReason(incident, job);
}

function detailOf(job: NotificationJob): string | null {
  if (job.kind === 'page') return null;
  const lead = job.minutesBefore === 0 ? 'starts now' : `starts in ${job.minutesBefore} min`;
  return `on-call shift on ${job.schedule.name} ${lead} (${job.shiftStart} to ${job.shiftEnd})`;
}

async function deliver(env: Env, job: NotificationJob, now: Date): Promise<void> {
  const reason = await cancelled(env, job);
  await drizzle(env.DB)
    .insert(notifications)
    .values({
      id: job.id,
      kind: job.kind,
      incidentId: job.kind === 'page' ? job.incidentId : null,
      incidentNumber: job.kind === 'page' ? job.incidentNumber : null,
      user: job.user,
      contactMethod: job.contactMethod.id,
      channel: job.contactMethod.type,
      address: job.contactMethod.address ?? null,
      attempt: job.attempt,
      status: reason === null ? 'recorded' : 'cancelled',
      detail: reason ?? detailOf(job),
      dueAt: job.dueAt,
      processedAt: now.toISOString(),
    })
    .onConflictDoNothing();
}

export async function consumeNotifications(batch: MessageBatch<unknown>, env: Env): Promise<void> {
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
        await deliver(env, parsed.data, new Date());
        message.ack();
      } catch (error) {
        console.error('notification queue: delivery failed', parsed.data.id, error);
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }),
  );
}
