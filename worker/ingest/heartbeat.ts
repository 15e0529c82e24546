// Heartbeats: a `heartbeat` integration expects a ping (GET or POST /integration/heartbeat/v1/{key})
// at least every `interval_minutes`, from its first ping on. A missed ping opens an incident; the
// next ping resolves it. Pure: the settings, when the next ping is due, and the events a miss and a
// resumption make. The clock is the HeartbeatObject's (heartbeat-object.ts).
import { z } from 'zod';
import { MINUTE } from '../vocabulary';
import type { Adapter } from './adapter';
import type { AlertEvent } from './event';

export const heartbeatSettingsSchema = z
  .object({
    interval_minutes: z
      .number()
      .int()
      .min(1)
      .max(31 * 24 * 60),
    /** Slack for a ping on its way (a cron job that runs long): the miss counts after interval + grace. */
    grace_minutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(1),
  })
  .strict();
export type HeartbeatSettings = z.infer<typeof heartbeatSettingsSchema>;

/** The one dedup key of a heartbeat's incidents: a miss opens it, a ping closes it. */
export const HEARTBEAT_EVENT_ID = 'heartbeat-missed';

/** When a ping at `pingAt` is late. */
export const dueBy = (settings: HeartbeatSettings, pingAt: number) =>
  pingAt + (settings.interval_minutes + settings.grace_minutes) * MINUTE;

export function missedEvent(name: string, settings: HeartbeatSettings, lastPingAt: number, now: Date): AlertEvent {
  return {
    eventId: HEARTBEAT_EVENT_ID,
    action: 'open',
    summary: `No heartbeat from ${name} for ${Math.round((now.getTime() - lastPingAt) / MINUTE)} minutes (expected every ${settings.interval_minutes})`,
    urgency: 'high',
    eventTime: now.toISOString(),
    payload: { last_ping_at: new Date(lastPingAt).toISOString(), interval_minutes: settings.interval_minutes },
    eventType: 'heartbeat',
    source: name,
  };
}

export function resumedEvent(name: string, now: Date): AlertEvent {
  return {
    eventId: HEARTBEAT_EVENT_ID,
    action: 'close',
    summary: `Heartbeat from ${name} resumed`,
    urgency: 'none',
    eventTime: now.toISOString(),
    payload: { ping_at: now.toISOString() },
    eventType: 'heartbeat',
    source: name,
  };
}

/** A ping carries no alert: its door (ingest/routes.ts) hands it to the heartbeat's object. */
export const heartbeat: Adapter = {
  title: 'Heartbeat',
  events: () => [],
};
