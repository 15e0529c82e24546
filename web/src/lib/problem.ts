// What went wrong, in the API's words: its message and each field it names.
import { ApiError } from './api';

export function problemOf(error: unknown): string {
  if (!(error instanceof ApiError)) return String(error);
  const fields = error.fields.map((f) => `${f.field}: ${f.message}`);
  return [error.message, ...fields].join(' — ');
}
