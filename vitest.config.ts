import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig(async () => {
  const migrations = await readD1Migrations('./migrations');
  return {
    test: {
      reporters: ['default', './worker/test/summary-reporter.ts'],
      projects: [
        {
          // The Worker, its objects, D1 and queues, in workerd.
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  TOCSIN_ADMIN_TOKEN: 'test-admin-token',
                  TOCSIN_ADMIN_PASSWORD: 'test-admin-password',
                  // The secrets inbound webhooks are verified with; no provider credentials, so pages go to the log.
                  PUBLIC_URL: 'https://tocsin.test',
                  TOCSIN_SIGNING_KEY: 'test-signing-key',
                  SLACK_SIGNING_SECRET: 'test-slack-secret',
                  TWILIO_AUTH_TOKEN: 'test-twilio-token',
                  TELEGRAM_WEBHOOK_SECRET: 'test-telegram-secret',
                  // SNS certificates and subscription URLs come from a fake here, not Amazon's hosts.
                  SNS_CERTIFICATE_BASE_URL: 'https://sns.fake/',
                  EMAIL_DOMAIN: 'tocsin.test',
                },
                // The console is its own Worker (web/); here a stand-in shows what reaches it.
                serviceBindings: { WEB: () => new Response('console', { headers: { 'content-type': 'text/html' } }) },
              },
            }),
          ],
          test: { name: 'worker', include: ['worker/**/*.test.ts'], setupFiles: ['./worker/test/setup.ts'] },
        },
        {
          // Real clients (Debian's packages) against a local `wrangler dev`.
          test: {
            name: 'clients',
            include: ['e2e/**/*.test.mjs'],
            environment: 'node',
            testTimeout: 120_000,
            globalSetup: ['./e2e/build-console.mjs'],
          },
        },
      ],
    },
  };
});
