// The config handle, in a module that imports nothing of ours: api/config/document.ts imports the
// policy and contact schemas, so they cannot take handleSchema from it without an import cycle.
// It belongs in a leaf under api/config/ that document.ts re-exports; until then the two must match.
import { z } from 'zod';

export const handleSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a handle is 1–64 letters, digits, . _ - and starts with a letter or digit');
