// The console's types, checked against the API's own (generated from its OpenAPI document by
// `npm run api:types`): svelte-check fails here when an answer no longer has a field the console
// reads, or has it with another type.
import type { Incident, IncidentDetail, Integration, Service, TimelineEntry } from './api';
import type { AuditEntry } from './audit';
import type { components } from './api-schema';
import type { IncidentReport, NotificationReport, OnCallReport, SystemReport } from './reports';

type Schemas = components['schemas'];

/** Compiles only when what the API answers can be read as what the console expects. */
type Reads<Console, Answer extends Console> = [Console, Answer];

export type Contract = [
  Reads<Incident, Schemas['Incident']>,
  Reads<IncidentDetail, Schemas['IncidentDetail']>,
  Reads<TimelineEntry, Schemas['IncidentDetail']['timeline'][number]>,
  Reads<Service, Schemas['Service']>,
  Reads<Integration, Schemas['Integration']>,
  Reads<SystemReport, Schemas['SystemReport']>,
  Reads<IncidentReport, Schemas['IncidentReport']>,
  Reads<NotificationReport, Schemas['NotificationReport']>,
  Reads<OnCallReport, Schemas['OnCallReport']>,
  Reads<AuditEntry, Schemas['AuditLog']['entries'][number]>,
];
