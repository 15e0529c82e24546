// /api/v1/audit: the audit log, newest first, for owners and admins. It is append-only: every change
// of configuration and every sign-in writes to it, and no method but GET reaches it.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { actEntry, auditKinds, type Auditor } from '../audit/entries';
import { appendAudit, readAudit } from '../audit/log';
import { HttpError } from '../http';
import { isoInstantSchema } from '../vocabulary';
import type { ApiEnv } from './auth';
import { apiApp, apiRoute, json, openapi } from './route';

/** Who asks, for the log: the principal, and the client's address as Cloudflare saw it. */
export const auditorOf = (c: Context<ApiEnv>, actor = c.get('principal').handle): Auditor => ({
  actor,
  ip: c.req.header('cf-connecting-ip') ?? null,
});

/** Records one act outside the configuration document (a token, a maintenance window, a sign-in). */
export async function audit(
  c: Context<ApiEnv>,
  act: Parameters<typeof actEntry>[1],
  by: Auditor = auditorOf(c),
): Promise<void> {
  await appendAudit(c.env.DB, [actEntry(by, act, new Date(), () => crypto.randomUUID())]);
}

const entrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string().describe("a user's handle; admin for the built-in owner token, system for Tocsin"),
  ip: z.string().nullable(),
  action: z.string().describe('create, update, rename, delete, sign_in, sign_in_failed, sign_out, revoke, …'),
  kind: z.string(),
  target: z.string().nullable(),
  before: z.record(z.string(), z.unknown()).nullable().describe('the object before (null: it did not exist)'),
  after: z.record(z.string(), z.unknown()).nullable().describe('the object after (null: it is gone)'),
});
export const auditListSchema = z
  .object({ entries: z.array(entrySchema), next_cursor: z.string().nullable() })
  .meta({ id: 'AuditLog' });

const MAX_PAGE = 200;

export const auditRoutes = apiApp();

openapi(
  auditRoutes,
  apiRoute({
    method: 'get',
    path: '/audit',
    summary: 'The audit log: every change of configuration and every sign-in, newest first (owners and admins)',
    permission: 'configure',
    request: {
      query: z.object({
        kind: z.enum(auditKinds as [string, ...string[]]).optional(),
        actor: z.string().max(200).optional(),
        from: isoInstantSchema.optional(),
        to: isoInstantSchema.optional(),
        cursor: z.string().max(300).optional(),
        limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
      }),
    },
    responses: { 200: json(auditListSchema, 'A page of entries, and the cursor of the next') },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const after = query.cursor?.split('|');
    if (after && after.length !== 2) {
      throw new HttpError(400, 'invalid_request', 'cursor: not a cursor this list gave', [
        { field: 'cursor', message: 'not a cursor this list gave' },
      ]);
    }
    const iso = (v: string | undefined) => (v === undefined ? undefined : new Date(v).toISOString());
    const rows = await readAudit(c.env.DB, {
      kind: query.kind,
      actor: query.actor,
      from: iso(query.from),
      to: iso(query.to),
      after: after as [string, string] | undefined,
      limit: query.limit + 1,
    });
    const entries = rows.slice(0, query.limit);
    const last = entries.at(-1);
    return c.json({ entries, next_cursor: rows.length > query.limit && last ? `${last.at}|${last.id}` : null });
  },
);

// Append-only: the log is never written, changed or deleted through the API.
auditRoutes.all('/audit/*', (c) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? c.notFound() : refuse(c)));
auditRoutes.all('/audit', refuse);

function refuse(c: Context<ApiEnv>) {
  return c.json(
    { status: 'error', error: 'method_not_allowed', message: 'the audit log is append-only: only GET reads it' },
    405,
    { allow: 'GET' },
  );
}
