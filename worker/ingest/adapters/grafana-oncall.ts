// Grafana OnCall's "formatted webhook" integration, for senders moving off OnCall OSS unchanged: one
// alert per request, grouped by its alert_uid as OnCall groups it, resolved when its state is "ok".
import { z } from 'zod';
import { validate } from '../../http';
import type { Adapter } from '../adapter';
import { eventIdOf, jsonBody, summaryOf, text } from '../normalize';

// OnCall reads these fields, requires none of them, and renders a number as well as text.
const scalar = z.union([z.string(), z.number()]).nullish();

const formattedWebhookSchema = z.looseObject({
  alert_uid: scalar,
  title: scalar,
  image_url: z.string().nullish(),
  state: z.string().nullish(),
  link_to_upstream_details: z.string().nullish(),
  message: scalar,
});

export const grafanaOncall: Adapter = {
  title: 'Grafana OnCall formatted webhook',
  events(request, { now }) {
    const alert = validate(formattedWebhookSchema, jsonBody(request, 'Grafana OnCall'), 'Grafana OnCall alert');
    const summary = summaryOf(alert.title, alert.message);
    const link = text(alert.link_to_upstream_details);
    const image = text(alert.image_url);
    const message = text(alert.message);
    return [
      {
        // OnCall puts every alert without a uid in one group; here the title names it instead.
        eventId: eventIdOf(alert.alert_uid, summary),
        // OnCall's own rule: resolved when the state is "ok" (any case); anything else is alerting.
        action: text(alert.state)?.trim().toUpperCase() === 'OK' ? 'close' : 'open',
        summary,
        // The format carries no severity.
        urgency: 'high',
        eventTime: now.toISOString(),
        payload: alert,
        ...(link === undefined ? {} : { link }),
        details: {
          ...(message === undefined ? {} : { message }),
          ...(image === undefined ? {} : { image_url: image }),
        },
      },
    ];
  },
};
