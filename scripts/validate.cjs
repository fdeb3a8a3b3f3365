'use strict';
/**
 * `npm run validate`: runs scripts/validate.ts (see there for arguments and exit codes) bundled into one JavaScript
 * file, rebuilt only when one of its inputs changes.
 *
 *   node scripts/validate.cjs [--format json|text] [--server envtest|kubeconfig[=<context>]] <dir|file...>
 *
 * Why: through tsx every run transpiles about 150 modules and loads them one by one through tsx's loader, which cost
 * more than reading a small render. The bundle (esbuild, which tsx brings) loads as one file. Like tsx, it does not
 * type-check (`npm test` does); each module's `__dirname` is kept, so paths relative to the sources still hold.
 * The cache is node_modules/.cache/validate (`$VALIDATE_CACHE_DIR` overrides it, for tests). When the bundle cannot
 * be built (no esbuild), the sources run through tsx as before.
 *
 * Start-up: the bundle is compiled with a V8 code cache (scripts/compile-cache.cjs, in the cache's code/ folder), and
 * its source map is a file beside it (validate.js.map), read only with DEBUG=1, when stacks are printed; inline, its
 * 1.2 MB were read and scanned by every run and worker. A worker thread of lib/validation/validate-threads.ts runs
 * this file too: it loads the bundle the main thread checked, with the same code cache. The workers a run will want
 * are started here, before the main thread loads the bundle, as waiting workers (see validate-threads.ts), so that
 * their start-up overlaps the main thread's: loading the bundle, then listing the files (0.2-0.3 s of a 20,000-file
 * run, in which a worker started only then would not be ready). scripts/validate.ts hands them on.
 *
 * Plain JavaScript on purpose: it runs before anything is built.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const v8 = require('node:v8');
const { isMainThread, Worker } = require('node:worker_threads');
const { keepDirname, loadEsbuild, stampOf, writeBundle } = require('./bundle-inputs.cjs');
const { enableCodeCache } = require('./compile-cache.cjs');

/**
 * V8's optimizing compiler tuned for a run of a few seconds: it inlines less per function (300 bytes of bytecode in all
 * instead of 920) and optimizes a function after about 3x as much run in the interpreter. Its helper threads spent
 * about a third of the CPU time of a 20,000-object run compiling (perf), and on 2 cores they take the second core from
 * a worker; with these, the run took 1-1.5 s less CPU time in all (1 and 2 threads). Process-wide: workers share them.
 */
const V8_FLAGS = ['--max-inlined-bytecode-size-cumulative=300', '--interrupt-budget=400000'];

const ROOT = path.resolve(__dirname, '..');
const ENTRY = path.join(ROOT, 'scripts', 'validate.ts');

function cacheDir(env = process.env) {
  return env.VALIDATE_CACHE_DIR ? path.resolve(env.VALIDATE_CACHE_DIR) : path.join(ROOT, 'node_modules', '.cache', 'validate');
}

function currentBundle(cache) {
  try {
    const { inputs, stamp } = JSON.parse(fs.readFileSync(path.join(cache, 'inputs.json'), 'utf8'));
    const bundle = path.join(cache, 'validate.js');
    return stamp === stampOf([__filename, ...inputs]) && fs.existsSync(bundle) ? bundle : undefined;
  } catch {
    return undefined;
  }
}

/** Builds the bundle and its source map into the cache (written as writeBundle of scripts/bundle-inputs.cjs says). */
async function buildBundle(cache) {
  const esbuild = loadEsbuild();
  fs.mkdirSync(cache, { recursive: true });
  const bundle = path.join(cache, 'validate.js');
  const result = await esbuild.build({
    entryPoints: [ENTRY], bundle: true, platform: 'node', format: 'cjs', target: `node${process.versions.node.split('.')[0]}`,
    outfile: bundle, sourcemap: 'linked', metafile: true, write: false, logLevel: 'silent', plugins: [keepDirname],
  });
  esbuild.stop?.();
  writeBundle(result, bundle, cache, [__filename]);
  return bundle;
}

/**
 * The workers a run on these arguments will want, started now and waiting for their input: one per thread beyond this
 * one, as `$VALIDATE_THREADS` says or else as idleThreads() of lib/validation/validate-threads.ts computes (the same
 * formula); none for --server (no threads) or VALIDATE_THREADS=1. A worker the run does not use (a small input) is
 * terminated by it; after a usage error the process exits without waiting for one (they are unref'ed).
 */
function startWaitingWorkers(argv = process.argv.slice(2), env = process.env) {
  if (argv.some((arg) => arg === '--server' || arg.startsWith('--server='))) return [];
  const given = Number(env.VALIDATE_THREADS);
  const cores = os.availableParallelism();
  const threads = Number.isInteger(given) && given >= 1 ? given : Math.max(1, Math.min(cores, 1 + Math.floor(cores - os.loadavg()[0])));
  return Array.from({ length: threads - 1 }, () => {
    const worker = new Worker(__filename, { workerData: { 'lib/validation/validate-threads': true, waiting: true } });
    worker.unref();
    // Heard before validate-threads.ts listens (or when the run ends early): a worker that failed before it took a
    // target changes no result, and one that held a target is reported there. Unheard, the error would end the process.
    worker.on('error', () => undefined);
    return worker;
  });
}

/** Waiting workers this run started (scripts/validate.ts passes them to lib/validation/validate-threads.ts). */
const waitingWorkers = [];

async function main() {
  if (isMainThread) for (const flag of V8_FLAGS) v8.setFlagsFromString(flag);
  const cache = cacheDir();
  let bundle;
  if (isMainThread) {
    bundle = currentBundle(cache);
    if (bundle === undefined) {
      try {
        bundle = await buildBundle(cache);
      } catch {
        bundle = undefined; // the sources through tsx instead: slower, same behaviour
      }
    }
  } else {
    // A validation worker: the bundle the main thread checked (or built) just before starting it.
    bundle = path.join(cache, 'validate.js');
    if (!fs.existsSync(bundle)) bundle = undefined;
  }
  const debug = process.env.DEBUG !== undefined && process.env.DEBUG !== '' && process.env.DEBUG !== '0';
  if (bundle === undefined) {
    if (debug) process.setSourceMapsEnabled(true);
    require('tsx/cjs');
    bundle = ENTRY;
  } else if (debug) {
    // DEBUG=1 stacks name the TypeScript sources (node reads validate.js.map); without it no stack is printed.
    process.setSourceMapsEnabled(true);
  } else {
    enableCodeCache(path.join(cache, 'code'));
  }
  // Only for a bundle: a worker loads the bundle file the main thread checked or built (above), not the sources.
  if (isMainThread && bundle !== ENTRY) waitingWorkers.push(...startWaitingWorkers());
  process.argv[1] = bundle;
  require(bundle);
}

module.exports = { cacheDir, currentBundle, buildBundle, startWaitingWorkers, waitingWorkers };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`validate: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  });
}
