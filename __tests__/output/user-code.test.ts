/**
 * Errors from user code name the chart, the construct being built and the user's own stack frame, whatever was
 * thrown; an early process.exit never ends a synth with exit code 0; dist/ stays as it was in every case.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import { MeshedNamespace } from '../../lib/mesh';
import { UserCodeError, readTree, synthesize, writeAtomically } from '../../lib/output';
import { buildShop } from '../support/fixtures/user-error-app';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join('__tests__', 'support', 'fixtures', 'user-error-app.ts');
/** `node --import tsx <entry>`, bundled and code-cached (support/run-bundled.cjs): the same stack frames, less start-up. */
const RUN = path.join('__tests__', 'support', 'run-bundled.cjs');
let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'user-code-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `file:line:column` of `at` in the first line of the fixture that contains `line`, as V8 reports it. */
function frameOf(line: string, at: string): string {
  const lines = fs.readFileSync(path.join(ROOT, FIXTURE), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(line));
  return `${FIXTURE}:${index + 1}:${lines[index].indexOf(at, lines[index].indexOf(line)) + 1}`;
}

function synthWith(mode: string) {
  const outdir = path.join(dir, 'dist');
  writeAtomically(outdir, new Map([['shop/old.yaml', 'the previous render']]));
  const result = spawnSync(process.execPath, [RUN, FIXTURE], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, USER_ERROR: mode, RENDER_OUTDIR: outdir },
  });
  expect(readTree(outdir)).toEqual(new Map([['shop/old.yaml', 'the previous render']]));
  return { ...result, outdir };
}

test('a chart whose construct throws: the construct, its class, the chart and the line in the user\'s file', () => {
  const run = synthWith('error');
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe(`Synthesis failed; ${run.outdir}/ was left unchanged.\n`
    + '[shop/settings] the constructor of Settings (chart shop) threw: RangeError: replicas must be at least 1\n'
    + `    in your code at ${frameOf("mode === 'error'", 'new RangeError')}\n`);
});

test('a thrown string is shown as such (not "undefined"), with the construct added last', () => {
  const run = synthWith('string');
  expect(run.status).toBe(1);
  expect(run.stderr).toBe(`Synthesis failed; ${run.outdir}/ was left unchanged.\n`
    + '[shop/settings/cm] chart shop threw while being built (shop/settings/cm is the construct added last): '
    + '"x" (a string was thrown, not an Error, so there is no stack; throw new Error(…) to get one)\n');
});

test('process.exit(0) inside a chart exits 1, saying where it was called and that dist/ is unchanged', () => {
  const run = synthWith('exit');
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe('Synthesis did not finish: the process exited with code 0 '
    + `(process.exit called at ${frameOf("mode === 'exit'", 'exit(0)')}): `
    + `[shop/settings] the constructor of Settings (chart shop) was running; ${run.outdir}/ was left unchanged\n`);
});

test('a validation that throws instead of returning problems names its construct', () => {
  const run = synthWith('validation');
  expect(run.status).toBe(1);
  expect(run.stderr).toBe(`Synthesis failed; ${run.outdir}/ was left unchanged.\n`
    + `[shop/settings] validation threw: validation crashed\n    in your code at ${frameOf("mode === 'validation'", 'new Error')}\n`);
});

test('bad props caught by a library construct: where the library threw, and the user\'s line that passed them', () => {
  let error: unknown;
  try {
    synthesize((app) => new MeshedNamespace(new Chart(app, 'shop'), 'ns', { metadata: { name: 'Bad_Name' } }));
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(UserCodeError);
  const [first, thrownAt, userFrame] = (error as Error).message.split('\n');
  expect(first).toMatch(/^\[shop\/ns\] the constructor of MeshedNamespace \(chart shop\) threw: /);
  expect(first).toContain('[shop/ns] metadata.name "Bad_Name" is invalid; allowed: ');
  expect(thrownAt).toMatch(/^ {4}thrown at lib\/mesh\/\S+\.ts:\d+:\d+$/);
  expect(userFrame).toMatch(/^ {4}in your code at __tests__\/output\/user-code\.test\.ts:\d+:\d+$/);
});

test('the app without faults synthesizes (the fixture is otherwise valid)', () => {
  expect(synthesize(buildShop).targets.map((t) => t.objects.length)).toEqual([1]);
});

test.each<[unknown, string]>([
  [undefined, 'undefined (undefined was thrown'], [null, 'null (null was thrown'], [42, '42 (a number was thrown'],
  [{ code: 1 }, '{ code: 1 } (an object was thrown'],
])('a thrown %p is named as what it is, in plain words', (thrown, expected) => {
  let error: unknown;
  try {
    synthesize(() => { throw thrown; });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(UserCodeError);
  expect((error as Error).message).toBe("the app's build function threw before any chart was added: "
    + `${expected}, not an Error, so there is no stack; throw new Error(…) to get one)`);
});
