// Reads and writes of one whole object with its ETag, so that a save refuses (412) to overwrite a
// change made by someone else since the read.
import { goto } from '$app/navigation';
import { ApiError } from './api';

export interface Tagged<T> {
  data: T;
  etag: string | null;
}

export async function apiTagged<T>(
  method: string,
  path: string,
  body?: unknown,
  ifMatch?: string | null,
): Promise<Tagged<T>> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (ifMatch) headers['if-match'] = ifMatch;
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    await goto('/sign-in');
    throw new ApiError(401, 'signed out');
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data?.message ?? response.statusText, data?.fields ?? []);
  return { data: data as T, etag: response.headers.get('etag') };
}
