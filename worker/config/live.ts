// The configuration as the hot paths read it (ingest, escalation, handoff notices): loaded from D1
// at most once per TTL in each isolate, and marked stale in this isolate whenever a change is
// applied. Another isolate may act on the previous configuration for TTL_MS after a change and the
// time one load takes: a deleted integration key is refused everywhere within about a second. A
// copy past its TTL serves on while one load refreshes it, so that a busy isolate never holds its
// requests for D1 (each second, they queued behind the copies D1 was writing: the ingest tail).
//
// D1 never stands between an alert and a page: when it cannot be read, the last configuration this
// isolate loaded serves on (stale by at most the outage, and logged). One load is in flight per
// isolate at a time; it is kept alive past its request (waitUntil), and a caller waits for another's
// load only so long, so that no client's disconnect can hang the others.
import { stagesOf } from '../ingest/pipeline';
import type { IntegrationConfig } from './document';
import type { StoredConfig } from './store';
import { loadConfig } from './store';
import { configSnapshot } from './snapshot-object';

const TTL_MS = 1000;
/** How long past its TTL a copy serves while it is refreshed; an isolate idle for longer waits for D1. */
const STALE_MS = 10_000;
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

/** What loading the configuration needs: D1, and the snapshot for when D1 cannot be read. */
export type ConfigSource = Pick<Env, 'DB' | 'CONFIG_SNAPSHOTS'>;

export async function liveConfig(env: ConfigSource, keepAlive?: KeepAlive): Promise<StoredConfig> {
  const fresh = freshLiveConfig();
  if (fresh) return fresh;
  const now = Date.now();
  const loadUnderWay = loading !== null && now - loading.startedAt < SHARED_LOAD_WAIT_MS;
  if (
    cached &&
    cached.generation === generation &&
    cached.loadedAt <= now &&
    now < cached.loadedAt + TTL_MS + STALE_MS
  ) {
    if (!loadUnderWay) void load(env, keepAlive).catch(() => undefined);
    return cached.stored;
  }
  if (loading && loadUnderWay) {
    const shared = await Promise.race([
      loading.promise.catch(() => null),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), SHARED_LOAD_WAIT_MS)),
    ]);
    if (shared) return shared;
  }
  return load(env, keepAlive);
}

async function load(env: ConfigSource, keepAlive?: KeepAlive): Promise<StoredConfig> {
  const started = generation;
  const promise = loadConfig(env.DB);
  const attempt = { promise, startedAt: Date.now() };
  loading = attempt;
  keepAlive?.(promise.catch(() => undefined));
  try {
    const stored = await promise;
    if (!cached || cached.generation <= started) cached = { stored, loadedAt: Date.now(), generation: started };
    keepSnapshot(env, stored, keepAlive);
    return stored;
  } catch (error) {
    if (!cached) {
      const snapshot = await configSnapshot(env)
        .read()
        .catch(() => null);
      if (snapshot) cached = { stored: parseStored(snapshot), loadedAt: 0, generation };
    }
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

/** The version of a loaded configuration last sent to the snapshot from this isolate. */
let keptVersion: string | null = null;

/** Sends a newly changed configuration to the snapshot, once per change per isolate, in the background. */
function keepSnapshot(env: ConfigSource, stored: StoredConfig, keepAlive?: KeepAlive): void {
  const version = `${stored.revision}:${JSON.stringify(stored.maintenance)}`;
  if (version === keptVersion) return;
  keptVersion = version;
  const kept = configSnapshot(env)
    .keep(
      version,
      JSON.stringify({ ...stored, ids: Object.fromEntries(Object.entries(stored.ids).map(([k, m]) => [k, [...m]])) }),
    )
    .catch((error: unknown) => {
      keptVersion = null;
      console.error('configuration: the snapshot did not take the new copy', error);
    });
  keepAlive?.(kept);
}

function parseStored(body: string): StoredConfig {
  const parsed = JSON.parse(body) as Omit<StoredConfig, 'ids'> & { ids: Record<string, [string, string][]> };
  const ids = Object.fromEntries(Object.entries(parsed.ids).map(([kind, entries]) => [kind, new Map(entries)]));
  return { ...parsed, ids: ids as StoredConfig['ids'] };
}

/** As a new isolate starts: nothing loaded yet (tests of a cold start). */
export function forgetLoadedConfig(): void {
  cached = null;
  keptVersion = null;
  generation += 1;
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
export async function integrationByKey(env: ConfigSource, key: string, keepAlive?: KeepAlive) {
  const stored = await liveConfig(env, keepAlive);
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
