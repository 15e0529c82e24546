// What the cron trigger does every few minutes: prune old alert payloads, and, when Tocsin is
// healthy, ping the heartbeat URL another Tocsin (or any dead man's switch) watches — so that a
// pager that stops working is noticed by something outside it.
import { checkHealth } from './check';
import { prunePayloads } from './retention';

export async function housekeeping(env: Env, now: Date): Promise<void> {
  const pruned = await prunePayloads(env, now).catch((error: unknown) => {
    console.error('retention: pruning alert payloads failed', error);
    return null;
  });
  if (pruned && pruned.alerts > 0) console.log(`retention: emptied ${pruned.alerts} alert payloads`);
  if (!env.TOCSIN_HEARTBEAT_URL) return;
  const health = await checkHealth(env, now);
  if (health.status !== 'ok') {
    console.error(`health: degraded, no heartbeat sent: ${health.problems.join('; ')}`);
    return;
  }
  const response = await fetch(env.TOCSIN_HEARTBEAT_URL, { method: 'POST', signal: AbortSignal.timeout(10_000) }).catch(
    (error: unknown) => error as Error,
  );
  if (response instanceof Error || !response.ok) {
    console.error(
      'health: the heartbeat URL did not take the ping',
      response instanceof Error ? response : response.status,
    );
  }
}
