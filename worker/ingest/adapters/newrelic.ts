// New Relic's webhook: a workflow's notification with its default payload template (the issue: `id`,
// `state`, `priority`, `title`, `issueUrl`…), or the legacy alert channel's body (`incident_id`,
// `current_state`, `severity`, `details`, `incident_url`). One event per issue, keyed by the issue id
// (the incident id on a legacy channel), so that its activation, acknowledgement and closing meet.
import { z } from 'zod';
import { validate } from '../../http';
import type { EventAction, Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import { eventIdOf, instantOf, jsonBody, summaryOf, text, urgencyBy } from '../normalize';

/** A workflow's issue state, and a legacy incident's. */
const states: Record<string, EventAction> = {
  created: 'open',
  activated: 'open',
  open: 'open',
  acknowledged: 'ack',
  closed: 'close',
};

/** A workflow's priority, and a legacy channel's severity. */
export const newrelicPriorityUrgency: Record<string, Urgency> = {
  critical: 'highest',
  high: 'high',
  medium: 'medium',
  warning: 'medium',
  low: 'low',
  info: 'low',
};

const scalar = z.union([z.string(), z.number()]).nullish();

/** The default template sends the issue id as `id`; a legacy channel sends `incident_id`. */
const issueOf = (body: { issueId?: unknown; id?: unknown; incident_id?: unknown }) =>
  text(body.issueId) ?? text(body.id) ?? text(body.incident_id);
const names = z.array(z.unknown()).nullish();

const webhookSchema = z
  .looseObject({
    id: scalar,
    issueId: scalar,
    issueUrl: z.string().nullish(),
    title: z.string().nullish(),
    priority: z.string().nullish(),
    state: z.string().nullish(),
    impactedEntities: names,
    entitiesData: z.looseObject({ names }).nullish(),
    totalIncidents: scalar,
    createdAt: scalar,
    updatedAt: scalar,
    closedAt: scalar,
    alertPolicyNames: names,
    alertConditionNames: names,
    incident_id: scalar,
    current_state: z.string().nullish(),
    details: z.string().nullish(),
    severity: z.string().nullish(),
    incident_url: z.string().nullish(),
    condition_name: z.string().nullish(),
    policy_name: z.string().nullish(),
    targets: z.array(z.looseObject({ name: z.string().nullish() })).nullish(),
    timestamp: scalar,
  })
  .superRefine((body, ctx) => {
    if (issueOf(body) === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['id'],
        message: 'names no issue: the payload needs "id": {{ json issueId }}',
      });
    }
    const field = body.state == null && body.current_state != null ? 'current_state' : 'state';
    const state = body[field];
    if (typeof state !== 'string' || !Object.hasOwn(states, state.trim().toLowerCase())) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message:
          'expected ACTIVATED, CREATED, ACKNOWLEDGED or CLOSED (open, acknowledged or closed on a legacy channel)',
      });
    }
  });

/** What routing reads beside the summary: the workflow's lists of names, or the legacy channel's fields. */
const detailKeys = [
  'alertPolicyNames',
  'alertConditionNames',
  'impactedEntities',
  'totalIncidents',
  'isCorrelated',
  'sources',
  'trigger',
  'workflowName',
  'account_name',
  'policy_name',
  'condition_name',
  'runbook_url',
] as const;

const first = (list: readonly unknown[] | null | undefined) => text(list?.[0]);

export const newrelic: Adapter = {
  title: 'New Relic',
  events(request, { now }) {
    const body = validate(webhookSchema, jsonBody(request, 'New Relic'), 'New Relic notification');
    const action = states[(body.state ?? body.current_state)!.trim().toLowerCase()]!;
    const entity = first(body.impactedEntities) ?? first(body.entitiesData?.names) ?? text(body.targets?.[0]?.name);
    const condition = first(body.alertConditionNames) ?? text(body.condition_name);
    const policy = first(body.alertPolicyNames) ?? text(body.policy_name);
    const link = text(body.issueUrl) ?? text(body.incident_url);
    const at =
      action === 'close'
        ? (body.closedAt ?? body.updatedAt)
        : action === 'ack'
          ? body.updatedAt
          : (body.createdAt ?? body.updatedAt);
    return [
      {
        eventId: eventIdOf(issueOf(body)),
        action,
        summary: summaryOf(
          body.title,
          body.details,
          condition && entity ? `${condition} on ${entity}` : condition,
          policy,
        ),
        urgency: urgencyBy(newrelicPriorityUrgency, body.priority ?? body.severity, 'high'),
        eventTime: instantOf(at ?? body.timestamp, now),
        payload: body,
        ...(entity === undefined ? {} : { resource: entity }),
        ...(condition === undefined ? {} : { metric: condition }),
        source: 'newrelic',
        ...(link === undefined ? {} : { link }),
        details: Object.fromEntries(detailKeys.flatMap((key) => (body[key] == null ? [] : [[key, body[key]]]))),
      },
    ];
  },
};
