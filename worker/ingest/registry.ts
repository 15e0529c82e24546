// Every integration type and its adapter. An integration's `type` is the segment of its URL,
// /integration/{type}/v1/{key}; the drop-in APIs of other pagers reach their adapters by their own doors.
import type { Adapter } from './adapter';
import { alertmanager } from './adapters/alertmanager';
import { azureMonitor } from './adapters/azure-monitor';
import { datadog } from './adapters/datadog';
import { gcpMonitoring } from './adapters/gcp-monitoring';
import { grafana } from './adapters/grafana';
import { newrelic } from './adapters/newrelic';
import { cloudwatch } from './adapters/cloudwatch';
import { goalert } from './adapters/goalert';
import { opsgenie } from './adapters/opsgenie';
import { pagerduty } from './adapters/pagerduty';
import { prometheus } from './adapters/prometheus';
import { standard } from './adapters/standard';

export const adapters = {
  standard,
  alertmanager,
  pagerduty,
  opsgenie,
  prometheus,
  goalert,
  cloudwatch,
  grafana,
  'azure-monitor': azureMonitor,
  'gcp-monitoring': gcpMonitoring,
  datadog,
  newrelic,
} satisfies Record<string, Adapter>;

export type IntegrationType = keyof typeof adapters;
export const integrationTypes = Object.keys(adapters) as [IntegrationType, ...IntegrationType[]];

export function adapterFor(type: string): Adapter | undefined {
  return Object.hasOwn(adapters, type) ? adapters[type as IntegrationType] : undefined;
}
