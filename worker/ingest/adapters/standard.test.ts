import { beforeAll, describe, expect, it } from 'vitest';
import { api, postEvent, send, setUpIntegration } from '../../test/helpers';

let key: string;
beforeAll(async () => {
  ({ key } = await setUpIntegration('std-validation'));
});

describe('standard integration: validation', () => {
  it('accepts a minimal event and opens an incident', async () => {
    const { status, body } = await postEvent(key, { summary: 'CPU high on web-1' });
    expect(status).toBe(202);
    expect(body).toMatchObject({ status: 'success', action: 'created' });
    expect(body.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.incident_id).toEqual(expect.any(String));
    expect(body.incident_number).toEqual(expect.any(Number));
  });

  it.each([
    [{}, ['summary']],
    [{ summary: '' }, ['summary']],
    [{ summary: 'x', status: 'reopen' }, ['status']],
    [{ summary: 'x', urgency: 'critical' }, ['urgency']],
    [{ summary: 'x', event_time: '2026-11-25T10:00:00' }, ['event_time']],
    [{ summary: 'x', event_time: 'yesterday' }, ['event_time']],
    [{ summary: 'x', status: 'ack' }, ['event_id']],
    [{ summary: 'x', status: 'close' }, ['event_id']],
    [{ summary: 'x', custom_details: 'text' }, ['custom_details']],
    [{ summary: 'x', metric_value: 42 }, ['metric_value']],
    [{ summary: 7, urgency: 'loud' }, ['summary', 'urgency']],
    [[], ['body']],
    ['"just a string"', ['body']],
    ['null', ['body']],
  ])('answers 400 naming each bad field for %j', async (event, fields) => {
    const { status, body } = await postEvent(key, event);
    expect(status).toBe(400);
    expect(body.status).toBe('error');
    expect(body.fields.map((f: { field: string }) => f.field).sort()).toEqual([...fields].sort());
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { status, body } = await postEvent(key, '{"summary": ');
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_json');
  });

  it('answers 400 naming the field for a body nested deeper than 32 levels, and accepts 32', async () => {
    const nested = (levels: number) => {
      let text = '1';
      for (let i = 0; i < levels; i++) text = `{"a":${text}}`;
      return text;
    };
    // The body itself is the first level, custom_details the second.
    expect((await postEvent(key, `{"summary":"deep","custom_details":${nested(31)}}`)).status).toBe(202);
    const tooDeep = await postEvent(key, `{"summary":"deep","custom_details":${nested(32)}}`);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.fields).toEqual([{ field: 'custom_details', message: expect.stringMatching(/32 levels/) }]);
    const abyss = await postEvent(key, `{"summary":"deep","custom_details":${nested(10_000)}}`);
    expect(abyss.status).toBe(400);
    expect(abyss.body.fields[0].field).toBe('custom_details');
  });

  it('answers 400 naming the field for more than 10,000 keys and items in one body', async () => {
    const items = (n: number) => JSON.stringify({ summary: 'many', custom_details: { list: Array(n).fill(0) } });
    expect((await postEvent(key, items(9_990))).status).toBe(202);
    const tooMany = await postEvent(key, items(10_000));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.fields).toEqual([{ field: 'custom_details', message: expect.stringMatching(/10000/) }]);
  });

  it('answers 415 for a content type that is not JSON', async () => {
    const response = await send(`/integration/standard/v1/${key}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ summary: 'x' }),
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('accepts application/json with a charset', async () => {
    const response = await send(`/integration/standard/v1/${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ summary: '디스크 사용량 90% 초과' }),
    });
    expect(response.status).toBe(202);
  });

  it('answers 413 over 512 KiB, and 202 just under it', async () => {
    const filler = (size: number) =>
      'x'.repeat(size - JSON.stringify({ summary: 's', custom_details: { f: '' } }).length);
    const justUnder = JSON.stringify({ summary: 's', custom_details: { f: filler(512 * 1024) } });
    expect(new TextEncoder().encode(justUnder).byteLength).toBe(512 * 1024);
    expect((await postEvent(key, justUnder)).status).toBe(202);
    const over = JSON.stringify({ summary: 's', custom_details: { f: filler(512 * 1024 + 1) } });
    const { status, body } = await postEvent(key, over);
    expect(status).toBe(413);
    expect(body.error).toBe('payload_too_large');
  });

  it('answers 404 with the same body for a key that never existed and one that was deleted', async () => {
    const never = await postEvent('no-such-key-0000000000', { summary: 'x' });
    const { key: doomed } = await setUpIntegration('doomed', 'doomed-key-0123456789');
    expect((await postEvent(doomed, { summary: 'x' })).status).toBe(202);
    expect((await api('DELETE', '/integrations/doomed')).status).toBe(204);
    const deleted = await postEvent(doomed, { summary: 'x' });
    expect(never.status).toBe(404);
    expect(deleted.status).toBe(404);
    expect(deleted.body).toEqual(never.body);
  });

  it('answers 404 when the key belongs to another integration type', async () => {
    expect((await postEvent(key, { summary: 'x' }, 'alertmanager')).status).toBe(404);
  });
});

describe('standard integration: any body', () => {
  it('never answers 5xx, whatever JSON arrives', async () => {
    const fc = await import('fast-check');
    const field = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record(
        {
          summary: field,
          event_id: field,
          status: fc.oneof(fc.constantFrom('open', 'ack', 'close'), field),
          urgency: fc.oneof(fc.constantFrom('highest', 'high', 'none'), field),
          event_time: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            field,
          ),
          custom_details: field,
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const { status } = await postEvent(key, JSON.stringify(value));
        expect([202, 400]).toContain(status);
      }),
      { numRuns: 150 },
    );
  });
});
