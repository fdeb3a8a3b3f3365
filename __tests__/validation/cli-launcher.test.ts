/**
 * `npm run validate` runs scripts/validate.cjs, which runs scripts/validate.ts bundled (rebuilt when an input changes):
 * the same output and exit codes as the sources through tsx, and a bundle that is reused only while its inputs stand.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');
const CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-cache-'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const launcher = require('../../scripts/validate.cjs') as {
  currentBundle(cache: string): string | undefined;
  buildBundle(cache: string): Promise<string>;
  startWaitingWorkers(argv: readonly string[], env: Record<string, string>): Worker[];
};

afterAll(() => fs.rmSync(CACHE, { recursive: true, force: true }));

function run(args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, VALIDATE_CACHE_DIR: CACHE, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const INPUTS: readonly (readonly string[])[] = [
  [path.join(FIXTURES, 'valid', 'booksapp')],
  [path.join(FIXTURES, 'invalid', 'cel-path-absolute.yaml'), path.join(FIXTURES, 'invalid', 'safety-rbac-wildcard.yaml')],
  ['--format', 'json', path.join(FIXTURES, 'invalid', 'cel-path-absolute.yaml')],
  ['--format', 'xml', FIXTURES],
  ['does/not/exist'],
];

test('the launcher prints and exits exactly as scripts/validate.ts through tsx does', () => {
  for (const args of INPUTS) {
    const bundled = run(['scripts/validate.cjs', ...args]);
    expect(bundled).toEqual(run(['--import', 'tsx', 'scripts/validate.ts', ...args]));
    expect([0, 1, 2]).toContain(bundled.code);
  }
  expect(launcher.currentBundle(CACHE)).toBe(path.join(CACHE, 'validate.js'));
});

test('the bundle is reused while its inputs are unchanged, and built again when one changes', async () => {
  const bundle = await launcher.buildBundle(CACHE);
  const built = fs.statSync(bundle).mtimeMs;
  run(['scripts/validate.cjs', path.join(FIXTURES, 'valid', 'booksapp')]);
  expect(fs.statSync(bundle).mtimeMs).toBe(built);

  // The stamp covers every input the bundle was made of: a changed input makes it stale.
  const stampFile = path.join(CACHE, 'inputs.json');
  const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { inputs: string[] };
  expect(stamp.inputs).toEqual(expect.arrayContaining([path.join(ROOT, 'scripts', 'validate.ts'), path.join(ROOT, 'lib', 'validation', 'index.ts')]));
  const input = path.join(CACHE, 'input.ts');
  fs.writeFileSync(input, 'export {};\n');
  fs.writeFileSync(stampFile, JSON.stringify({ ...stamp, inputs: [...stamp.inputs, input] }));
  expect(launcher.currentBundle(CACHE)).toBeUndefined(); // the stamp no longer matches its inputs
  await launcher.buildBundle(CACHE);
  expect(launcher.currentBundle(CACHE)).toBe(bundle);
});

test('DEBUG=1 stacks of an internal error name the TypeScript sources', () => {
  // A directory that cannot be read gives an internal error (exit 3); the stack must point into lib/, not the bundle.
  const unreadable = path.join(CACHE, 'missing-link.yaml');
  fs.symlinkSync(path.join(CACHE, 'nowhere'), unreadable);
  const { code, stderr } = run(['scripts/validate.cjs', CACHE], { DEBUG: '1' });
  expect(code).toBe(3);
  expect(stderr).toMatch(/lib[\\/]validation[\\/][\w/-]+\.ts:\d+/);
});

test('the launcher starts the workers a run will want before loading the bundle: one per thread beyond the first', async () => {
  const counts = [
    launcher.startWaitingWorkers(['dist'], { VALIDATE_THREADS: '3' }),
    launcher.startWaitingWorkers(['dist'], { VALIDATE_THREADS: '1' }),
    launcher.startWaitingWorkers(['--server', 'envtest', 'dist'], { VALIDATE_THREADS: '3' }),
  ];
  const workers = counts.flat();
  await Promise.all(workers.map((worker) => worker.terminate()));
  expect(counts.map((started) => started.length)).toEqual([2, 0, 0]);
});
