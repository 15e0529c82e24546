// The configuration as the hot paths read it (ingest, escalation, handoff notices): loaded from D1
// at most once per TTL in each isolate, and cleared in this isolate whenever a change is applied.
// Another isolate may act on the previous configuration for at most TTL_MS after a change: a
// deleted integration key is refused everywhere within that second.
import type { StoredConfig } from './store';
import { loadConfig } from './store';

const TTL_MS = 1000;
let cached: { stored: StoredConfig; until: number } | null = null;

export async function liveConfig(d1: D1Database): Promise<StoredConfig> {
  const fresh = freshLiveConfig();
  if (fresh) return fresh;
  const stored = await loadConfig(d1);
  cached = { stored, until: Date.now() + TTL_MS };
  return stored;
}

/** The configuration if this isolate holds a fresh copy, without waiting for D1; otherwise null. */
export function freshLiveConfig(): StoredConfig | null {
  const now = Date.now();
  return cached && cached.until > now && cached.until - TTL_MS <= now ? cached.stored : null;
}

export function forgetLiveConfig(): void {
  cached = null;
}

/** The live integration with this key, as ingest needs it. */
export async function integrationByKey(d1: D1Database, key: string) {
  const { config, ids } = await liveConfig(d1);
  const integration = config.integrations.find((i) => i.key === key);
  const id = integration && ids.integrations.get(integration.id);
  const serviceId = integration && ids.services.get(integration.service);
  if (!integration || id === undefined || serviceId === undefined) return undefined;
  return { id, handle: integration.id, type: integration.type, serviceId };
}
