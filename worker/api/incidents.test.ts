// Incidents opened by hand, and the list's filter for whom they are assigned to.
import { beforeAll, describe, expect, it } from 'vitest';
import { api, drain } from '../test/helpers';

let responderToken: string;
let observerToken: string;

beforeAll(async () => {
  const applied = await api('PUT', '/config', {
    users: [
      { id: 'ana', name: 'Ana', email: 'ana@example.com', role: 'responder' },
      { id: 'ben', name: 'Ben', email: 'ben@example.com', role: 'responder' },
      { id: 'otto', name: 'Otto', role: 'observer' },
    ],
    services: [
      { id: 'shop', name: 'Shop', routing: { user: 'ana' } },
      { id: 'quiet', name: 'Quiet' },
    ],
  });
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
  responderToken = (await api('POST', '/tokens', { user: 'ana' })).body.token;
  observerToken = (await api('POST', '/tokens', { user: 'otto' })).body.token;
});

/** Opens an incident by hand and lets its object copy it (and its pages) to D1. */
async function raise(body: object, token = responderToken) {
  const created = await api('POST', '/incidents', body, token);
  if (created.status === 201) await drain(created.body.integration_id, created.body.event_id);
  return created;
}

describe('opening an incident by hand', () => {
  it('opens it on the service, under its manual integration, and pages by the service routing', async () => {
    const { status, body } = await raise({
      service: 'shop',
      summary: 'Checkout is down for Korean cards',
      urgency: 'low',
      details: { reported_by: 'support' },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      status: 'triggered',
      urgency: 'low',
      summary: 'Checkout is down for Korean cards',
      service: 'shop',
      integration: 'manual',
    });
    expect(body.integration_id).toMatch(/^manual:/);
    const detail = await api('GET', `/incidents/${body.id}`);
    expect(detail.body.details).toEqual({ reported_by: 'support' });
    expect(detail.body.timeline[0]).toMatchObject({ type: 'created', actor: { type: 'user', id: 'ana' } });
    const listed = await api('GET', '/incidents?service=shop&urgency=low');
    expect(listed.body.incidents.map((i: { id: string }) => i.id)).toEqual([body.id]);
    const byHand = await api('GET', '/incidents?integration=manual&urgency=low');
    expect(byHand.body.incidents).toMatchObject([{ id: body.id, integration: 'manual' }]);
  });

  it('is high urgency unless told, and each one is its own incident', async () => {
    const first = await raise({ service: 'shop', summary: 'Same words' });
    const second = await raise({ service: 'shop', summary: 'Same words' });
    expect(first.body.urgency).toBe('high');
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('answers 400 naming the field for an unknown service or no summary, and 403 to an observer', async () => {
    const unknown = await raise({ service: 'nope', summary: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields).toEqual([{ field: 'service', message: 'unknown service' }]);
    const empty = await raise({ service: 'shop', summary: ' ' });
    expect(empty.body.fields.map((f: { field: string }) => f.field)).toEqual(['summary']);
    expect((await raise({ service: 'shop', summary: 'x' }, observerToken)).status).toBe(403);
  });
});

describe('the incidents assigned to someone', () => {
  it('lists those that paged them or were reassigned to them, and no others', async () => {
    const paged = (await raise({ service: 'shop', summary: 'pages Ana' })).body;
    const unpaged = (await raise({ service: 'quiet', summary: 'pages nobody' })).body;
    const reassigned = (await raise({ service: 'quiet', summary: 'handed to Ben' })).body;
    expect((await api('POST', `/incidents/${reassigned.id}/reassign`, { user: 'ben' })).status).toBe(200);
    await drain(reassigned.integration_id, reassigned.event_id);
    const ids = async (user: string) =>
      (await api('GET', `/incidents?assigned_to=${user}&limit=100`)).body.incidents.map((i: { id: string }) => i.id);
    const ana = await ids('ana');
    expect(ana).toContain(paged.id);
    expect(ana).not.toContain(unpaged.id);
    expect(ana).not.toContain(reassigned.id);
    expect(await ids('ben')).toEqual([reassigned.id]);
  });
});
