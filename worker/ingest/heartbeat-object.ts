// One object per heartbeat integration: it keeps the last ping and an alarm at the moment the next
// one is late. A late ping opens the heartbeat's incident; the next ping closes it. The integration's
// ids travel with every ping, so that a miss opens its incident without reading D1.
import { DurableObject } from 'cloudflare:workers';
import { liveConfig } from '../config/live';
import { dueBy, heartbeatSettingsSchema, missedEvent, resumedEvent, type HeartbeatSettings } from './heartbeat';
import { ingestEvents, stagesOf, type IngestingIntegration } from './pipeline';

interface State {
  integration: IngestingIntegration & { name: string };
  settings: HeartbeatSettings;
  lastPingAt: number;
  missed: boolean;
}

const RETRY_MS = 60_000;

export class HeartbeatObject extends DurableObject<Env> {
  /** A ping: resolves a miss, and sets the alarm for the next one. Answers when the next is due. */
  async ping(integration: State['integration'], settings: unknown, at: number): Promise<{ dueBy: string }> {
    const parsed = heartbeatSettingsSchema.parse(settings);
    const before = await this.ctx.storage.get<State>('state');
    const state: State = { integration, settings: parsed, lastPingAt: at, missed: false };
    if (before?.missed) await ingestEvents(this.env, integration, [resumedEvent(integration.name, new Date(at))]);
    await this.ctx.storage.put('state', state);
    await this.ctx.storage.setAlarm(dueBy(parsed, at));
    return { dueBy: new Date(dueBy(parsed, at)).toISOString() };
  }

  override async alarm(): Promise<void> {
    const state = await this.ctx.storage.get<State>('state');
    if (!state || state.missed) return;
    const now = Date.now();
    if (now < dueBy(state.settings, state.lastPingAt)) {
      await this.ctx.storage.setAlarm(dueBy(state.settings, state.lastPingAt));
      return;
    }
    try {
      const stored = await liveConfig(this.env, (p) => this.ctx.waitUntil(p));
      // A heartbeat deleted since its last ping expects nothing any more.
      if (!stored.ids.integrations.has(state.integration.handle)) return this.ctx.storage.deleteAll();
      const missed = missedEvent(state.integration.name, state.settings, state.lastPingAt, new Date(now));
      await ingestEvents(this.env, state.integration, [missed], stagesOf(stored));
      await this.ctx.storage.put('state', { ...state, missed: true });
    } catch (error) {
      console.error('heartbeat: the miss could not be recorded; trying again', state.integration.handle, error);
      await this.ctx.storage.setAlarm(now + RETRY_MS);
    }
  }
}
