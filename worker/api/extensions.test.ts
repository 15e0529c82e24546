// A service's extensions replaced through its own route, in the real runtime: the same checks and
// the same audit log as the configuration document, other services' extensions left as they are.
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, api, send } from '../test/helpers';

const hook = (id: string, url = `https://hooks.example.com/${id}?token=secret-${id}`) => ({
  id,
  name: `Hook ${id}`,
  events: ['triggered', 'resolved'],
  url,
  headers: { Authorization: `Bearer header-secret-${id}` },
  body: '{"text":"${INCIDENT_NAME} is ${STATUS}"}',
});

/** PUT /services/{id}/extensions, with If-Match when given; answers the status, body and ETag. */
async function put(service: string, extensions: unknown[], ifMatch?: string, token = ADMIN_TOKEN) {
  const response = await send(`/api/v1/services/${service}/extensions`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }),
    },
    body: JSON.stringify({ extensions }),
  });
  return { status: response.status, body: (await response.json()) as any, etag: response.headers.get('etag') };
}

async function read(service: string, token = ADMIN_TOKEN) {
  const response = await send(`/api/v1/services/${service}/extensions`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { body: (await response.json()) as any, etag: response.headers.get('etag') };
}

let responder: string;

beforeAll(async () => {
  const result = await api('PUT', '/config', {
    users: [{ id: 'rhee', name: 'Rhee', email: 'rhee@example.com', role: 'responder' }],
    services: [
      { id: 'shop', name: 'Shop' },
      { id: 'payments', name: 'Payments' },
    ],
    extensions: [
      { ...hook('shop-old'), service: 'shop' },
      { ...hook('pay-chat'), service: 'payments' },
    ],
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  responder = (await api('POST', '/tokens', { user: 'rhee', name: 'r' })).body.token;
});

describe("a service's extensions", () => {
  it("are replaced together, read back whole with an ETag, and leave other services' extensions alone", async () => {
    const { etag } = await read('shop');
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const written = await put('shop', [hook('shop-chat'), { ...hook('shop-ticket'), service: 'shop' }], etag!);
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    expect(written.body.extensions.map((e: { id: string }) => e.id)).toEqual(['shop-chat', 'shop-ticket']);
    expect(written.etag).not.toBe(etag);

    const back = await read('shop');
    expect(back.etag).toBe(written.etag);
    expect(back.body.extensions[0]).toEqual({
      ...hook('shop-chat'),
      service: 'shop',
      type: 'webhook',
      method: 'POST',
      url_encode: false,
    });
    const config = (await api('GET', '/config')).body;
    expect(config.extensions.map((e: { id: string }) => e.id).sort()).toEqual(['pay-chat', 'shop-chat', 'shop-ticket']);
    expect((await read('payments')).body.extensions).toEqual([expect.objectContaining(hook('pay-chat'))]);
  });

  it('answer 400 naming the field, as the configuration document does for the same mistakes', async () => {
    const mistakes = [
      { ...hook('private', 'http://127.0.0.1/x'), field: 'extensions[0].url' },
      { ...hook('unknown', 'https://hooks.example.com/${NOPE}'), field: 'extensions[0].url' },
      { ...hook('header'), headers: { 'Bad Header': 'x' }, field: 'extensions[0].headers.Bad Header' },
      { ...hook('line'), headers: { 'X-Token': 'a\r\nb' }, field: 'extensions[0].headers.X-Token' },
    ];
    for (const { field, ...extension } of mistakes) {
      const refused = await put('shop', [extension]);
      expect(refused.status, field).toBe(400);
      expect(refused.body.fields.map((f: { field: string }) => f.field)).toEqual([field]);
      expect(refused.body.message).toContain(field);
      const document = await api('PUT', '/config', { extensions: [{ ...extension, service: 'shop' }] });
      expect(document.body.fields, field).toEqual(refused.body.fields);
    }
    expect((await read('shop')).body.extensions.map((e: { id: string }) => e.id)).toEqual(['shop-chat', 'shop-ticket']);
  });

  it('name the request’s own place, not their place among every service’s extensions', async () => {
    const refused = await put('shop', [hook('fine'), hook('second', 'https://10.0.0.1/x')]);
    expect(refused.body.fields).toEqual([{ field: 'extensions[1].url', message: expect.stringMatching(/private/) }]);
  });

  it('belong to the service in the path, and a handle taken by another service’s extension is refused', async () => {
    expect((await put('shop', [{ ...hook('elsewhere'), service: 'payments' }])).body.fields).toEqual([
      expect.objectContaining({ field: 'extensions[0].service' }),
    ]);
    const taken = await put('shop', [hook('pay-chat')]);
    expect(taken.status).toBe(409);
    expect(taken.body.fields).toEqual([expect.objectContaining({ field: 'extensions[0].id' })]);
    expect((await put('shop', [hook('twice'), hook('twice')])).body.fields).toEqual([
      expect.objectContaining({ field: 'extensions[1].id' }),
    ]);
    expect((await put('nowhere', [])).status).toBe(404);
  });

  it('are changed only by those who configure; a responder sees them without secrets', async () => {
    expect((await put('shop', [], undefined, responder)).status).toBe(403);
    const seen = await read('shop', responder);
    expect(seen.etag).toBeNull();
    expect(seen.body.extensions[0]).not.toHaveProperty('headers');
    expect(seen.body.extensions[0].url).toBe('https://hooks.example.com/shop-chat?…');
  });

  it('refuse (412) a write based on a read someone else changed since', async () => {
    const { etag } = await read('shop');
    expect((await put('shop', [hook('shop-chat')], etag!)).status).toBe(200);
    const stale = await put('shop', [], etag!);
    expect(stale.status).toBe(412);
    expect((await read('shop')).body.extensions.map((e: { id: string }) => e.id)).toEqual(['shop-chat']);
  });

  it('are recorded in the audit log with who changed them, secrets left out', async () => {
    const written = await put('shop', [hook('audited')]);
    expect(written.status).toBe(200);
    const entries = (await api('GET', '/audit?limit=50&kind=extension')).body.entries as any[];
    expect(entries).toContainEqual(
      expect.objectContaining({ actor: 'admin', action: 'create', kind: 'extension', target: 'audited' }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ action: 'delete', target: 'shop-chat', after: null }));
    expect(JSON.stringify(entries)).not.toMatch(/secret-audited|header-secret-audited/);
  });
});
