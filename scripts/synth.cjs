'use strict';
/**
 * `npm run synth` and the cdk8s.yaml app command: type-checks the app, then runs it compiled.
 *
 *   node scripts/synth.cjs
 *
 * 1. Fingerprints what the compiled app is made of (tsconfig.build.json's sources and configs, the lockfile).
 *    When their sizes, modification times and inodes are those of the last run, the contents are not read again.
 * 2. When the fingerprint differs from the last successful build's, runs tsc (incremental, tsbuildinfo in the
 *    cache): on a type error it prints tsc's message and exits 1 before anything is synthesized, so dist/ is
 *    left untouched. When nothing changed, tsc is not run at all.
 * 3. Bundles the compiled app with its dependencies into one file when that is stale (scripts/synth-bundle.cjs), and runs
 *    it as the main module (no tsx, no transpiling at run time), with a V8 code cache and source-mapped stack traces
 *    (scripts/compile-cache.cjs). Without esbuild, the compiled main.js runs instead, its modules loaded one by one.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled. The cache is
 * node_modules/.cache/synth (`$SYNTH_CACHE_DIR` overrides it, for tests).
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const v8 = require('node:v8');
const { withLock } = require('./bundle-inputs.cjs');
const { enableCodeCache, mapStackTraces } = require('./compile-cache.cjs');
const { buildBundle, currentBundle } = require('./synth-bundle.cjs');

/**
 * V8's optimizing compiler tuned for a run of about a second, as scripts/validate.cjs does (see there): it inlines less
 * and optimizes a function only after about 3x as much run in the interpreter. Set before the app is compiled, so that
 * the code cache, whose data V8 ties to the flags, is made and used with the same ones.
 */
const V8_FLAGS = ['--max-inlined-bytecode-size-cumulative=300', '--interrupt-budget=400000'];

const ROOT = path.resolve(__dirname, '..');
const BUILD_CONFIG = path.join(ROOT, 'tsconfig.build.json');
const FINGERPRINT_INPUTS = ['main.ts', 'lib', 'charts', 'imports', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function cacheDir(env = process.env) {
  return env.SYNTH_CACHE_DIR ? path.resolve(env.SYNTH_CACHE_DIR) : path.join(ROOT, 'node_modules', '.cache', 'synth');
}

/** Every input file below `entry` (a file or folder of ROOT), as paths relative to ROOT, sorted. */
function inputFiles(entry) {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs.readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
    .sort();
}

/** A hash of the names and contents of everything the build reads from the project (about 5 MB: ~20 ms). */
function fingerprint(files = FINGERPRINT_INPUTS.flatMap(inputFiles)) {
  const hash = crypto.createHash('sha256');
  for (const file of files) {
    hash.update(file).update('\0').update(fs.readFileSync(path.join(ROOT, file))).update('\0');
  }
  return hash.digest('hex');
}

/**
 * A hash of the names, sizes, modification times and inodes of the same files: any edit changes it, so when it equals
 * the last run's, the contents are the ones fingerprinted then and need not be read again (they are when it differs).
 */
function statFingerprint(files) {
  const hash = crypto.createHash('sha256');
  for (const file of files) {
    const stat = fs.statSync(path.join(ROOT, file), { bigint: true });
    hash.update(`${file}\0${stat.size}\0${stat.mtimeNs}\0${stat.ino}\0`);
  }
  return hash.digest('hex');
}

/**
 * Makes sure the compiled app in the cache matches the sources and type-checks; returns the compiled main.js.
 * Throws an Error carrying tsc's output when the app does not type-check.
 */
function ensureBuild(env = process.env) {
  const cache = cacheDir(env);
  fs.mkdirSync(cache, { recursive: true });
  return withLock(path.join(cache, 'lock'), () => buildIfChanged(cache), LOCK_STALE_MS);
}

/**
 * How old a lock folder of the cache must be to be a dead run's (withLock of scripts/bundle-inputs.cjs): concurrent
 * synths (jest workers, a CLI run beside `npm run synth`) never run tsc or esbuild into the same cache at once, and a
 * cold build takes minutes on a loaded machine.
 */
const LOCK_STALE_MS = 10 * 60 * 1000;

function buildIfChanged(cache) {
  const stampFile = path.join(cache, 'fingerprint');
  const statStampFile = path.join(cache, 'fingerprint-stat');
  const compiledMain = path.join(cache, 'js', 'main.js');
  const files = FINGERPRINT_INPUTS.flatMap(inputFiles);
  const previous = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : '';
  const stats = statFingerprint(files);
  const previousStats = fs.existsSync(statStampFile) ? fs.readFileSync(statStampFile, 'utf8') : '';
  // The stat stamp names the content fingerprint it was taken with: only that build is known current.
  if (previous !== '' && previousStats === `${stats} ${previous}` && fs.existsSync(compiledMain)) return compiledMain;
  const current = fingerprint(files);
  if (current === previous && fs.existsSync(compiledMain)) {
    fs.writeFileSync(statStampFile, `${stats} ${current}`);
    return compiledMain;
  }

  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  const result = spawnSync(process.execPath, [tsc, '-p', BUILD_CONFIG,
    '--outDir', path.join(cache, 'js'), '--tsBuildInfoFile', path.join(cache, 'tsbuildinfo')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${(result.stdout + result.stderr).trim()}\nThe app does not type-check (tsc -p tsconfig.build.json).`);
  }
  fs.writeFileSync(stampFile, current);
  fs.writeFileSync(statStampFile, `${stats} ${current}`);
  return compiledMain;
}

/**
 * The entry to run, the build brought up to date first (ensureBuild): the app bundled into one file (scripts/synth-bundle.cjs),
 * built when it is stale, or tsc's main.js when the bundle cannot be built (no esbuild). Synchronous when the bundle is current.
 */
function ensureEntry(env = process.env) {
  const cache = cacheDir(env);
  const lock = path.join(cache, 'lock');
  fs.mkdirSync(cache, { recursive: true });
  const bundle = withLock(lock, () => {
    buildIfChanged(cache);
    return currentBundle(cache);
  }, LOCK_STALE_MS);
  if (bundle !== undefined) return bundle;
  return withLock(lock, async () => {
    // Checked again under this lock: the sources may have changed (a type error fails the synth here too), and a
    // concurrent synth may have built the bundle in between.
    const current = buildIfChanged(cache);
    try {
      return currentBundle(cache) ?? await buildBundle(cache, current);
    } catch (error) {
      if (![undefined, '', '0'].includes(process.env.DEBUG)) console.error(`synth: running the compiled modules unbundled: ${error.stack}`);
      return current; // the compiled modules one by one: slower, same behaviour
    }
  }, LOCK_STALE_MS);
}

function run(entry) {
  process.argv[1] = entry;
  // The compiled code from a previous run, instead of compiling 4-7 MB of JavaScript again; stack traces of user code
  // (a throwing chart) name the TypeScript sources, not the compiled cache (scripts/compile-cache.cjs).
  enableCodeCache(path.join(cacheDir(), 'code'));
  mapStackTraces(path.dirname(entry));
  Module.runMain(entry);
}

function failed(error) {
  const outdir = process.env.RENDER_OUTDIR ?? 'dist';
  console.error(`Synthesis failed; ${outdir}/ was left unchanged.\n${error.message}`);
  process.exitCode = 1;
}

function main() {
  for (const flag of V8_FLAGS) v8.setFlagsFromString(flag);
  let entry;
  try {
    entry = ensureEntry();
  } catch (error) {
    failed(error);
    return;
  }
  // A bundle just built: run it as a fresh macrotask, so that an exception of the app is reported as when it runs at once.
  if (entry instanceof Promise) entry.then((built) => setImmediate(run, built), failed);
  else run(entry);
}

module.exports = { cacheDir, ensureBuild, ensureEntry, fingerprint };

if (require.main === module) main();
