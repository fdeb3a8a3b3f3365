import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The lint `npm test` runs (eslint.config.mjs) fails on the violations it exists for, passes clean code, and covers
 * the folders it should. The probes are linted in memory as if they were files in lib/, with the project's config,
 * through ESLint's Node API in one child process (support/lint-runner.cjs).
 */
const ROOT = path.join(__dirname, '..');

const lineOf150 = `export const numbers = [${'1, '.repeat(41)}1];`;
const longLine = `export const numbers = [${'1, '.repeat(41)}11];`;
const longString = `'${'x'.repeat(150)}'`;
const PROBES: Record<string, string> = {
  'lib/lint-probe-clean.ts': [
    "import * as path from 'path';",
    '',
    'export async function joined(parts: readonly string[]): Promise<string> {',
    '  return path.join(...parts);',
    '}',
    '',
  ].join('\n'),
  'lib/lint-probe-violations.ts': [
    "import * as fs from 'fs';",
    '',
    longLine,
    '',
    'export async function run(): Promise<void> {',
    '  Promise.resolve(1);',
    '}',
    '',
    'export const quoted = "double";',
    '',
  ].join('\n'),
  'lib/lint-probe-150.ts': [lineOf150, ''].join('\n'),
  'lib/lint-probe-string-alone.ts': ['export const message =', `  ${longString};`, ''].join('\n'),
  'lib/lint-probe-string-with-code.ts': [`export const message = ${longString};`, ''].join('\n'),
};
const IGNORED = ['imports/k8s.ts', 'dist/x.ts', 'node_modules/x/index.ts'];
const LINTED = ['main.ts', 'lib/index.ts', 'lib/validation/index.ts', 'scripts/validate.ts', '__tests__/lint.test.ts'];

let rules: Record<string, string[]>;
let ignored: Record<string, boolean>;

beforeAll(() => {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'support', 'lint-runner.cjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    input: JSON.stringify({ probes: PROBES, paths: [...IGNORED, ...LINTED] }),
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  ({ rules, ignored } = JSON.parse(run.stdout));
}, 180_000);

test('clean code passes: no false positives from the project config', () => {
  expect(rules['lib/lint-probe-clean.ts']).toEqual([]);
});

test('a line of 150 characters passes', () => {
  expect(lineOf150).toHaveLength(150);
  expect(rules['lib/lint-probe-150.ts']).toEqual([]);
});

test('a 151-character line, an unused import, a floating promise and double quotes each fail the lint', () => {
  expect(longLine).toHaveLength(151);
  expect([...rules['lib/lint-probe-violations.ts']].sort()).toEqual([
    '@stylistic/max-len',
    '@stylistic/quotes',
    '@typescript-eslint/no-floating-promises',
    '@typescript-eslint/no-unused-vars',
  ]);
});

test('a line that is nothing but one long string is exempt from the length limit; code beside it is not', () => {
  expect(rules['lib/lint-probe-string-alone.ts']).toEqual([]);
  expect(rules['lib/lint-probe-string-with-code.ts']).toEqual(['@stylistic/max-len']);
});

test('generated code and build output are not linted; the code, scripts and tests are', () => {
  expect(Object.fromEntries(IGNORED.map((file) => [file, ignored[file]]))).toEqual(Object.fromEntries(IGNORED.map((file) => [file, true])));
  expect(Object.fromEntries(LINTED.map((file) => [file, ignored[file]]))).toEqual(Object.fromEntries(LINTED.map((file) => [file, false])));
});

test('npm test runs the lint before jest', () => {
  const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const steps = scripts.test.split(' && ');
  const lint = steps.findIndex((step) => step.startsWith('eslint '));
  expect(lint).toBeGreaterThanOrEqual(0);
  expect(lint).toBeLessThan(steps.findIndex((step) => step.startsWith('jest ')));
  expect(steps[lint]).toBe(scripts.lint);
});
