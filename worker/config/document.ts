// The configuration document (config as code): every object named by a stable handle. A section
// that is present is the whole truth for its kind; a section left out leaves that kind untouched.
import { z } from 'zod';
import { escalationPolicySchema } from '../escalation/policy';
import { handleSchema, isoInstantSchema, localeSchema, roleSchema } from '../vocabulary';
import { integrationTypes } from '../ingest/registry';
import { groupingSchema, MAX_RULES, routingRuleSchema, suppressionRuleSchema } from '../ingest/routing';
import { emailSettingsSchema } from '../ingest/adapters/email';
import { genericMappingSchema } from '../ingest/adapters/generic-webhook';
import { heartbeatSettingsSchema } from '../ingest/heartbeat';
import { supportHoursSchema } from '../ingest/hours';
import { extensionConfigSchema, type ExtensionConfig } from '../notify/extension';
import { scheduleSchema, timeZoneSchema } from '../schedule/schedule';
import {
  contactMethodSchema,
  MAX_CONTACT_METHODS,
  MAX_NOTIFICATION_RULES,
  notificationRuleSchema,
} from '../users/contact';

export const integrationKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._~-]{16,128}$/, 'a key is 16–128 characters from A–Z a–z 0–9 . _ ~ -');

/** Upper bounds on counts, so that one document cannot make a user, team or section unbounded. */
export const MAX_HANDOFF_NOTICES = 10;
export const MAX_TEAM_MEMBERS = 500;
export const MAX_TEAM_ADMINS = 100;
export const MAX_PER_SECTION = 5000;

/** Tell me when a shift of mine starts: at its start, or this many minutes before. */
export const handoffNoticeSchema = z
  .object({
    minutes_before: z
      .number()
      .min(0)
      .max(7 * 24 * 60)
      .default(0),
  })
  .strict();

export const userConfigSchema = z
  .object({
    id: handleSchema,
    name: z.string().trim().min(1).max(200),
    email: z.email().max(320).optional(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'a phone number is E.164, e.g. +821012345678')
      .optional(),
    time_zone: timeZoneSchema.default('UTC'),
    locale: localeSchema.default('en'),
    role: roleSchema.default('responder'),
    contact_methods: z.array(contactMethodSchema).max(MAX_CONTACT_METHODS).default([]),
    notification_rules: z.array(notificationRuleSchema).max(MAX_NOTIFICATION_RULES).default([]),
    handoff_notices: z.array(handoffNoticeSchema).max(MAX_HANDOFF_NOTICES).default([]),
  })
  .strict();

export const teamConfigSchema = z
  .object({
    id: handleSchema,
    name: z.string().trim().min(1).max(200),
    members: z.array(handleSchema).max(MAX_TEAM_MEMBERS).default([]),
    /** Team admins (with at least the responder role) manage the team's own services, schedules and policies. */
    admins: z.array(handleSchema).max(MAX_TEAM_ADMINS).default([]),
  })
  .strict();

/** Who a service's incidents page: a policy, one user, whoever is on call on a schedule, or nobody. */
export const routingSchema = z.union([
  z.object({ escalation_policy: handleSchema }).strict(),
  z.object({ user: handleSchema }).strict(),
  z.object({ schedule: handleSchema }).strict(),
  z.object({ no_one: z.literal(true) }).strict(),
]);
export type Routing = z.infer<typeof routingSchema>;

export const serviceConfigSchema = z
  .object({
    id: handleSchema,
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    team: handleSchema.optional(),
    routing: routingSchema.default({ no_one: true }),
    /** An acknowledged incident not resolved within this many minutes triggers again. */
    acknowledgement_timeout_minutes: z
      .number()
      .positive()
      .max(7 * 24 * 60)
      .optional(),
    /** An incident not resolved within this many minutes resolves by itself. */
    auto_resolve_timeout_minutes: z
      .number()
      .positive()
      .max(90 * 24 * 60)
      .optional(),
    /** Noise cut before anyone is paged: drop, record quietly, or change the urgency (first match wins). */
    suppression_rules: z.array(suppressionRuleSchema).max(MAX_RULES).optional(),
    /** Wait this long before paging: an alert that resolves meanwhile pages nobody and is marked transient. */
    transient_pause_minutes: z.number().int().min(1).max(60).optional(),
    /** An alert that opens more than `count` incidents within `minutes` stays one flapping incident, paging once, until it stays resolved for `minutes`. */
    flapping: z
      .object({
        count: z.number().int().min(2).max(100),
        minutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60),
      })
      .strict()
      .optional(),
    /** Business hours: page (or not, or lower the urgency, or another policy) inside them and outside. */
    support_hours: supportHoursSchema.optional(),
  })
  .strict();

export const integrationConfigSchema = z
  .object({
    id: handleSchema,
    name: z.string().trim().min(1).max(200),
    type: z.enum(integrationTypes),
    /** Generated when absent, and then kept across applies. */
    key: integrationKeySchema.optional(),
    service: handleSchema,
    /** Where its events go when not to `service`: the first rule that matches wins. */
    routing_rules: z.array(routingRuleSchema).max(MAX_RULES).optional(),
    /** Merge alerts with equal values of these fields into one incident while it is open. */
    grouping: groupingSchema.optional(),
    /** For an `email` integration: how messages become incidents. */
    email: emailSettingsSchema.optional(),
    /** For a `generic-webhook` integration: where each field is in the body (JSONPath). */
    mapping: genericMappingSchema.optional(),
    /** For a `heartbeat` integration: how often a ping is expected. */
    heartbeat: heartbeatSettingsSchema.optional(),
  })
  .strict();

export const maintenanceConfigSchema = z
  .object({
    service: handleSchema,
    start: isoInstantSchema,
    end: isoInstantSchema,
    description: z.string().trim().max(500).default(''),
  })
  .strict()
  .refine((w) => Date.parse(w.end) > Date.parse(w.start), {
    path: ['end'],
    message: 'the end must come after the start',
  });

export const scheduleConfigSchema = scheduleSchema.and(z.object({ id: handleSchema }));

export const kinds = [
  'users',
  'teams',
  'schedules',
  'escalation_policies',
  'services',
  'integrations',
  'extensions',
] as const;
export type Kind = (typeof kinds)[number];

export const configDocumentSchema = z
  .object({
    users: z.array(userConfigSchema).max(MAX_PER_SECTION).optional(),
    teams: z.array(teamConfigSchema).max(MAX_PER_SECTION).optional(),
    schedules: z.array(scheduleConfigSchema).max(MAX_PER_SECTION).optional(),
    escalation_policies: z.array(escalationPolicySchema).max(MAX_PER_SECTION).optional(),
    services: z.array(serviceConfigSchema).max(MAX_PER_SECTION).optional(),
    integrations: z.array(integrationConfigSchema).max(MAX_PER_SECTION).optional(),
    /** Outgoing webhooks of services (notify/extension.ts). */
    extensions: z.array(extensionConfigSchema).max(MAX_PER_SECTION).optional(),
    /** Scheduled maintenance, as code: applying replaces the windows the document made before (not the API's). */
    maintenance_windows: z.array(maintenanceConfigSchema).max(100).optional(),
  })
  .strict()
  .superRefine((doc, ctx) => {
    for (const kind of kinds) {
      const seen = new Set<string>();
      doc[kind]?.forEach((item, i) => {
        if (seen.has(item.id))
          ctx.addIssue({ code: 'custom', path: [kind, i, 'id'], message: `duplicate id ${item.id}` });
        seen.add(item.id);
      });
    }
  })
  .meta({ id: 'ConfigDocument' });

export type ConfigDocument = z.infer<typeof configDocumentSchema>;
export type UserConfig = z.infer<typeof userConfigSchema>;
export type TeamConfig = z.infer<typeof teamConfigSchema>;
export type ServiceConfig = z.infer<typeof serviceConfigSchema>;
export type IntegrationConfig = z.infer<typeof integrationConfigSchema>;
export type { ExtensionConfig };

/** A complete configuration: every section present. */
export type Configuration = Required<Omit<ConfigDocument, 'maintenance_windows'>>;
export type ConfigItem<K extends Kind> = Configuration[K][number];
