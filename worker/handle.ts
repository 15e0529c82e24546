// A handle: the stable name a configured object (user, team, schedule, policy, service,
// integration) goes by in the configuration document and in references between objects.
import { z } from 'zod';

export const handleSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'a handle is 1–64 letters, digits, . _ - and starts with a letter or digit',
  );
