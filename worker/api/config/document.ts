// The configuration document (config as code): every object named by a stable handle. A section
// that is present is the whole truth for its kind; a section left out leaves that kind untouched.
import { z } from 'zod';
import { integrationTypes } from '../../ingest/adapter';

export const handleSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a handle is 1–64 letters, digits, . _ - and starts with a letter or digit');

export const integrationKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._~-]{16,128}$/, 'a key is 16–128 characters from A–Z a–z 0–9 . _ ~ -');

export const roleSchema = z.enum(['owner', 'admin', 'responder', 'observer']);

export const userConfigSchema = z
  .object({
    id: handleSchema,
    name: z.string().trim().min(1).max(200),
    email: z.email().optional(),
    role: roleSchema.default('responder'),
  })
  .strict();

export const serviceConfigSchema = z
  .object({
    id: handleSchema,
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
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
  })
  .strict();

export const configDocumentSchema = z
  .object({
    users: z.array(userConfigSchema).optional(),
    services: z.array(serviceConfigSchema).optional(),
    integrations: z.array(integrationConfigSchema).optional(),
  })
  .strict()
  .superRefine((doc, ctx) => {
    for (const kind of ['users', 'services', 'integrations'] as const) {
      const seen = new Set<string>();
      doc[kind]?.forEach((item, i) => {
        if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [kind, i, 'id'], message: `duplicate id ${item.id}` });
        seen.add(item.id);
      });
    }
  })
  .meta({ id: 'ConfigDocument' });

export type ConfigDocument = z.infer<typeof configDocumentSchema>;
export type UserConfig = z.infer<typeof userConfigSchema>;
export type ServiceConfig = z.infer<typeof serviceConfigSchema>;
export type IntegrationConfig = z.infer<typeof integrationConfigSchema>;

/** A complete configuration: every section present. */
export type Configuration = Required<ConfigDocument>;
