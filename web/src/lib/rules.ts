// Routing and suppression rules, support hours and their conditions, and extensions, in the API's
// own types, and the service and integration as the console edits them (read with their ETag,
// written with If-Match).
import type { components } from './api-schema';

type Schemas = components['schemas'];
export type ServiceUpdate = Schemas['ServiceUpdate'];
export type SuppressionRule = NonNullable<ServiceUpdate['suppression_rules']>[number];
export type Condition = SuppressionRule['when'];
export type Check = Extract<Condition, { all: unknown }>['all'][number];
export type RoutingRule = NonNullable<Schemas['IntegrationUpdate']['routing_rules']>[number];
export type SupportHours = NonNullable<ServiceUpdate['support_hours']>;
export type HoursAction = SupportHours['inside'];
export type Preview = Schemas['IntegrationPreview'];
export type Extension = Schemas['Extension'];
export type ExtensionCall = Schemas['ExtensionCall'];
/** An extension as the service's page writes it (PUT /services/{id}/extensions). */
export type ServiceExtension = Schemas['ServiceExtension'];

export const conditionOps = [
  'contains',
  'not_contains',
  'equals',
  'not_equals',
  'regex',
  'gt',
  'lt',
  'exists',
] as const satisfies readonly Check['op'][];
export const fields = ['summary', 'resource', 'metric', 'urgency', 'event_type', 'source', 'action'] as const;
export const weekdays = [
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
] as const satisfies readonly SupportHours['days'][number][];

/** In the order they happen to an incident. */
export const extensionEvents = [
  'triggered',
  'assigned',
  'escalated',
  'acknowledged',
  'resolved',
] as const satisfies readonly ServiceExtension['events'][number][];
export const extensionMethods = [
  'POST',
  'PUT',
  'PATCH',
  'GET',
  'DELETE',
] as const satisfies readonly ServiceExtension['method'][];

export const newCheck = (): Check => ({ field: 'summary', op: 'contains', value: '', ignore_case: true });
export const newCondition = (): Condition => ({ all: [newCheck()] });

/** The checks of a condition, whether all or any of them must hold. */
export const checksOf = (when: Condition): Check[] => ('all' in when ? when.all : when.any);
