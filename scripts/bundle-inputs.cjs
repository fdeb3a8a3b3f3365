'use strict';
/**
 * What the esbuild bundles share (scripts/validate.cjs for `npm run validate`, scripts/synth-bundle.cjs for
 * `npm run synth`, and __tests__/support/run-bundled.cjs for the tests' fixture processes): esbuild as tsx brings it,
 * the plugin that keeps each module's `__dirname`, the stamp that tells a bundle is stale, writing a bundle, and the
 * lock around building one.
 *
 * Plain JavaScript on purpose: it runs before anything is built.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/**
 * A stamp of files (path, size, modification time): any edit of one changes it. Callers pass their own file and this
 * one with the bundle's inputs, so that a changed launcher rebuilds its bundle too.
 */
function stampOf(files) {
  const hash = crypto.createHash('sha256');
  for (const file of [__filename, ...files]) {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    hash.update(`${file}\0${stat ? `${stat.size}\0${stat.mtimeMs}` : 'missing'}\0`);
  }
  return hash.digest('hex');
}

/** esbuild as tsx resolves it (tsx depends on it), so that no dependency is added for it. */
function loadEsbuild() {
  const tsx = path.dirname(require.resolve('tsx/package.json', { paths: [ROOT] }));
  return require(require.resolve('esbuild', { paths: [tsx] }));
}

/** Writes each module's own folder in place of `__dirname`, which a bundle would otherwise share. */
const keepDirname = {
  name: 'keep-dirname',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      return { contents: source.replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path))), loader: 'ts' };
    });
  },
};

/**
 * Writes an esbuild result (built with `write: false` and a metafile) as `bundle` and its source map, then the stamp
 * `inputs.json` in `dir` over `stampedFiles` and every input of the build. Each file is written under a temporary name
 * and renamed, the map first and the stamp last: a concurrent reader never sees half a file, a bundle without its map,
 * or a stamp ahead of its bundle.
 */
function writeBundle(result, bundle, dir, stampedFiles) {
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(input)).sort();
  for (const file of [...result.outputFiles].sort((a, b) => Number(a.path === bundle) - Number(b.path === bundle))) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, file.contents);
    fs.renameSync(temporary, file.path);
  }
  const stamp = path.join(dir, `inputs.${process.pid}.json`);
  fs.writeFileSync(stamp, JSON.stringify({ inputs, stamp: stampOf([...stampedFiles, ...inputs]) }));
  fs.renameSync(stamp, path.join(dir, 'inputs.json'));
}

/**
 * Runs `fn` holding the lock folder `lock`, so that concurrent processes (jest workers, a CLI run beside `npm run synth`)
 * never build into the same cache at once or read a half-written build. A lock older than `staleMs` is a dead run's
 * and is taken over; one still held after waiting `staleMs` and five minutes more is reported. `fn` may be async: the
 * lock is held until its promise settles. The wait blocks this thread: the holder is always another process.
 */
function withLock(lock, fn, staleMs) {
  acquireLock(lock, staleMs);
  let result;
  try {
    result = fn();
  } catch (error) {
    releaseLock(lock);
    throw error;
  }
  if (!(result instanceof Promise)) {
    releaseLock(lock);
    return result;
  }
  return result.finally(() => releaseLock(lock));
}

function acquireLock(lock, staleMs) {
  const waitUntil = Date.now() + staleMs + 5 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > staleMs) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > waitUntil) throw new Error(`${lock} is held by another run; remove it if none is running`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

function releaseLock(lock) {
  fs.rmSync(lock, { recursive: true, force: true });
}

module.exports = { keepDirname, loadEsbuild, stampOf, withLock, writeBundle };
