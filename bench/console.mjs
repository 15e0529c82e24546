// The console's first-load JavaScript: builds web/, then for each page sums what a first visit fetches —
// SvelteKit's start and app entries, the root layout and the page's node, and every chunk they import
// statically — each file gzip-compressed (level 9) on its own, as it travels. Target: ≤ 150 KB a page.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const WEB = 'web';
const CLIENT = join(WEB, '.svelte-kit/output/client');
const GENERATED = '.svelte-kit/generated/client-optimized';
/** KB here is 1,000 bytes: the stricter reading of the target. */
const TARGET_KB = 150;

/** Each page's route id and the nodes it loads: the root layout, its own layouts, its leaf. */
function pagesOf(app) {
  // app.js declares `dictionary = { "/incidents": [leaf, layouts?, errors?], … }`; a negative node has a server load.
  const dictionary = JSON.parse(/dictionary = (\{[^}]*\})/.exec(app)[1]);
  const node = (n) => (n < 0 ? ~n : n);
  return Object.entries(dictionary).map(([route, [leaf, layouts = []]]) => ({
    route,
    nodes: [0, ...layouts, leaf].map(node),
  }));
}

/** Every file `keys` need before they run: each one and its static imports, transitively. */
function closure(manifest, keys) {
  const files = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  keys.forEach(visit);
  return files;
}

export async function consoleBench() {
  console.log('\nConsole first load, JavaScript gzip -9 per file (vite build of web/)\n');
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: WEB, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the console did not build');
  const manifest = JSON.parse(readFileSync(join(CLIENT, '.vite/manifest.json'), 'utf8'));
  const entries = Object.keys(manifest).filter(
    (key) => key.endsWith('kit/src/runtime/client/entry.js') || key === `${GENERATED}/app.js`,
  );
  if (entries.length !== 2) throw new Error(`expected SvelteKit's start and app entries, found ${entries.join(', ')}`);
  const gzipped = new Map();
  const size = (file) => {
    if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(join(CLIENT, file)), { level: 9 }).length);
    return gzipped.get(file);
  };
  const pages = pagesOf(readFileSync(join(WEB, GENERATED, 'app.js'), 'utf8')).map(({ route, nodes }) => {
    const files = closure(manifest, [...entries, ...nodes.map((n) => `${GENERATED}/nodes/${n}.js`)]);
    return { route, kb: [...files].reduce((sum, file) => sum + size(file), 0) / 1000 };
  });
  pages.sort((a, b) => a.kb - b.kb);
  for (const { route, kb } of pages) {
    const verdict = kb <= TARGET_KB ? 'met' : 'NOT met';
    console.log(`console ${route.padEnd(26)} ${kb.toFixed(1).padStart(6)} KB gz (target ≤ ${TARGET_KB} KB) ${verdict}`);
  }
  return pages;
}
