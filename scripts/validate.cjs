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
 * Plain JavaScript on purpose: it runs before anything is built.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const ENTRY = path.join(ROOT, 'scripts', 'validate.ts');

function cacheDir(env = process.env) {
  return env.VALIDATE_CACHE_DIR ? path.resolve(env.VALIDATE_CACHE_DIR) : path.join(ROOT, 'node_modules', '.cache', 'validate');
}

/** A stamp of the bundle's inputs (path, size, modification time) and of this file: any edit changes it. */
function stampOf(inputs) {
  const hash = crypto.createHash('sha256');
  for (const file of [__filename, ...inputs]) {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    hash.update(`${file}\0${stat ? `${stat.size}\0${stat.mtimeMs}` : 'missing'}\0`);
  }
  return hash.digest('hex');
}

function currentBundle(cache) {
  try {
    const { inputs, stamp } = JSON.parse(fs.readFileSync(path.join(cache, 'inputs.json'), 'utf8'));
    const bundle = path.join(cache, 'validate.js');
    return stamp === stampOf(inputs) && fs.existsSync(bundle) ? bundle : undefined;
  } catch {
    return undefined;
  }
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

/** Builds the bundle into the cache (written under a temporary name, then renamed: concurrent runs never see half). */
async function buildBundle(cache) {
  const esbuild = loadEsbuild();
  fs.mkdirSync(cache, { recursive: true });
  const temporary = path.join(cache, `validate.${process.pid}.js`);
  const result = await esbuild.build({
    entryPoints: [ENTRY], bundle: true, platform: 'node', format: 'cjs', target: `node${process.versions.node.split('.')[0]}`,
    outfile: temporary, sourcemap: 'inline', metafile: true, logLevel: 'silent', plugins: [keepDirname],
  });
  esbuild.stop?.();
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(input)).sort();
  fs.renameSync(temporary, path.join(cache, 'validate.js'));
  const stamp = path.join(cache, `inputs.${process.pid}.json`);
  fs.writeFileSync(stamp, JSON.stringify({ inputs, stamp: stampOf(inputs) }));
  fs.renameSync(stamp, path.join(cache, 'inputs.json'));
  return path.join(cache, 'validate.js');
}

async function main() {
  const cache = cacheDir();
  let bundle = currentBundle(cache);
  if (bundle === undefined) {
    try {
      bundle = await buildBundle(cache);
    } catch {
      bundle = undefined; // the sources through tsx instead: slower, same behaviour
    }
  }
  const debug = process.env.DEBUG !== undefined && process.env.DEBUG !== '' && process.env.DEBUG !== '0';
  // DEBUG=1 stacks name the TypeScript sources; without it no stack is printed, so the map is not read.
  if (debug) process.setSourceMapsEnabled(true);
  if (bundle === undefined) {
    require('tsx/cjs');
    bundle = ENTRY;
  }
  process.argv[1] = bundle;
  require(bundle);
}

module.exports = { cacheDir, currentBundle, buildBundle };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`validate: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  });
}
