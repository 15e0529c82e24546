// The layering rules, checked on the import graph of worker/: no circle of imports, and nothing but
// the entry point imports the API layer (the domain does not know how it is served).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const worker = join(root, 'worker');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : [];
  });
}

const graph = new Map();
for (const file of files(worker)) {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)]
    // A type-only import leaves nothing behind at run time, but a circle of types is still a circle of ideas.
    .map((m) => resolve(dirname(file), m[1]))
    .map((target) => (target.endsWith('.ts') ? target : `${target}.ts`));
  graph.set(
    file,
    targets.filter((t) => t.startsWith(worker) && !t.endsWith('.test.ts')),
  );
}

const problems = [];
const name = (file) => relative(root, file);
const entry = join(worker, 'index.ts');
const api = join(worker, 'api') + '/';
for (const [file, targets] of graph) {
  if (file === entry || file.startsWith(api)) continue;
  for (const target of targets) if (target.startsWith(api)) problems.push(`${name(file)} imports ${name(target)}`);
}

// Tarjan's strongly connected components: any component of two or more files is a circle.
let index = 0;
const stack = [];
const state = new Map();
function visit(file) {
  const node = { index, low: index, onStack: true };
  index += 1;
  state.set(file, node);
  stack.push(file);
  for (const target of graph.get(file) ?? []) {
    if (!graph.has(target)) continue;
    const seen = state.get(target);
    if (!seen) node.low = Math.min(node.low, visit(target));
    else if (seen.onStack) node.low = Math.min(node.low, seen.index);
  }
  if (node.low === node.index) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      state.get(member).onStack = false;
      component.push(member);
    } while (member !== file);
    if (component.length > 1) problems.push(`a circle of imports: ${component.map(name).sort().join(', ')}`);
  }
  return node.low;
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length > 0) {
  console.error(`import rules broken:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
