// Dynatrace problem notifications through the custom webhook integration. The payload is a template of
// placeholders; Tocsin reads Dynatrace's default one, so the integration works as Dynatrace sets it up.
// The problem's PID is the dedup key: its updates (events merged into it) join the incident, and the
// RESOLVED notification closes it.
//
// Settings → Integration → Problem notifications → Add notification → Custom integration, webhook URL
// https://<tocsin>/integration/dynatrace/v1/<key>, "Call webhook if problem is closed" on, and the
// default payload with ProblemSeverity and ProblemURL added ({ImpactedEntities} and {ProblemDetailsJSON}
// are JSON, so not quoted):
//
//   {
//     "ImpactedEntities": {ImpactedEntities},
//     "ImpactedEntity": "{ImpactedEntity}",
//     "PID": "{PID}",
//     "ProblemDetailsHTML": "{ProblemDetailsHTML}",
//     "ProblemDetailsJSON": {ProblemDetailsJSON},
//     "ProblemID": "{ProblemID}",
//     "ProblemImpact": "{ProblemImpact}",
//     "ProblemSeverity": "{ProblemSeverity}",
//     "ProblemTitle": "{ProblemTitle}",
//     "ProblemURL": "{ProblemURL}",
//     "State": "{State}",
//     "Tags": "{Tags}"
//   }
import { z } from 'zod';
import { validate } from '../../http';
import type { Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import { defined, eventIdOf, instantOf, jsonBody, summaryOf, text, urgencyBy, webLink } from '../normalize';

const field = z.union([z.string(), z.number()]).nullish();
const maybe = z.string().nullish();

const impactedEntity = z.looseObject({ type: maybe, name: maybe, entity: maybe });

/** {ProblemDetailsJSON}: the problem as the API's v1 (`id`, `displayName`) or v2 (`problemId`, `displayId`) has it. */
const problemDetails = z.looseObject({
  id: field,
  problemId: field,
  displayName: field,
  displayId: field,
  title: field,
  startTime: field,
  endTime: field,
  severityLevel: field,
  impactLevel: field,
});

export const dynatraceNotificationSchema = z
  .looseObject({
    PID: field,
    ProblemID: field,
    ProblemTitle: field,
    State: z
      .string()
      .trim()
      .toUpperCase()
      .pipe(z.enum(['OPEN', 'RESOLVED', 'MERGED']))
      .optional(),
    ProblemSeverity: field,
    ProblemImpact: field,
    ProblemURL: field,
    // The default payload's own spelling.
    'Problem URL': field,
    ImpactedEntity: field,
    ImpactedEntities: z.union([z.array(impactedEntity), z.string()]).nullish(),
    Tags: z.union([z.string(), z.array(z.string())]).nullish(),
    ProblemDetailsJSON: z.union([problemDetails, z.string()]).nullish(),
  })
  .superRefine((body, ctx) => {
    if (problemIdOf(body) === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['PID'],
        message: 'a problem notification names its problem (PID or ProblemID)',
      });
    }
  });

/** A problem's severity: an outage first, then errors, slowdowns and gaps in monitoring. */
export const dynatraceSeverityUrgency: Record<string, Urgency> = {
  availability: 'highest',
  error: 'high',
  custom_alert: 'high',
  performance: 'medium',
  resource_contention: 'medium',
  monitoring_unavailable: 'low',
  info: 'lowest',
};

/** A value, or undefined when Dynatrace left its placeholder (`{PID}`) in place or rendered nothing. */
function filled(value: unknown): string | undefined {
  const given = text(value)?.trim();
  return given === undefined || /^\{[A-Za-z]+\}$/.test(given) ? undefined : given;
}

type Rendered = {
  PID?: unknown;
  ProblemID?: unknown;
  ProblemDetailsJSON?: z.infer<typeof problemDetails> | string | null;
};

const detailsOf = (body: Rendered) =>
  typeof body.ProblemDetailsJSON === 'object' && body.ProblemDetailsJSON !== null ? body.ProblemDetailsJSON : undefined;

/** The PID names the problem everywhere; the display id (`P-2411314`) is what people read. */
function problemIdOf(body: Rendered): string | undefined {
  const details = detailsOf(body);
  return filled(body.PID) ?? filled(details?.problemId) ?? filled(details?.id) ?? filled(body.ProblemID);
}

export const dynatrace: Adapter = {
  title: 'Dynatrace',
  events(request, { now }) {
    const body = validate(
      dynatraceNotificationSchema,
      jsonBody(request, 'Dynatrace'),
      'Dynatrace problem notification',
    );
    const details = detailsOf(body);
    // The schema refuses a notification that names no problem.
    const problemId = problemIdOf(body)!;
    const displayId = filled(body.ProblemID) ?? filled(details?.displayId) ?? filled(details?.displayName);
    // A merged problem lives on in the one it merged into, which notifies on its own.
    const action = body.State === 'RESOLVED' || body.State === 'MERGED' ? 'close' : 'open';
    const entities = Array.isArray(body.ImpactedEntities)
      ? body.ImpactedEntities.flatMap((e) => filled(e.name) ?? filled(e.entity) ?? [])
      : [];
    const impacted = filled(body.ImpactedEntity) ?? (entities.length > 0 ? entities.join(', ') : undefined);
    const title = filled(body.ProblemTitle) ?? filled(details?.title);
    const severity = filled(body.ProblemSeverity) ?? filled(details?.severityLevel);
    const link = webLink(filled(body.ProblemURL)) ?? webLink(filled(body['Problem URL']));
    const tags = typeof body.Tags === 'string' ? body.Tags.split(',') : (body.Tags ?? []);
    return [
      {
        eventId: eventIdOf(problemId),
        action,
        summary: summaryOf(
          title !== undefined && impacted !== undefined ? `${title} on ${impacted}` : title,
          displayId === undefined ? undefined : `Dynatrace problem ${displayId}`,
          `Dynatrace problem ${problemId}`,
        ),
        urgency: urgencyBy(dynatraceSeverityUrgency, severity, 'high'),
        eventTime: instantOf(action === 'close' ? details?.endTime : details?.startTime, now),
        payload: body,
        ...(impacted === undefined ? {} : { resource: impacted }),
        ...(severity === undefined ? {} : { eventType: severity }),
        source: 'dynatrace',
        ...(link === undefined ? {} : { link }),
        details: defined({
          problem: displayId,
          impact: filled(body.ProblemImpact) ?? filled(details?.impactLevel),
          severity,
          tags: tags.map((tag) => tag.trim()).filter((tag) => tag !== '' && filled(tag) !== undefined),
          entities: entities.length > 0 ? entities : undefined,
        }),
      },
    ];
  },
};
