// `npm run api:types`: the console's copy of the API's OpenAPI document (web/src/lib/openapi.json)
// and the types generated from it (web/src/lib/api-schema.d.ts), which the console's own types are
// checked against (web/src/lib/api-contract.ts, by svelte-check in `npm test`). A workerd test fails
// when the copy differs from what the API serves: run this after changing a route.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { withTocsin } from '../bench/local.mjs';

const DOCUMENT = 'web/src/lib/openapi.json';
const TYPES = 'web/src/lib/api-schema.d.ts';

await withTocsin(async (tocsin) => {
  const document = await (await fetch(`${tocsin.origin}/api/v1/openapi.json`)).json();
  writeFileSync(DOCUMENT, `${JSON.stringify(document, null, 2)}\n`);
});
const generated = spawnSync('npx', ['openapi-typescript', DOCUMENT, '-o', TYPES], { stdio: 'inherit' });
process.exit(generated.status ?? 1);
