// Every integration type and its adapter. An integration's `type` is the segment of its URL,
// /integration/{type}/v1/{key}; the drop-in APIs of other pagers (dropin/) and the email handler
// reach their adapters by their own doors.
import type { Adapter } from './adapter';
import { alertmanager } from './adapters/alertmanager';
import { azureMonitor } from './adapters/azure-monitor';
import { cloudwatch } from './adapters/cloudwatch';
import { datadog } from './adapters/datadog';
import { dynatrace } from './adapters/dynatrace';
import { elastic } from './adapters/elastic';
import { email } from './adapters/email';
import { gcpMonitoring } from './adapters/gcp-monitoring';
import { genericWebhook } from './adapters/generic-webhook';
import { goalert } from './adapters/goalert';
import { grafana } from './adapters/grafana';
import { grafanaOncall } from './adapters/grafana-oncall';
import { heartbeat } from './heartbeat';
import { newrelic } from './adapters/newrelic';
import { opsgenie } from './adapters/opsgenie';
import { pagerduty } from './adapters/pagerduty';
import { pingdom } from './adapters/pingdom';
import { prometheus } from './adapters/prometheus';
import { sentry } from './adapters/sentry';
import { standard } from './adapters/standard';
import { uptimeKuma } from './adapters/uptime-kuma';
import { uptimerobot } from './adapters/uptimerobot';
import { whatap } from './adapters/whatap';
import { zabbix } from './adapters/zabbix';

export const adapters = {
  standard,
  alertmanager,
  grafana,
  cloudwatch,
  'azure-monitor': azureMonitor,
  'gcp-monitoring': gcpMonitoring,
  datadog,
  newrelic,
  zabbix,
  sentry,
  elastic,
  dynatrace,
  'uptime-kuma': uptimeKuma,
  uptimerobot,
  pingdom,
  whatap,
  'generic-webhook': genericWebhook,
  email,
  heartbeat,
  pagerduty,
  opsgenie,
  prometheus,
  'grafana-oncall': grafanaOncall,
  goalert,
} satisfies Record<string, Adapter>;

export type IntegrationType = keyof typeof adapters;
export const integrationTypes = Object.keys(adapters) as [IntegrationType, ...IntegrationType[]];

export function adapterFor(type: string): Adapter | undefined {
  return Object.hasOwn(adapters, type) ? adapters[type as IntegrationType] : undefined;
}
