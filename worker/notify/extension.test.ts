import { describe, expect, it } from 'vitest';
import { extensionConfigSchema, redactedUrl, render, unknownVariables, type ExtensionValues } from './extension';

const values: ExtensionValues = {
  SERVICE_NAME: 'Web',
  INCIDENT_NAME: 'disk "full" on db-1 <script>\n& more',
  INCIDENT_NUMBER: '42',
  INCIDENT_ID: 'inc-1',
  STATUS: 'triggered',
  URGENCY: 'high',
  EVENT: 'triggered',
  CREATE_DATE: '2031-02-03T18:00:00.000Z',
  MODIFY_DATE: '2031-02-03T18:01:00.000Z',
  INCIDENT_URL: 'https://tocsin.test/incidents/inc-1',
  ASSIGNEE: '김민아',
};

const extension = (fields: Record<string, unknown>) =>
  extensionConfigSchema.parse({
    id: 'chat',
    name: 'Chat',
    service: 'web',
    url: 'https://chat.example.com/x',
    ...fields,
  });

describe('an extension’s template', () => {
  it('names only known variables: an unknown one is refused with its field', () => {
    expect(unknownVariables('${SERVICE_NAME} ${NOPE} ${incident_name}')).toEqual(['NOPE', 'incident_name']);
    const parsed = extensionConfigSchema.safeParse({
      id: 'chat',
      name: 'Chat',
      service: 'web',
      url: 'https://chat.example.com/${WHERE}',
      headers: { 'X-Tag': '${TAG}' },
      body: '{"text": "${INCIDENT_NAME} ${SUMMARY}"}',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['url', 'body', 'headers.X-Tag']);
  });

  it('JSON-escapes values inside a JSON body, so that any summary leaves it valid JSON', () => {
    const call = render(
      extension({
        headers: { 'Content-Type': 'application/json' },
        body: '{"text": "${SERVICE_NAME} #${INCIDENT_NUMBER} ${INCIDENT_NAME} is ${STATUS}", "who": "${ASSIGNEE}"}',
      }),
      values,
    );
    expect(call).toMatchObject({ method: 'POST', url: 'https://chat.example.com/x' });
    expect(JSON.parse(call.body!)).toEqual({
      text: 'Web #42 disk "full" on db-1 <script>\n& more is triggered',
      who: '김민아',
    });
    expect(call.body).not.toContain('<script>');
  });

  it('takes a body that looks like JSON as JSON when no Content-Type is given, and says so', () => {
    const call = render(extension({ body: '{"t":"${INCIDENT_NAME}"}' }), values);
    expect(call.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(call.body!).t).toBe(values.INCIDENT_NAME);
  });

  it('percent-encodes values in a form body when url_encode is on, and leaves them as they are when off', () => {
    const form = extension({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      url_encode: true,
      body: 'text=${INCIDENT_NAME}&n=${INCIDENT_NUMBER}',
    });
    expect(new URLSearchParams(render(form, values).body!).get('text')).toBe(values.INCIDENT_NAME);
    const plain = extension({ headers: { 'content-type': 'text/plain' }, body: '${SERVICE_NAME}: ${INCIDENT_NAME}' });
    expect(render(plain, values).body).toBe(`Web: ${values.INCIDENT_NAME}`);
  });

  it('percent-encodes every value in the URL, so that no summary changes where the call goes', () => {
    const call = render(
      extension({ url: 'https://hooks.example.com/i/${INCIDENT_ID}?s=${INCIDENT_NAME}', method: 'GET', body: 'x' }),
      { ...values, INCIDENT_ID: '../admin', INCIDENT_NAME: 'a&b=c#d' },
    );
    expect(call.url).toBe('https://hooks.example.com/i/..%2Fadmin?s=a%26b%3Dc%23d');
    expect(new URL(call.url).host).toBe('hooks.example.com');
    // GET and DELETE carry no body.
    expect(call.body).toBeNull();
  });

  it('keeps a header to one line, whatever the value', () => {
    const call = render(extension({ headers: { 'X-Summary': '${INCIDENT_NAME}' } }), values);
    expect(call.headers['X-Summary']).toBe('disk "full" on db-1 <script> & more');
  });

  it('refuses a header name or a multi-line header value, and an event named twice', () => {
    expect(extensionConfigSchema.safeParse({ ...extension({}), headers: { 'Bad Name': 'x' } }).success).toBe(false);
    expect(extensionConfigSchema.safeParse({ ...extension({}), headers: { 'X-A': 'a\r\nB: b' } }).success).toBe(false);
    expect(extensionConfigSchema.safeParse({ ...extension({}), events: ['resolved', 'resolved'] }).success).toBe(false);
  });

  it('listens for every event by default', () => {
    expect(extension({}).events).toEqual(['triggered', 'escalated', 'assigned', 'acknowledged', 'resolved']);
  });

  it('shows a URL in the log without its query or credentials', () => {
    expect(redactedUrl('https://chat.googleapis.com/v1/spaces/X/messages?key=K&token=T')).toBe(
      'https://chat.googleapis.com/v1/spaces/X/messages?…',
    );
    expect(redactedUrl('https://user:pw@hooks.example.com/a')).toBe('https://hooks.example.com/a');
  });
});
