// One configured object at a time, for every kind of the configuration document: find it by
// handle or internal id, tag it, and change it through the configuration plan (so that both doors
// agree), from one read of the configuration that the write re-checks.
import type { Context } from 'hono';
import { z } from 'zod';
import type { ConfigItem, Configuration, Kind } from '../config/document';
import { renameEverywhere } from '../config/plan';
import { etagOf } from '../config/etag';
import type { StoredConfig } from '../config/store';
import { HttpError } from '../http';
import type { ApiEnv, Principal } from './auth';
import { auditorOf } from './audit';
import { applyOrReject, requireMatch } from './config';

/** A partial change: a field left out stays as it is, and an optional field given null is removed. */
export type Patch<T> = { [K in keyof T]?: T[K] | (undefined extends T[K] ? null : never) };

/**
 * The schema of a partial change of an object (JSON merge patch): every field optional, a field
 * left out stays as it is (its default is not filled in, as `.partial()` of a field with a default
 * would), and an optional field or one with a default may be null, which removes it. A required
 * field refuses null, naming the field.
 */
export function patchSchema<T extends z.ZodObject>(schema: T): z.ZodType<Patch<z.output<T>>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => {
      const type = field as z.ZodType;
      if (type instanceof z.ZodDefault) return [key, (type.unwrap() as z.ZodType).nullable().optional()];
      return [key, type instanceof z.ZodOptional ? type.nullable() : type.optional()];
    }),
  );
  return z.object(shape).strict() as unknown as z.ZodType<Patch<z.output<T>>>;
}

/** The object with the patch applied: null removes a field, or puts back its default if it has one. */
export function patched<T extends object>(schema: z.ZodType, before: T, patch: object): T {
  const shape: Record<string, unknown> = schema instanceof z.ZodObject ? schema.shape : {};
  const after: Record<string, unknown> = { ...(before as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    const field = shape[key];
    if (value === undefined) continue;
    if (value !== null) after[key] = value;
    else if (field instanceof z.ZodDefault) after[key] = field.parse(undefined);
    else delete after[key];
  }
  return after as T;
}

export const noun: Record<Kind, string> = {
  users: 'user',
  teams: 'team',
  services: 'service',
  integrations: 'integration',
  schedules: 'schedule',
  escalation_policies: 'escalation policy',
  extensions: 'extension',
};

/** The object named by handle or internal id, if there is one. */
export function findOne<K extends Kind>(stored: StoredConfig, kind: K, idOrHandle: string): ConfigItem<K> | undefined {
  const items = stored.config[kind] as ConfigItem<K>[];
  return (
    items.find((i) => i.id === idOrHandle) ?? items.find((i) => stored.ids[kind].get(i.id) === idOrHandle) ?? undefined
  );
}

/** The object named by handle or internal id, or 404. */
export function currentOne<K extends Kind>(stored: StoredConfig, kind: K, idOrHandle: string): ConfigItem<K> {
  const item = findOne(stored, kind, idOrHandle);
  if (!item) throw new HttpError(404, 'not_found', `no ${noun[kind]} is named ${idOrHandle}`);
  return item;
}

export function taken(kind: Kind, handle: string): HttpError {
  return new HttpError(409, 'conflict', `a ${noun[kind]} is already named ${handle}`, [
    { field: 'id', message: 'taken' },
  ]);
}

/** Sets the ETag of one object on the answer. */
export async function tagged<K extends Kind>(c: Context<ApiEnv>, item: ConfigItem<K>): Promise<void> {
  c.header('ETag', await etagOf(item));
}

/** A 400 about the object itself names its fields as the request does: `members[0]`, not `teams[3].members[0]`. */
function relativeTo(error: unknown, prefix: string): unknown {
  if (!(error instanceof HttpError) || error.status !== 400 || !error.fields) return error;
  const fields = error.fields.map((f) =>
    f.field.startsWith(prefix) ? { ...f, field: f.field.slice(prefix.length) } : f,
  );
  return new HttpError(400, error.code, `invalid configuration: ${fields.map((f) => f.field).join(', ')}`, fields);
}

/** Throws unless the principal may turn `before` into `after` (null: absent) in this configuration. */
export type Authorize<K extends Kind> = (
  principal: Principal,
  config: Configuration,
  before: ConfigItem<K> | null,
  after: ConfigItem<K> | null,
) => void;

export interface OneChange<K extends Kind> {
  kind: K;
  /** The object changed, by handle or internal id (404 when absent); null to create one. */
  target: string | null;
  /** Create the object when no object has the target handle (PUT), rather than answer 404. */
  upsert?: boolean;
  /** What the object becomes (null: it is deleted), from what it is in this read. */
  edit: (before: ConfigItem<K> | null, stored: StoredConfig) => ConfigItem<K> | null;
  authorize: Authorize<K>;
}

/**
 * Applies a change of one object: 404 for an unknown target, 412 when If-Match does not name the
 * object as read, 409 for a taken handle, the authorizer's 403, and the plan's 400. Answers the
 * object as it was written (null when deleted).
 */
export async function changeOne<K extends Kind>(
  c: Context<ApiEnv>,
  change: OneChange<K>,
): Promise<ConfigItem<K> | null> {
  const { kind, target } = change;
  let written: ConfigItem<K> | null = null;
  let at: string | null = null;
  await applyOrReject(
    c.env,
    async (stored) => {
      const before =
        target === null
          ? null
          : change.upsert
            ? ((stored.config[kind] as ConfigItem<K>[]).find((item) => item.id === target) ?? null)
            : currentOne(stored, kind, target);
      requireMatch(c.req.header('if-match'), before === null ? null : await etagOf(before));
      const after = change.edit(before, stored);
      if (after !== null && after.id !== before?.id && findOne(stored, kind, after.id)) throw taken(kind, after.id);
      change.authorize(c.get('principal'), stored.config, before, after);
      written = after;
      const others = (stored.config[kind] as ConfigItem<K>[]).filter((item) => item.id !== before?.id);
      const section = after === null ? others : [...others, after];
      at = after === null ? null : `${kind}[${others.length}].`;
      if (before === null || after === null || before.id === after.id) return { doc: { [kind]: section } };
      // A rename keeps the row, and every reference to the old handle follows it.
      const renamed = renameEverywhere({ ...stored.config, [kind]: section }, kind, before.id, after.id);
      return { doc: renamed, renames: { [kind]: new Map([[before.id, after.id]]) } };
    },
    auditorOf(c),
  ).catch((error: unknown) => {
    throw at === null ? error : relativeTo(error, at);
  });
  return written;
}
