// Change events: written straight to D1 (they page nobody, so D1 is not in the way of a page).
import { drizzle } from 'drizzle-orm/d1';
import { instantOf } from '../ingest/normalize';
import { changeEvents } from './schema';

export interface ChangeEvent {
  payload: { summary: string; timestamp?: string; source?: string; custom_details?: unknown };
  links?: { href: string; text?: string }[];
}

export async function recordChange(
  d1: D1Database,
  integration: { id: string; serviceId: string },
  change: ChangeEvent,
  now: Date,
): Promise<string> {
  const id = crypto.randomUUID();
  await drizzle(d1)
    .insert(changeEvents)
    .values({
      id,
      serviceId: integration.serviceId,
      integrationId: integration.id,
      summary: change.payload.summary,
      source: change.payload.source ?? null,
      happenedAt: instantOf(change.payload.timestamp, now),
      receivedAt: now.toISOString(),
      details: { custom_details: change.payload.custom_details ?? null, links: change.links ?? [] },
    });
  return id;
}
