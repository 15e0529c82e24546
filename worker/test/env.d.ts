import type { D1Migration } from 'cloudflare:test';

type TocsinEnv = Env;

declare global {
  namespace Cloudflare {
    interface Env extends TocsinEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
