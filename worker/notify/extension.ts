// Extensions: outgoing webhooks. As a service's incident changes, Tocsin calls a URL the team set up
// with a body made from a template and the incident's variables (Google Chat, an internal ticketing
// hook, a status page…). Pure: the extension's schema, its variables, and the request a template
// makes for one event. The incident decides when a call is due (incident/extensions.ts); the
// consumer makes it (notify/call.ts).
import { z } from 'zod';
import { handleSchema } from '../vocabulary';

export const extensionEvents = ['triggered', 'escalated', 'assigned', 'acknowledged', 'resolved'] as const;
export type ExtensionEvent = (typeof extensionEvents)[number];

/** What a template may name as `${NAME}`. */
export const extensionVariables = [
  'SERVICE_NAME',
  'INCIDENT_NAME',
  'INCIDENT_NUMBER',
  'INCIDENT_ID',
  'STATUS',
  'URGENCY',
  'EVENT',
  'CREATE_DATE',
  'MODIFY_DATE',
  'INCIDENT_URL',
  'ASSIGNEE',
] as const;
export type ExtensionVariable = (typeof extensionVariables)[number];
export type ExtensionValues = Record<ExtensionVariable, string>;

const VARIABLE = /\$\{([^}]*)\}/g;
const known: ReadonlySet<string> = new Set(extensionVariables);

/** The names a template uses that are not variables. */
export function unknownVariables(template: string): string[] {
  return [...template.matchAll(VARIABLE)].map((m) => m[1]!).filter((name) => !known.has(name));
}

export const MAX_EXTENSION_BODY = 16 * 1024;
export const MAX_EXTENSION_HEADERS = 30;
export const extensionMethods = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'not an HTTP header name');
const headerValue = z
  .string()
  .max(4096)
  .regex(/^[^\r\n\0]*$/, 'a header value is one line');

/** The request as configured: what a call needs, without the service it belongs to. */
export const extensionRequestSchema = z.object({
  id: handleSchema,
  name: z.string().trim().min(1).max(200),
  method: z.enum(extensionMethods).default('POST'),
  url: z
    .string()
    .max(2048)
    .regex(/^https?:\/\/[^\s]+$/i, 'an http(s) URL'),
  /** Values are percent-encoded in the body (a form body); in the URL they always are. */
  url_encode: z.boolean().default(false),
  headers: z
    .record(headerName, headerValue)
    .default({})
    .refine((h) => Object.keys(h).length <= MAX_EXTENSION_HEADERS, `at most ${MAX_EXTENSION_HEADERS} headers`),
  body: z.string().max(MAX_EXTENSION_BODY).optional(),
});
export type ExtensionRequest = z.infer<typeof extensionRequestSchema>;

export const extensionConfigSchema = extensionRequestSchema
  .extend({
    type: z.literal('webhook').default('webhook'),
    service: handleSchema,
    events: z
      .array(z.enum(extensionEvents))
      .min(1)
      .default([...extensionEvents])
      .refine((events) => new Set(events).size === events.length, 'an event is named twice'),
  })
  .strict()
  .superRefine((extension, ctx) => {
    const check = (template: string, path: (string | number)[]) => {
      for (const name of unknownVariables(template)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `\${${name}} is not a variable (known: ${extensionVariables.join(', ')})`,
        });
      }
    };
    check(extension.url, ['url']);
    if (extension.body !== undefined) check(extension.body, ['body']);
    for (const [name, value] of Object.entries(extension.headers)) check(value, ['headers', name]);
  });
export type ExtensionConfig = z.infer<typeof extensionConfigSchema>;

/** The request one call makes. */
export interface Call {
  method: (typeof extensionMethods)[number];
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

const fill = (template: string, escape: (value: string) => string, values: ExtensionValues) =>
  template.replace(VARIABLE, (_, name: string) => escape(values[name as ExtensionVariable] ?? ''));

/** Inside a JSON string: quotes, backslashes and control characters escaped; `<` too, for HTML-minded readers. */
const jsonEscape = (value: string) => JSON.stringify(value).slice(1, -1).replace(/</g, '\\u003c');
const oneLine = (value: string) => value.replace(/[\r\n\0]+/g, ' ');

function contentType(headers: Record<string, string>): string | undefined {
  return Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
}

/**
 * The request a template makes with these values. Everything in them may come from an alert: in the
 * URL each value is percent-encoded (a summary cannot change where the call goes), in a JSON body
 * JSON-escaped, in a form body percent-encoded when `url_encode` is on, and in a header kept to one line.
 */
export function render(extension: ExtensionRequest, values: ExtensionValues): Call {
  const headers = Object.fromEntries(
    Object.entries(extension.headers).map(([name, value]) => [name, fill(value, oneLine, values)]),
  );
  const withBody = extension.method !== 'GET' && extension.method !== 'DELETE' && extension.body !== undefined;
  let body: string | null = null;
  if (withBody) {
    const template = extension.body!;
    const type = contentType(headers);
    const json = type === undefined ? /^\s*[[{]/.test(template) : /json/i.test(type);
    if (json && type === undefined) headers['Content-Type'] = 'application/json';
    const escape = json ? jsonEscape : extension.url_encode ? encodeURIComponent : (value: string) => value;
    body = fill(template, escape, values);
  }
  return { method: extension.method, url: fill(extension.url, encodeURIComponent, values), headers, body };
}

/** A URL as the log shows it: without its query or credentials, which often hold the webhook's secret. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return url.slice(0, 80);
  }
}
