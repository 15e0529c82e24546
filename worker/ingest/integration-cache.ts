// Integration lookups by key, cached in the isolate: a D1 read on every event halves ingest
// throughput. A configuration change clears this isolate's cache at once; another isolate may serve
// a changed or deleted key for at most TTL_MS more.
import { findIntegrationByKey, type IntegrationRow } from '../db/integrations';

const TTL_MS = 1000;
const cache = new Map<string, { integration: IntegrationRow | undefined; until: number }>();

export async function integrationByKey(d1: D1Database, key: string, now: number): Promise<IntegrationRow | undefined> {
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.integration;
  const integration = await findIntegrationByKey(d1, key);
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { integration, until: now + TTL_MS });
  return integration;
}

export function forgetIntegrations(): void {
  cache.clear();
}
