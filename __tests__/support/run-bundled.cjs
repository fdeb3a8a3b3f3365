'use strict';
/**
 * Runs a TypeScript entry of the tests (a fixture app) as its own process, as `node --import tsx <entry>` does, but
 * bundled into one JavaScript file (esbuild, which tsx brings) and compiled from a V8 code cache:
 *
 *   node __tests__/support/run-bundled.cjs <entry.ts> [args...]
 *
 * Why: through tsx every start transpiles and loads some 230 modules one by one, about 1 s of CPU for the small fault
 * app, and the fault suites start some 40 such processes; bundled and cached, a start costs about a third of that.
 * As with tsx, the entry is the main module and `process.argv[1]` (a lock names the same command); nothing is
 * type-checked (`npm test` runs tsc); each module's `__dirname` is kept; stack traces name the TypeScript sources
 * (scripts/compile-cache.cjs maps them, as for `npm run synth`).
 *
 * The bundle is rebuilt when one of its inputs changes (their sizes and modification times are stamped), under a lock,
 * so that processes started together build it once. When it cannot be built, the entry runs through tsx instead.
 * Cache: node_modules/.cache/test-bundles. Plain JavaScript on purpose: it runs before anything is compiled.
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { keepDirname, loadEsbuild, stampOf, withLock } = require('../../scripts/bundle-inputs.cjs');
const { enableCodeCache, mapStackTraces } = require('../../scripts/compile-cache.cjs');

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'test-bundles');

function cachePaths(entry) {
  const name = path.relative(ROOT, entry).replace(/\.ts$/, '').replace(/[^\w.-]+/g, '-');
  const bundle = path.join(CACHE, `${name}.js`);
  return { bundle, stamp: `${bundle}.inputs.json`, lock: `${bundle}.lock`, code: `${bundle}.code` };
}

function isCurrent(paths) {
  try {
    const { inputs, stamp } = JSON.parse(fs.readFileSync(paths.stamp, 'utf8'));
    return stamp === stampOf([__filename, ...inputs]) && fs.existsSync(paths.bundle) && fs.existsSync(`${paths.bundle}.map`);
  } catch {
    return false;
  }
}

/** How old a lock folder must be to be a dead build's (withLock of scripts/bundle-inputs.cjs): a build takes seconds. */
const LOCK_STALE_MS = 120_000;

/** Builds the bundle and its source map under temporary names, then renames them, the stamp last. */
async function build(entry, paths) {
  const esbuild = loadEsbuild();
  const temporary = path.join(CACHE, `build-${process.pid}.js`);
  const result = await esbuild.build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: `node${process.versions.node.split('.')[0]}`,
    outfile: temporary, sourcemap: 'external', sourcesContent: false, metafile: true, logLevel: 'silent',
    external: ['tsx', 'tsx/*'], plugins: [keepDirname],
  });
  esbuild.stop?.();
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(ROOT, input)).sort();
  fs.renameSync(`${temporary}.map`, `${paths.bundle}.map`);
  fs.renameSync(temporary, paths.bundle);
  fs.writeFileSync(`${paths.stamp}.${process.pid}`, JSON.stringify({ inputs, stamp: stampOf([__filename, ...inputs]) }));
  fs.renameSync(`${paths.stamp}.${process.pid}`, paths.stamp);
}

/** The current bundle of `entry`, built when missing or stale; undefined when it cannot be built. */
async function bundleOf(entry) {
  const paths = cachePaths(entry);
  if (isCurrent(paths)) return paths;
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    await withLock(paths.lock, async () => {
      if (!isCurrent(paths)) await build(entry, paths);
    }, LOCK_STALE_MS);
    return paths;
  } catch {
    return undefined;
  }
}

async function main() {
  const entry = path.resolve(process.argv[2]);
  const paths = await bundleOf(entry);
  // As under tsx: argv[1] is the entry's full path (what a lock file records as the command), its arguments follow.
  process.argv.splice(1, 2, entry);
  if (paths === undefined) {
    require('tsx/cjs');
    Module.runMain(entry);
    return;
  }
  enableCodeCache(paths.code);
  mapStackTraces(CACHE);
  Module.runMain(paths.bundle);
}

module.exports = { bundleOf };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`run-bundled: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 3;
  });
}
