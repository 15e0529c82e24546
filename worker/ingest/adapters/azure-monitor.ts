// Azure Monitor's action-group webhook with the common alert schema: one alert instance per request, its
// `alertId` the dedup key (the Fired and the Resolved notification of an instance share it), Sev0–Sev4
// the urgency. An action group without the common schema sends other shapes, refused by name.
import { z } from 'zod';
import { validate } from '../../http';
import type { Urgency } from '../../vocabulary';
import type { Adapter } from '../adapter';
import { at, eventIdOf, instantOf, jsonBody, summaryOf, text, urgencyBy } from '../normalize';

const essentialsSchema = z.looseObject({
  alertId: z.string().min(1),
  alertRule: z.string().nullish(),
  severity: z.string().nullish(),
  signalType: z.string().nullish(),
  monitorCondition: z.enum(['Fired', 'Resolved']),
  alertTargetIDs: z.array(z.string()).nullish(),
  configurationItems: z.array(z.string()).nullish(),
  firedDateTime: z.string().nullish(),
  resolvedDateTime: z.string().nullish(),
  description: z.string().nullish(),
  investigationLink: z.string().nullish(),
});

const notificationSchema = z.looseObject({
  schemaId: z.literal('azureMonitorCommonAlertSchema', {
    error: 'expected "azureMonitorCommonAlertSchema": enable the common alert schema on the action group',
  }),
  data: z.looseObject({
    essentials: essentialsSchema,
    // Its shape depends on the signal (metric, log search, activity log…): read by path, not validated.
    alertContext: z.unknown(),
    customProperties: z.record(z.string(), z.unknown()).nullish(),
  }),
});

export const azureSeverityUrgency: Record<string, Urgency> = {
  sev0: 'highest',
  sev1: 'high',
  sev2: 'medium',
  sev3: 'low',
  sev4: 'lowest',
};

/** The name at the end of an Azure Resource Manager id (…/virtualMachines/web-vm-01). */
const resourceName = (id: string | undefined) => id?.split('/').filter(Boolean).at(-1);

export const azureMonitor: Adapter = {
  title: 'Azure Monitor',
  events(request, { now }) {
    const notification = validate(notificationSchema, jsonBody(request, 'Azure Monitor'), 'Azure Monitor notification');
    const { essentials: e, alertContext: context, customProperties } = notification.data;
    const resolved = e.monitorCondition === 'Resolved';
    const target = e.alertTargetIDs?.find((id) => text(id));
    const items = (e.configurationItems ?? []).filter((item) => text(item));
    const where = items[0] ?? resourceName(target);
    const rule = text(e.alertRule);
    const metric = text(at(context, 'condition.allOf.0.metricName'));
    const signal = text(e.signalType);
    const link =
      text(e.investigationLink) ??
      text(at(context, 'condition.allOf.0.linkToFilteredSearchResultsUI')) ??
      text(at(context, 'LinkToFilteredSearchResultsUI')) ??
      // Otherwise the affected resource in the portal.
      (target === undefined ? undefined : `https://portal.azure.com/#@/resource${target}`);
    return [
      {
        eventId: eventIdOf(e.alertId),
        action: resolved ? 'close' : 'open',
        summary: summaryOf(
          rule && items.length > 0 ? `${rule} on ${items.join(', ')}` : rule,
          e.description,
          e.alertId,
        ),
        urgency: urgencyBy(azureSeverityUrgency, e.severity, 'high'),
        eventTime: instantOf(resolved ? e.resolvedDateTime : e.firedDateTime, now),
        payload: notification,
        ...(where === undefined ? {} : { resource: where }),
        ...(metric === undefined ? {} : { metric }),
        ...(signal === undefined ? {} : { eventType: signal }),
        source: 'azure-monitor',
        ...(link === undefined ? {} : { link }),
        details: { essentials: e, ...(customProperties ? { customProperties } : {}) },
      },
    ];
  },
};
