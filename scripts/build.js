// `npm run build` (also the last step of `npm install`): compiles src/ to dist/ so the `kiennghi`
// command starts without compiling TypeScript at run time. esbuild transpiles each file on its
// own (no type check: a type error elsewhere never stops the build; `npm run typecheck` is the
// check), keeps the folder layout, so paths relative to import.meta.url (prompts/, corpus/,
// fonts) still resolve, and rewrites relative `.ts` imports to `.js`. Files that are not
// TypeScript (assets, taxonomies, model weights) are linked beside the code that reads them:
// what is written through dist/ (`kiennghi train`'s model) lands in src/, where it is committed.
// Plain JavaScript on purpose: it runs before anything else is built.
import { mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
/** What bin/kiennghi.js compares the sources' modification times with. */
const STAMP = 'build.json';

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)));
}

/**
 * Prisma's package maps its runtime to the CommonJS build for Node, whose 230 kB Node then scans
 * for export names on every start (about 60 ms); the ES module build of the same runtime is
 * loaded instead (every importer of the runtime is a generated client, so there is one copy).
 */
const ESM_BUILDS = { '@prisma/client/runtime/client': '@prisma/client/runtime/client.mjs' };

/**
 * Prisma ships each query compiler as a 2.5 MB JavaScript module holding the WebAssembly in
 * base64, which Node parses on every start (about 50 ms). The build writes the bytes to a
 * file instead, beside a small module with the same export that reads them.
 */
const WASM_MODULE = /^@prisma\/client\/runtime\/query_compiler_bg\.(sqlite|postgresql)\.wasm-base64\.mjs$/;
const WASM_DIR = join('generated', 'wasm');

/**
 * Leaves every import as it is written (no bundling) but for relative `.ts` specifiers, which
 * become `.js` like tsc's rewriteRelativeImportExtensions does, ESM_BUILDS and WASM_MODULE.
 */
const keepImports = {
  name: 'keep-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const relativeTs = /^\.\.?\//.test(args.path) && /\.[cm]?ts$/.test(args.path) && !args.path.endsWith('.d.ts');
      if (relativeTs) return { path: args.path.replace(/ts$/, 'js'), external: true };
      const wasm = WASM_MODULE.exec(args.path);
      if (wasm) return { path: wasmLoaderFrom(args.importer, wasm[1]), external: true };
      return { path: ESM_BUILDS[args.path] ?? args.path, external: true };
    });
  },
};

/** The loader's path relative to the importing file (dist/ has the layout of src/). */
function wasmLoaderFrom(importer, provider) {
  const path = relative(dirname(importer), join(SRC, WASM_DIR, `query-compiler-${provider}.js`));
  return path.startsWith('.') ? path : `./${path}`;
}

/** Writes each query compiler's WebAssembly and its loader under `dir`. */
async function writeWasmLoaders(dir) {
  mkdirSync(join(dir, WASM_DIR), { recursive: true });
  for (const provider of ['sqlite', 'postgresql']) {
    const { wasm } = await import(`@prisma/client/runtime/query_compiler_bg.${provider}.wasm-base64.mjs`);
    writeFileSync(join(dir, WASM_DIR, `query-compiler-${provider}.wasm`), Buffer.from(wasm, 'base64'));
    writeFileSync(
      join(dir, WASM_DIR, `query-compiler-${provider}.js`),
      `import { readFileSync } from 'node:fs';\n` +
        `export const wasm = readFileSync(new URL('./query-compiler-${provider}.wasm', import.meta.url)).toString('base64');\n`,
    );
  }
}

async function main() {
  const started = Date.now();
  const files = filesUnder(SRC);
  const sources = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
  const assets = files.filter((file) => !file.endsWith('.ts'));
  // Built beside dist/ and swapped in at the end: a command started meanwhile sees the old
  // build or none (then bin/kiennghi.js runs the sources), never half of one.
  const next = `${DIST}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  await build({
    entryPoints: sources.map((file) => join(SRC, file)),
    outdir: next,
    outbase: SRC,
    bundle: true,
    plugins: [keepImports],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  for (const file of assets) {
    const target = join(next, file);
    mkdirSync(dirname(target), { recursive: true });
    // Relative, so the link holds once `next` becomes dist/ (same depth under the root).
    symlinkSync(relative(dirname(target), join(SRC, file)), target);
  }
  await writeWasmLoaders(next);
  const manifest = await writeCommandManifest(next);
  writeFileSync(join(next, STAMP), `${JSON.stringify({ startedAt: started, files: sources.length })}\n`);
  const old = `${DIST}.old-${process.pid}`;
  rmSync(old, { recursive: true, force: true });
  try {
    renameSync(DIST, old);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  renameSync(next, DIST);
  rmSync(old, { recursive: true, force: true });
  const took = Date.now() - started;
  console.log(`dist/: ${sources.length} modules, ${assets.length} files linked, ${manifest} in ${took} ms`);
}

/**
 * Writes dist/cli/commands.json, which lets the command line load only the modules of the
 * command it runs (src/cli/lazy.ts). Loading every module once here costs a few seconds.
 * Without it the command line still works, loading every module.
 */
async function writeCommandManifest(dir) {
  try {
    const { COMMAND_MODULES, createProgram } = await import(pathToFileURL(join(dir, 'cli', 'main.js')).href);
    const { buildCommandManifest } = await import(pathToFileURL(join(dir, 'cli', 'lazy.js')).href);
    const manifest = await buildCommandManifest(createProgram(), COMMAND_MODULES);
    writeFileSync(join(dir, 'cli', 'commands.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return 'command manifest written';
  } catch (error) {
    console.warn(`build: no command manifest (every command will load all command modules): ${error.message}`);
    return 'no command manifest';
  }
}

try {
  await main();
  // Loading the command modules may leave timers or handles behind.
  process.exit(0);
} catch (error) {
  console.error(`build: ${error.message}`);
  // An install is not refused for it: bin/kiennghi.js then runs the sources through tsx.
  if (process.env.npm_lifecycle_event === 'postinstall') {
    console.error('build: kiennghi will run the TypeScript sources through tsx until `npm run build` succeeds.');
    process.exit(0);
  }
  process.exit(1);
}
