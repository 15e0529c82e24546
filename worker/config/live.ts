// The configuration as the hot paths read it (ingest, escalation, handoff notices): loaded from D1
// at most once per TTL in each isolate, and marked stale in this isolate whenever a change is
// applied. Another isolate may act on the previous configuration for at most TTL_MS after a change:
// a deleted integration key is refused everywhere within that second.
//
// D1 never stands between an alert and a page: when it cannot be read, the last configuration this
// isolate loaded serves on (stale by at most the outage, and logged). One load is in flight per
// isolate at a time; it is kept alive past its request (waitUntil), and a caller waits for another's
// load only so long, so that no client's disconnect can hang the others.
import { stagesOf } from '../ingest/pipeline';
import type { IntegrationConfig } from './document';
import type { StoredConfig } from './store';
import { loadConfig } from './store';

const TTL_MS = 1000;
/** How long a caller waits for a load that another request started before starting its own. */
const SHARED_LOAD_WAIT_MS = 1000;

/** `generation` counts applied changes: a load started before one is not fresh after it. */
let generation = 0;
let cached: { stored: StoredConfig; loadedAt: number; generation: number } | null = null;
let loading: { promise: Promise<StoredConfig>; startedAt: number } | null = null;

export class ConfigUnavailable extends Error {
  readonly retryable = true;
}

/** Keeps a promise's work alive after the request that started it has been answered or dropped. */
export type KeepAlive = (promise: Promise<unknown>) => void;

export async function liveConfig(d1: D1Database, keepAlive?: KeepAlive): Promise<StoredConfig> {
  const fresh = freshLiveConfig();
  if (fresh) return fresh;
  const now = Date.now();
  if (loading && now - loading.startedAt < SHARED_LOAD_WAIT_MS) {
    const shared = await Promise.race([
      loading.promise.catch(() => null),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), SHARED_LOAD_WAIT_MS)),
    ]);
    if (shared) return shared;
  }
  return load(d1, keepAlive);
}

async function load(d1: D1Database, keepAlive?: KeepAlive): Promise<StoredConfig> {
  const started = generation;
  const promise = loadConfig(d1);
  const attempt = { promise, startedAt: Date.now() };
  loading = attempt;
  keepAlive?.(promise.catch(() => undefined));
  try {
    const stored = await promise;
    if (!cached || cached.generation <= started) cached = { stored, loadedAt: Date.now(), generation: started };
    return stored;
  } catch (error) {
    if (cached) {
      // Ask D1 again in a TTL, not on every request of the outage.
      cached = { ...cached, loadedAt: Date.now(), generation };
      console.error('configuration: D1 cannot be read; serving the last loaded copy', error);
      return cached.stored;
    }
    throw new ConfigUnavailable(`the configuration cannot be read: ${String(error)}`);
  } finally {
    if (loading === attempt) loading = null;
  }
}

/** The configuration if this isolate holds a fresh copy, without waiting for D1; otherwise null. */
export function freshLiveConfig(): StoredConfig | null {
  const now = Date.now();
  if (!cached || cached.generation !== generation) return null;
  return cached.loadedAt <= now && now < cached.loadedAt + TTL_MS ? cached.stored : null;
}

/** A change was applied here: the next read loads it (the old copy stays as the fallback). */
export function forgetLiveConfig(): void {
  generation += 1;
}

const keyIndexes = new WeakMap<StoredConfig, Map<string, IntegrationConfig>>();

/** The integrations of a loaded configuration by key, indexed once per load. */
function byKey(stored: StoredConfig): Map<string, IntegrationConfig> {
  let index = keyIndexes.get(stored);
  if (!index) {
    index = new Map(stored.config.integrations.map((i) => [i.key ?? '', i]));
    keyIndexes.set(stored, index);
  }
  return index;
}

/** The live integration with this key, as ingest needs it. */
export async function integrationByKey(d1: D1Database, key: string, keepAlive?: KeepAlive) {
  const stored = await liveConfig(d1, keepAlive);
  const { ids } = stored;
  const integration = byKey(stored).get(key);
  const id = integration && ids.integrations.get(integration.id);
  const serviceId = integration && ids.services.get(integration.service);
  if (!integration || id === undefined || serviceId === undefined) return undefined;
  return {
    id,
    handle: integration.id,
    type: integration.type,
    serviceId,
    settings: integration,
    stages: stagesOf(stored),
  };
}
