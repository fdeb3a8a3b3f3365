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
 * 3. Runs the compiled main.js as the main module (no tsx, no transpiling at run time), with a V8 code cache of every
 *    module it loads and source-mapped stack traces (scripts/compile-cache.cjs).
 *
 * Plain JavaScript on purpose: it runs before anything is compiled. The cache is
 * node_modules/.cache/synth (`$SYNTH_CACHE_DIR` overrides it, for tests).
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { enableCodeCache, mapStackTraces } = require('./compile-cache.cjs');

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
  return withLock(path.join(cache, 'lock'), () => buildIfChanged(cache));
}

/**
 * Runs `fn` holding a lock folder, so that concurrent synths (jest workers, a CLI run beside `npm run synth`) never
 * run tsc into the same cache at once or read a half-written build. A lock older than ten minutes is a dead run's.
 */
function withLock(lock, fn) {
  const waitUntil = Date.now() + 15 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 10 * 60 * 1000) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > waitUntil) throw new Error(`${lock} is held by another synth; remove it if no synth is running`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

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

function main() {
  let compiledMain;
  try {
    compiledMain = ensureBuild();
  } catch (error) {
    const outdir = process.env.RENDER_OUTDIR ?? 'dist';
    console.error(`Synthesis failed; ${outdir}/ was left unchanged.\n${error.message}`);
    process.exitCode = 1;
    return;
  }
  process.argv[1] = compiledMain;
  // The compiled code of every module from a previous run, instead of compiling 7 MB of JavaScript again; stack traces
  // of user code (a throwing chart) name the TypeScript sources, not the compiled cache (scripts/compile-cache.cjs).
  enableCodeCache(path.join(cacheDir(), 'code'));
  mapStackTraces(path.dirname(compiledMain));
  Module.runMain(compiledMain);
}

module.exports = { cacheDir, ensureBuild, fingerprint };

if (require.main === module) main();
