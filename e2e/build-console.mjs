// Builds the console once before the browser tests (vitest's globalSetup of the clients project):
// test files run side by side, and builds of their own would write over each other's output.
import { spawnSync } from 'node:child_process';

export default function setup() {
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: 'web', stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the console did not build');
}
