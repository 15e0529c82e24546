import type { D1Migration } from 'cloudflare:test';
import type { Env as TocsinEnv } from '../env';

declare global {
  namespace Cloudflare {
    interface Env extends TocsinEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
