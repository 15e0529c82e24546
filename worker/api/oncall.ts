// The on-call side of the API: pages sent (the notification log), reassignment,
// and the dry run (`simulate`) that shows who would be paged when, without side effects.
import { and, asc, desc, eq, isNull, or } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { z } from 'zod';
import { notifications, users } from '../db/schema';
import { planEscalation, type EscalationEvent, type Pick } from '../escalation/escalation';
import { HttpError, readJson } from '../http';
import { normalizeStandardEvent, standardEventSchema } from '../ingest/standard';
import { isoInstantSchema } from '../vocabulary';
import { directoryOf, escalationFor } from '../incident/paging';
import { allow, type ApiEnv, type Principal } from './auth';
import { routingSchema, type Configuration } from '../config/document';
import { loadConfig, type StoredConfig } from '../config/store';
import { commandIncident, commandJson } from './incidents';

export const simulateSchema = z
  .object({
    /** The integration the event arrives on (handle or id). */
    integration: z.string().min(1).max(64),
    event: standardEventSchema,
    /** When the event arrives; default now. */
    at: isoInstantSchema.optional(),
  })
  .strict()
  .meta({ id: 'Simulate' });

export const reassignSchema = z
  .union([
    z.object({ user: z.string().min(1).max(64) }).strict(),
    z.object({ escalation_policy: z.string().min(1).max(64) }).strict(),
    z.object({ schedule: z.string().min(1).max(64) }).strict(),
  ])
  .meta({ id: 'Reassign' });

/** A page as the log shows it; the address it went to is not for observers. */
const notificationJson = (n: typeof notifications.$inferSelect, principal: Principal) => ({
  id: n.id,
  kind: n.kind,
  incident_id: n.incidentId,
  incident_number: n.incidentNumber,
  user: n.user,
  contact_method: n.contactMethod,
  channel: n.channel,
  ...(principal.role === 'observer' ? {} : { address: n.address }),
  attempt: n.attempt,
  status: n.status,
  detail: n.detail,
  due_at: n.dueAt,
  processed_at: n.processedAt,
});

function eventJson(event: EscalationEvent) {
  const { at, ...rest } = event;
  const position = 'position' in rest ? rest.position : undefined;
  const { position: _, ...fields } = rest as typeof rest & { position?: unknown };
  return {
    at: at.toISOString(),
    ...fields,
    ...(position && position !== 'final' ? { step: position.step + 1, cycle: position.cycle, run: position.run } : {}),
  };
}

function integrationOf(stored: StoredConfig, idOrHandle: string) {
  const handle = stored.config.integrations.find(
    (i) => i.id === idOrHandle || stored.ids.integrations.get(i.id) === idOrHandle,
  );
  if (!handle)
    throw new HttpError(400, 'invalid_request', `no integration is named ${idOrHandle}`, [
      { field: 'integration', message: 'unknown integration' },
    ]);
  return handle;
}

/** What a reassignment target pages with; 400 naming the field when it does not exist. */
function reassignTarget(config: Configuration, target: z.infer<typeof reassignSchema>) {
  const [field, handle] = Object.entries(target)[0] as [string, string];
  const known =
    field === 'user'
      ? config.users.some((u) => u.id === handle)
      : field === 'schedule'
        ? config.schedules.some((s) => s.id === handle)
        : config.escalation_policies.some((p) => p.id === handle);
  if (!known)
    throw new HttpError(400, 'invalid_request', `no ${field.replace('_', ' ')} is named ${handle}`, [
      { field, message: 'unknown' },
    ]);
  const routing = routingSchema.parse(target);
  return { escalation: escalationFor(routing, config, undefined, 0), label: `${field}:${handle}` };
}

export const onCallRoutes = new Hono<ApiEnv>()
  .get('/users/:id/notifications', allow('read'), async (c) => {
    const db = drizzle(c.env.DB);
    const user = await db
      .select({ handle: users.handle })
      .from(users)
      .where(and(or(eq(users.id, c.req.param('id')), eq(users.handle, c.req.param('id'))), isNull(users.deletedAt)))
      .get();
    if (!user) throw new HttpError(404, 'not_found', `no user is named ${c.req.param('id')}`);
    const rows = await db
      .select()
      .from(notifications)
      .where(eq(notifications.user, user.handle))
      .orderBy(desc(notifications.dueAt))
      .limit(200);
    return c.json({ notifications: rows.map((n) => notificationJson(n, c.get('principal'))) });
  })
  .get('/incidents/:id/notifications', allow('read'), async (c) => {
    const rows = await drizzle(c.env.DB)
      .select()
      .from(notifications)
      .where(eq(notifications.incidentId, c.req.param('id')))
      .orderBy(asc(notifications.dueAt), asc(notifications.id));
    return c.json({ notifications: rows.map((n) => notificationJson(n, c.get('principal'))) });
  })
  .post('/incidents/:id/reassign', allow('respond'), async (c) => {
    const target = await readJson(c.req.raw, reassignSchema);
    const { config } = await loadConfig(c.env.DB);
    const { escalation, label } = reassignTarget(config, target);
    const id = c.req.param('id');
    const result = await commandIncident(c.env, id, { type: 'reassign', escalation, label }, c.get('principal').handle);
    return c.json(await commandJson(c.env, result));
  })
  .post('/simulate', allow('read'), async (c) => {
    const request = await readJson(c.req.raw, simulateSchema, 512 * 1024);
    const stored = await loadConfig(c.env.DB);
    const integration = integrationOf(stored, request.integration);
    const service = stored.config.services.find((s) => s.id === integration.service);
    const at = request.at ? new Date(request.at) : new Date();
    const event = normalizeStandardEvent(request.event, at, () => 'simulated');
    const escalation = escalationFor(service?.routing, stored.config, service, 0);
    const base = {
      integration: integration.id,
      service: service ? { id: service.id, name: service.name } : null,
      routing: service?.routing ?? { no_one: true },
      escalation_policy: escalation.policy ? { id: escalation.policy.id, name: escalation.policy.name } : null,
      urgency: event.urgency,
      at: at.toISOString(),
    };
    if (event.action !== 'open') {
      return c.json({
        ...base,
        action: event.action,
        message: `an ${event.action} event pages nobody`,
        timeline: [],
        random_choices: [],
      });
    }
    if (escalation.policy === null) {
      return c.json({ ...base, action: 'open', message: escalation.reason, timeline: [], random_choices: [] });
    }
    // A random member cannot be predicted: the dry run names the first and lists the candidates.
    const randomChoices: { key: string; candidates: string[] }[] = [];
    const pick: Pick = (candidates, key) => {
      randomChoices.push({ key, candidates });
      return candidates[0]!;
    };
    const plan = planEscalation(
      escalation.policy,
      { directory: directoryOf(stored.config), pick, urgency: event.urgency },
      at,
    );
    const timeline = [
      ...plan.events.map(eventJson),
      ...plan.pages.map((p) => ({
        at: p.at.toISOString(),
        type: 'page',
        user: p.user,
        contact_method: p.contactMethod.id,
        channel: p.contactMethod.type,
      })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    return c.json({ ...base, action: 'open', timeline, random_choices: randomChoices });
  });
