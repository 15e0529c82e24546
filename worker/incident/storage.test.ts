import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { migrate, migrations, SCHEMA_VERSION, schemaVersion } from './storage';

/**
 * Every table's columns as SQLite reports them (the declared text differs after an ALTER). A key
 * column counts as a key alone: a WITHOUT ROWID table makes its keys NOT NULL by itself.
 */
function shapes(sql: SqlStorage): unknown[] {
  const tables = sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
    )
    .toArray();
  return tables.map(({ name }) => ({
    name,
    columns: sql
      .exec<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>(
        `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('${name}')`,
      )
      .toArray()
      .map((c) => ({ ...c, notnull: c.pk > 0 ? 'key' : c.notnull })),
  }));
}

const inFreshObject = <T>(name: string, fn: (sql: SqlStorage) => T) =>
  runInDurableObject(env.INCIDENTS.getByName(name), (_instance, state) => fn(state.storage.sql));

describe('the incident object schema', () => {
  it('creates for a new object the tables the migrations build up to', async () => {
    const created = await inFreshObject('schema-new', (sql) => {
      migrate(sql, 0);
      return { shapes: shapes(sql), version: schemaVersion(sql) };
    });
    const migrated = await inFreshObject('schema-old', (sql) => {
      sql.exec(migrations[0]!);
      expect(schemaVersion(sql)).toBe(0);
      sql.exec('UPDATE schema_version SET version = 1');
      migrate(sql, 1);
      return { shapes: shapes(sql), version: schemaVersion(sql) };
    });
    expect(created.version).toBe(SCHEMA_VERSION);
    expect(migrated.version).toBe(SCHEMA_VERSION);
    expect(created.shapes).toEqual(migrated.shapes);
    expect(created.shapes).toHaveLength(6);
    expect(created.shapes).toContainEqual(
      expect.objectContaining({
        name: 'pages',
        columns: expect.arrayContaining([expect.objectContaining({ name: 'record' })]),
      }),
    );
  });
});
