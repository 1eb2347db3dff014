#!/usr/bin/env node
// The `kiennghi` command. Runs the compiled JavaScript in dist/ (built by `npm install`, or by
// `npm run build`) while no file under src/ is newer than that build; otherwise the TypeScript
// sources through tsx, so an edited checkout runs what it holds, only slower to start.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Whether anything under `dir` (a file or folder added, edited or renamed) is newer than `since`. */
function changedSince(dir, since) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if ((statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) > since) return true;
    if (entry.isDirectory() && changedSince(path, since)) return true;
  }
  return false;
}

/** Whether dist/ was built after the last change under src/. */
function builtFresh() {
  let builtAt;
  try {
    builtAt = JSON.parse(readFileSync(join(root, 'dist', 'build.json'), 'utf8')).startedAt;
  } catch {
    return false;
  }
  const src = join(root, 'src');
  return statSync(src).mtimeMs <= builtAt && !changedSince(src, builtAt);
}

let main;
if (builtFresh()) {
  main = await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import('../src/cli/main.ts');
}
await main.run(process.argv);
