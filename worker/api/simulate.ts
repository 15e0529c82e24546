// POST /api/v1/simulate: the dry run that shows who an event would page, when and how, without
// side effects.
import { z } from '@hono/zod-openapi';
import { planEscalation, type EscalationEvent, type Pick } from '../escalation/escalation';
import { escalationPolicySchema } from '../escalation/policy';
import { HttpError } from '../http';
import { normalizeStandardEvent, standardEventSchema } from '../ingest/adapters/standard';
import { isoInstantSchema } from '../vocabulary';
import { directoryOf, escalationFor } from '../incident/paging';
import { loadConfig, type StoredConfig } from '../config/store';
import { apiApp, apiRoute, json, openapi } from './route';

export const simulateSchema = z
  .object({
    /** The integration the event arrives on (handle or id). */
    integration: z.string().min(1).max(64).optional(),
    /** Or a draft policy, saved or not: what the console's step editor previews. */
    escalation_policy: escalationPolicySchema.optional(),
    event: standardEventSchema,
    /** When the event arrives; default now. */
    at: isoInstantSchema.optional(),
  })
  .strict()
  .refine((r) => (r.integration === undefined) !== (r.escalation_policy === undefined), {
    path: ['integration'],
    message: 'name an integration or give an escalation_policy, one of the two',
  })
  .meta({ id: 'Simulate' });

const named = z.object({ id: z.string(), name: z.string() });

export const simulateResultSchema = z
  .object({
    integration: z.string().nullable().describe('null for a draft policy'),
    service: named.nullable(),
    routing: z.record(z.string(), z.unknown()).describe("the service's routing ({ no_one: true } without one)"),
    escalation_policy: named.nullable(),
    urgency: z.string(),
    at: z.string(),
    action: z.enum(['open', 'ack', 'close']),
    message: z.string().optional().describe('why nobody would be paged'),
    timeline: z.array(
      z
        .looseObject({ at: z.string(), type: z.string() })
        .describe('escalated, step_skipped, cannot_reach, final_notification, exhausted, or a page'),
    ),
    random_choices: z.array(z.object({ key: z.string(), candidates: z.array(z.string()) })),
  })
  .meta({ id: 'SimulateResult' });

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

export const simulateRoutes = apiApp();

openapi(
  simulateRoutes,
  apiRoute({
    method: 'post',
    path: '/simulate',
    summary: 'Dry run: who an event would page, when and how (no side effects)',
    permission: 'read',
    bodyLimit: 512 * 1024,
    request: { body: { required: true, content: { 'application/json': { schema: simulateSchema } } } },
    responses: { 200: json(simulateResultSchema, 'What would happen') },
  }),
  async (c) => {
    const request = c.req.valid('json');
    const stored = await loadConfig(c.env.DB);
    const integration = request.integration ? integrationOf(stored, request.integration) : null;
    const service = integration ? stored.config.services.find((s) => s.id === integration.service) : undefined;
    const at = request.at ? new Date(request.at) : new Date();
    const event = normalizeStandardEvent(request.event, at, () => 'simulated');
    const escalation = request.escalation_policy
      ? { policy: request.escalation_policy, reason: undefined }
      : escalationFor(service?.routing, stored.config, service, 0);
    const base = {
      integration: integration?.id ?? null,
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
  },
);
