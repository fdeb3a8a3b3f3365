'use strict';
/**
 * What the esbuild bundles of TypeScript entries share (scripts/validate.cjs for `npm run validate`, and
 * __tests__/support/run-bundled.cjs for the tests' fixture processes): esbuild as tsx brings it, the plugin that keeps
 * each module's `__dirname`, and the stamp that tells a bundle is stale.
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

module.exports = { keepDirname, loadEsbuild, stampOf };
