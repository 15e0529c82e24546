// Entity tags for the configuration and each object in it: a strong tag is the SHA-256 of the
// object's canonical JSON, so that equal configurations have equal tags wherever they are read.
import { canonicalJson } from './plan';

export async function etagOf(value: unknown): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(value)));
  return `"${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}"`;
}

/**
 * Whether an If-Match header lets a write go ahead on what has `etag` (null: nothing exists):
 * no header always does; `*` does when something exists; otherwise one of the listed strong tags
 * must be it (a weak tag never matches, as RFC 9110 compares strongly for If-Match).
 */
export function ifMatchHolds(header: string | undefined, etag: string | null): boolean {
  if (header === undefined) return true;
  const tags = header.split(',').map((tag) => tag.trim());
  if (tags.includes('*')) return etag !== null;
  return etag !== null && tags.includes(etag);
}
