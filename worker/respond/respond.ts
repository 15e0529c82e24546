// Acting on an incident from a message: who the sender is (the user behind a contact method), whether
// they may act, and the command on the incident's object, recorded with that user and the channel.
import { and, desc, eq, ne } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { UserConfig } from '../config/document';
import { liveConfig } from '../config/live';
import { incidents, notifications } from '../db/schema';
import { incidentObject, incidentObjectName, type CommandResult, type IngestResult } from '../incident/commands';
import { responds } from '../permissions';
import type { ContactMethodType } from '../users/contact';
import type { Role, Urgency } from '../vocabulary';

export type Action = 'acknowledge' | 'resolve';
/** Where an answer came from, as the timeline names it. */
export type Channel = 'link' | 'email' | 'sms' | 'voice' | 'slack' | 'telegram';

export interface Responder {
  handle: string;
  role: Role;
}

export type Answer = { ok: true; result: CommandResult } | { ok: false; status: 403 | 404; message: string };

/** Phone numbers compare by digits, so that `+82 10-1234-5678` is `+821012345678`. */
const sameAddress = (type: ContactMethodType, a: string, b: string) => {
  if (type === 'sms' || type === 'voice' || type === 'kakao')
    return a.replace(/[^0-9+]/g, '') === b.replace(/[^0-9+]/g, '');
  if (type === 'email') return a.trim().toLowerCase() === b.trim().toLowerCase();
  return a === b;
};

function reachedBy(user: UserConfig, types: ContactMethodType[], address: string): boolean {
  if (types.includes('email') && user.email !== undefined && sameAddress('email', user.email, address)) return true;
  if (types.some((t) => t === 'sms' || t === 'voice') && user.phone && sameAddress('sms', user.phone, address)) {
    return true;
  }
  return user.contact_methods.some(
    (m) => types.includes(m.type) && m.address !== undefined && sameAddress(m.type, m.address, address),
  );
}

/**
 * The user one of whose contact methods of these types has this address, or null. An address two users
 * share names nobody: an answer must be attributed to one person.
 */
export async function responderFor(env: Env, types: ContactMethodType[], address: string): Promise<Responder | null> {
  const { config } = await liveConfig(env);
  const found = config.users.filter((u) => reachedBy(u, types, address));
  return found.length === 1 ? { handle: found[0]!.id, role: found[0]!.role } : null;
}

/** The user with this handle, as a responder, or null. */
export async function responderNamed(env: Env, handle: string): Promise<Responder | null> {
  const { config } = await liveConfig(env);
  const user = config.users.find((u) => u.id === handle);
  return user ? { handle: user.id, role: user.role } : null;
}

/** The incident with this number (`ack 42`), from D1's copy. */
export async function incidentNumbered(env: Env, number: number): Promise<string | null> {
  const row = await drizzle(env.DB)
    .select({ id: incidents.id })
    .from(incidents)
    .where(eq(incidents.number, number))
    .get();
  return row?.id ?? null;
}

/** The incident that last paged this address on this channel (`1` alone answers it). */
export async function lastPagedBy(env: Env, channel: ContactMethodType, address: string): Promise<string | null> {
  const row = await drizzle(env.DB)
    .select({ incidentId: notifications.incidentId })
    .from(notifications)
    .where(and(eq(notifications.channel, channel), eq(notifications.address, address), eq(notifications.kind, 'page')))
    .orderBy(desc(notifications.dueAt))
    .get();
  return row?.incidentId ?? null;
}

/** Acknowledges or resolves for `responder`, if their role lets them act. */
export async function act(
  env: Env,
  incidentId: string,
  action: Action,
  responder: Responder,
  channel: Channel,
): Promise<Answer> {
  if (!responds(responder.role)) {
    return { ok: false, status: 403, message: `${responder.handle} may not act on incidents (${responder.role})` };
  }
  const object = incidentObject(env.INCIDENTS, incidentId);
  const result = object
    ? await object.command(incidentId, { type: action, channel }, { type: 'user', id: responder.handle })
    : null;
  return result ? { ok: true, result } : { ok: false, status: 404, message: `no incident has id ${incidentId}` };
}

/** The open incidents, newest first (at most 20), as `/tocsin list` shows them. */
export async function openIncidents(env: Env) {
  return drizzle(env.DB)
    .select({ number: incidents.number, status: incidents.status, summary: incidents.summary })
    .from(incidents)
    .where(ne(incidents.status, 'resolved'))
    .orderBy(desc(incidents.number))
    .limit(20);
}

/** The integration a hand-raised incident is filed under: one per service, named for where it came from. */
export const MANUAL_PREFIX = 'manual:';
const MANUAL = (serviceId: string) => `${MANUAL_PREFIX}${serviceId}`;

/** Opens an incident on a service by hand, raised by `responder` (`/tocsin create web db down`, the console). */
export async function raise(
  env: Env,
  serviceHandle: string,
  summary: string,
  responder: Responder,
  { urgency = 'high', details = {} }: { urgency?: Urgency; details?: Record<string, unknown> } = {},
): Promise<IngestResult | { error: string }> {
  if (!responds(responder.role)) return { error: `${responder.handle} may not raise incidents (${responder.role})` };
  const { ids } = await liveConfig(env);
  const serviceId = ids.services.get(serviceHandle);
  if (!serviceId) return { error: `there is no service ${serviceHandle}` };
  const eventId = crypto.randomUUID();
  const object = env.INCIDENTS.getByName(incidentObjectName(MANUAL(serviceId), eventId));
  const now = new Date().toISOString();
  return object.ingest(
    { integrationId: MANUAL(serviceId), integrationHandle: 'manual', serviceId },
    { eventId, action: 'open', summary: summary.slice(0, 1024), urgency, eventTime: now, payload: details, details },
    { type: 'user', id: responder.handle },
  );
}
