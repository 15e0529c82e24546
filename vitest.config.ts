import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig(async () => {
  const migrations = await readD1Migrations('./migrations');
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, TOCSIN_ADMIN_TOKEN: 'test-admin-token' },
          // The console is its own Worker (web/); here a stand-in shows what reaches it.
          serviceBindings: { WEB: () => new Response('console', { headers: { 'content-type': 'text/html' } }) },
        },
      }),
    ],
    test: {
      include: ['worker/**/*.test.ts'],
      setupFiles: ['./worker/test/setup.ts'],
      reporters: ['default', './worker/test/summary-reporter.ts'],
    },
  };
});
