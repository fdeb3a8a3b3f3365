import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A TypeScript entry (a script or a test fixture program) bundled into one CommonJS file, for tests that run it as a
 * process many times: `node <bundle>` starts in about a fifth of the CPU of `node --import tsx <entry>`, which
 * transpiles and loads every module through tsx's loader on each start. The transform is the one tsx uses (esbuild,
 * which tsx brings); each module keeps its own `__dirname`, as in scripts/validate.cjs. The bundle is cached in
 * node_modules/.cache/test-bundles and rebuilt when one of its inputs changes (their paths, sizes and modification
 * times), written under a temporary name and renamed, so jest workers building it at once never see half a file.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'test-bundles');

interface Esbuild {
  build(options: object): Promise<{ metafile: { inputs: Record<string, unknown> } }>;
}

function stampOf(inputs: readonly string[]): string {
  const hash = crypto.createHash('sha256');
  for (const file of inputs) {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    hash.update(`${file}\0${stat ? `${stat.size}\0${stat.mtimeMs}` : 'missing'}\0`);
  }
  return hash.digest('hex');
}

function current(bundle: string, stampFile: string): boolean {
  try {
    const { inputs, stamp } = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { inputs: string[]; stamp: string };
    return stamp === stampOf([__filename, ...inputs]) && fs.existsSync(bundle);
  } catch {
    return false;
  }
}

/** The path of `entry`'s bundle (absolute, or relative to the repository root), built when missing or stale. */
export async function bundledEntry(entry: string): Promise<string> {
  const source = path.resolve(ROOT, entry);
  const name = path.relative(ROOT, source).replace(/\.ts$/, '').replace(/[\\/]/g, '+');
  const bundle = path.join(CACHE, `${name}.js`);
  const stampFile = path.join(CACHE, `${name}.json`);
  if (current(bundle, stampFile)) return bundle;
  const tsx = path.dirname(require.resolve('tsx/package.json', { paths: [ROOT] }));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require(require.resolve('esbuild', { paths: [tsx] })) as Esbuild;
  fs.mkdirSync(CACHE, { recursive: true });
  const temporary = path.join(CACHE, `${name}.${process.pid}.js`);
  const result = await esbuild.build({
    entryPoints: [source], bundle: true, platform: 'node', format: 'cjs', target: `node${process.versions.node.split('.')[0]}`,
    absWorkingDir: ROOT, outfile: temporary, metafile: true, logLevel: 'silent',
    plugins: [{
      name: 'keep-dirname',
      setup(build: { onLoad(filter: object, load: (args: { path: string }) => object): void }) {
        build.onLoad({ filter: /\.ts$/ }, (args) => ({
          contents: fs.readFileSync(args.path, 'utf8').replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path))), loader: 'ts',
        }));
      },
    }],
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(ROOT, input)).sort();
  fs.renameSync(temporary, bundle);
  const temporaryStamp = path.join(CACHE, `${name}.${process.pid}.json`);
  fs.writeFileSync(temporaryStamp, JSON.stringify({ inputs, stamp: stampOf([__filename, ...inputs]) }));
  fs.renameSync(temporaryStamp, stampFile);
  return bundle;
}
