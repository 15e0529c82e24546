import { and, eq, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { integrations } from './schema';

export type IntegrationRow = typeof integrations.$inferSelect;

/** The live integration with this key; deleted ones are not found. */
export async function findIntegrationByKey(d1: D1Database, key: string): Promise<IntegrationRow | undefined> {
  return drizzle(d1)
    .select()
    .from(integrations)
    .where(and(eq(integrations.key, key), isNull(integrations.deletedAt)))
    .get();
}
