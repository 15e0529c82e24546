// Amazon CloudWatch alarms through an SNS topic with an HTTPS subscription. The SNS envelope is
// verified (and a subscription confirmed) before this adapter sees it (ingest/sns.ts); here its
// Message, the alarm's JSON, becomes one event keyed by the alarm's ARN: ALARM opens, OK closes,
// INSUFFICIENT_DATA opens at low urgency (the metric stopped reporting, which may matter).
import { z } from 'zod';
import { HttpError, validate } from '../../http';
import type { Adapter } from '../adapter';
import { eventIdOf, instantOf, jsonBody, summaryOf, text } from '../normalize';
import { snsMessageSchema } from '../sns';

const alarmSchema = z.looseObject({
  AlarmName: z.string(),
  AlarmDescription: z.string().nullable().optional(),
  AlarmArn: z.string().optional(),
  AWSAccountId: z.string().optional(),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  NewStateReason: z.string().optional(),
  StateChangeTime: z.string().optional(),
  Region: z.string().optional(),
  Trigger: z
    .looseObject({
      MetricName: z.string().optional(),
      Namespace: z.string().optional(),
      Dimensions: z.array(z.looseObject({ name: z.string(), value: z.string() })).optional(),
    })
    .nullable()
    .optional(),
});

/** The console page of an alarm, from its ARN (arn:aws:cloudwatch:region:account:alarm:name). */
function consoleLink(arn: string | undefined): string | undefined {
  const [, , , region, , , ...name] = arn?.split(':') ?? [];
  if (!region || name.length === 0) return undefined;
  const alarm = encodeURIComponent(name.join(':'));
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${alarm}`;
}

export const cloudwatch: Adapter = {
  title: 'Amazon CloudWatch (through SNS)',
  events(request, { now }) {
    const envelope = validate(snsMessageSchema, jsonBody(request, 'Amazon SNS'), 'SNS message');
    let message: unknown;
    try {
      message = JSON.parse(envelope.Message);
    } catch {
      throw new HttpError(400, 'invalid_event', 'the SNS Message is not a CloudWatch alarm', [
        { field: 'Message', message: 'not JSON' },
      ]);
    }
    const alarm = validate(alarmSchema, message, 'CloudWatch alarm');
    const dimensions = alarm.Trigger?.Dimensions ?? [];
    const resource = dimensions.map((d) => `${d.name}=${d.value}`).join(', ');
    const link = consoleLink(alarm.AlarmArn);
    return [
      {
        eventId: eventIdOf(alarm.AlarmArn, alarm.AWSAccountId, alarm.Region, alarm.AlarmName),
        action: alarm.NewStateValue === 'OK' ? 'close' : 'open',
        summary: summaryOf(envelope.Subject, `${alarm.AlarmName}: ${alarm.NewStateReason ?? alarm.NewStateValue}`),
        urgency: alarm.NewStateValue === 'INSUFFICIENT_DATA' ? 'low' : 'high',
        eventTime: instantOf(alarm.StateChangeTime, now),
        payload: alarm,
        ...(resource ? { resource } : {}),
        ...(text(alarm.Trigger?.MetricName) ? { metric: alarm.Trigger!.MetricName } : {}),
        eventType: alarm.Trigger?.Namespace ?? 'cloudwatch',
        source: alarm.Region ?? 'aws',
        ...(link ? { link } : {}),
        details: { reason: alarm.NewStateReason, description: alarm.AlarmDescription, dimensions },
      },
    ];
  },
};
