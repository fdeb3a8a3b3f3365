'use strict';
/**
 * The compiled app of scripts/synth.cjs as one file: tsc's main.js and everything it requires (cdk8s, cdk8s-plus-28,
 * the CEL ES module, ...) bundled by esbuild (which tsx brings), rebuilt only when one of its inputs changes.
 *
 * Why: a warm synth resolved, read and started ~400 modules one by one (resolving names and reading files alone about
 * 150 ms of a 1 s run, the CEL ES module through require(esm) another 40). The bundle is one file read once.
 *
 * - Same code: the bundle is made from tsc's output (so tsc stays the one compiler, and the type check stays in front);
 *   each module keeps its own `__dirname` and `__filename` (the compiled file's, as when it ran unbundled).
 * - Stack traces: the bundle's source map (bundle/main.js.map, linked, read only when a stack is formatted: see
 *   scripts/compile-cache.cjs mapStackTraces) takes frames of the app to its TypeScript sources through tsc's maps,
 *   and frames of node_modules to their JavaScript files there, as before.
 * - Stale never: bundle/inputs.json holds every input file and a stamp of their sizes and modification times (and of
 *   this file's): any change to a compiled module, a dependency or the bundler rebuilds it.
 *
 * Plain JavaScript on purpose: it runs before anything is built.
 */
const fs = require('node:fs');
const path = require('node:path');
const { loadEsbuild, stampOf, writeBundle } = require('./bundle-inputs.cjs');

const bundleDir = (cache) => path.join(cache, 'bundle');

/** The bundle in `cache` when it was built from the files as they are now, else undefined. */
function currentBundle(cache) {
  try {
    const { inputs, stamp } = JSON.parse(fs.readFileSync(path.join(bundleDir(cache), 'inputs.json'), 'utf8'));
    const bundle = path.join(bundleDir(cache), 'main.js');
    return stamp === stampOf([__filename, ...inputs]) && fs.existsSync(bundle) ? bundle : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Each module's own folder and file in place of `__dirname` and `__filename`, which a bundle would otherwise share;
 * the source map comments of node_modules dropped, so that their frames name the JavaScript files there (as unbundled)
 * and the bundle's map stays small (cdk8s and cdk8s-plus-28 carry megabytes of inline maps).
 */
function modulePaths(jsRoot) {
  return {
    name: 'module-paths',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?js$/ }, (args) => {
        let contents = fs.readFileSync(args.path, 'utf8');
        if (!args.path.startsWith(jsRoot + path.sep)) contents = contents.replace(/^\/\/# sourceMappingURL=.*$/gm, '');
        contents = contents.replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path)))
          .replace(/\b__filename\b/g, JSON.stringify(args.path));
        return { contents, loader: 'js' };
      });
    },
  };
}

/**
 * Bundles `compiledMain` (tsc's main.js in the cache) into bundle/main.js with its map (written as writeBundle of
 * scripts/bundle-inputs.cjs says: a reader never sees half a file or a stale stamp).
 */
async function buildBundle(cache, compiledMain) {
  const esbuild = loadEsbuild();
  const dir = bundleDir(cache);
  fs.mkdirSync(dir, { recursive: true });
  const bundle = path.join(dir, 'main.js');
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [compiledMain], bundle: true, platform: 'node', format: 'cjs', target: `node${process.versions.node.split('.')[0]}`,
      outfile: bundle, sourcemap: 'linked', sourcesContent: false, metafile: true, write: false, logLevel: 'silent',
      // Resolved at run time as unbundled: tsx only for a validation worker thread (lib/validation/validate-threads.ts).
      external: ['tsx', 'tsx/*'],
      plugins: [modulePaths(path.dirname(compiledMain))],
    });
  } finally {
    esbuild.stop?.();
  }
  writeBundle(result, bundle, dir, [__filename]);
  return bundle;
}

module.exports = { buildBundle, currentBundle };
