import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cdk8sCliBin, cdk8sCliEnv } from 'cdk8s-cli-on-demand';
import { readTree } from '../../lib/output/write-atomically';

// scripts/synth.cjs: `npm run synth` and the cdk8s.yaml app command. That an unchanged app synthesizes what the pipeline
// does in process without running tsc again is asserted by the determinism test (synthesize.test.ts), which runs it anyway.
const ROOT = path.resolve(__dirname, '..', '..');
const RUNNER = path.join('scripts', 'synth.cjs');
const SKIPPED = new Set(['node_modules', '.git', '.cdk8s.out', '.tmp', 'coverage']);
let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-synth-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(cwd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, args, { cwd, env: { ...cdk8sCliEnv(), ...env }, encoding: 'utf8' });
}

/**
 * A copy of the repository (its dist/ included) with its own build cache, seeded with the type-check state of the
 * repository's own build (the tsbuildinfo, not the compiled files), so that tsc re-checks only what the test changes
 * instead of a cold check of everything (the slowest part of `npm test`). The state names files relative to the cache,
 * so the copy has the same layout: node_modules hard-linked (tsc resolves a symlinked node_modules to the original, whose
 * paths would then differ), the cache at node_modules/.cache/synth.
 */
function repositoryCopy(): { copy: string; cache: string } {
  const copy = path.join(dir, 'repo');
  fs.mkdirSync(copy);
  for (const entry of fs.readdirSync(ROOT)) {
    if (!SKIPPED.has(entry)) fs.cpSync(path.join(ROOT, entry), path.join(copy, entry),
      { recursive: true, filter: (src) => path.basename(src) !== 'node_modules' });
  }
  const modules = path.join(copy, 'node_modules');
  if (spawnSync('cp', ['-al', path.join(ROOT, 'node_modules'), modules]).status !== 0) {
    // Another file system (no hard links): a symlink and a cold check, slower but the same test.
    fs.rmSync(modules, { recursive: true, force: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), modules);
    return { copy, cache: path.join(copy, '.synth-cache') };
  }
  fs.rmSync(path.join(modules, '.cache'), { recursive: true, force: true });
  const cache = path.join(modules, '.cache', 'synth');
  fs.mkdirSync(cache, { recursive: true });
  // The repository's own build, brought up to date first (a clean clone has none yet; else only its stamp is read).
  const built = spawnSync(process.execPath, ['-e', 'require("./scripts/synth.cjs").ensureBuild()'], { cwd: ROOT, encoding: 'utf8' });
  expect(built.stderr).toBe('');
  fs.copyFileSync(path.join(ROOT, 'node_modules', '.cache', 'synth', 'tsbuildinfo'), path.join(cache, 'tsbuildinfo'));
  // And its compiled files, which that state says are emitted: tsc writes only what changes, the bundle needs them all.
  fs.cpSync(path.join(ROOT, 'node_modules', '.cache', 'synth', 'js'), path.join(cache, 'js'), { recursive: true });
  return { copy, cache };
}

test('a type error in a chart fails `npm run synth` and `cdk8s synth` with tsc\'s message; dist/ is untouched; the bundled app '
  + 'names the user\'s .ts line when a chart throws', () => {
  const { copy, cache } = repositoryCopy();
  fs.appendFileSync(path.join(copy, 'charts', 'booksapp.ts'), '\nexport const replicas: number = \'three\';\n');
  const before = readTree(path.join(copy, 'dist'));
  expect(before.size).toBeGreaterThan(0);

  const viaNpmScript = run(copy, [RUNNER], { SYNTH_CACHE_DIR: cache });
  expect(viaNpmScript.status).toBe(1);
  expect(viaNpmScript.stderr).toContain('Synthesis failed; dist/ was left unchanged.');
  expect(viaNpmScript.stderr).toMatch(/charts\/booksapp\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'\./);
  // Nothing of the ill-typed app was emitted, bundled or run.
  expect(fs.readFileSync(path.join(cache, 'js', 'charts', 'booksapp.js'), 'utf8'))
    .toBe(fs.readFileSync(path.join(ROOT, 'node_modules', '.cache', 'synth', 'js', 'charts', 'booksapp.js'), 'utf8'));
  expect(fs.existsSync(path.join(cache, 'bundle', 'main.js'))).toBe(false);
  expect(readTree(path.join(copy, 'dist'))).toEqual(before);

  const viaCli = run(copy, [cdk8sCliBin(), 'synth'], { SYNTH_CACHE_DIR: cache });
  expect(viaCli.status).not.toBe(0);
  expect(viaCli.stdout + viaCli.stderr).toContain('error TS2322');
  expect(readTree(path.join(copy, 'dist'))).toEqual(before);

  // Well-typed again, but the chart throws: the app runs bundled (scripts/synth-bundle.cjs), and the error names the
  // user's TypeScript line through the bundle's source map.
  const chart = path.join(copy, 'charts', 'booksapp.ts');
  const source = fs.readFileSync(chart, 'utf8').replace(/\nexport const replicas: number = 'three';\n$/, '\n');
  const superCall = '    super(scope, id, { ...props, namespace: NAMESPACE });\n';
  expect(source).toContain(superCall);
  const throwLine = "    if (id === 'booksapp') throw new RangeError('no books today');";
  fs.writeFileSync(chart, source.replace(superCall, `${superCall}${throwLine}\n`));
  const at = `${source.split('\n').findIndex((l) => `${l}\n` === superCall) + 2}:${throwLine.indexOf('new RangeError') + 1}`;
  const throwing = run(copy, [RUNNER], { SYNTH_CACHE_DIR: cache });
  expect(throwing.status).toBe(1);
  expect(throwing.stderr).toContain('[booksapp] the constructor of BooksappChart (chart booksapp) threw: RangeError: no books today\n'
    + `    in your code at charts/booksapp.ts:${at}\n`);
  expect(fs.existsSync(path.join(cache, 'bundle', 'main.js'))).toBe(true);
  expect(readTree(path.join(copy, 'dist'))).toEqual(before);
  // That a fixed chart rebuilds the bundle and runs the new code is synth-bundle.test.ts's case, on a small app.
}, 480_000); // a cold type-check of the copy, then an incremental one (206 s with a third in a full npm test at load 5-8)
