import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');

// `npm run validate`'s own command: scripts/validate.ts bundled (scripts/validate.cjs), a fraction of tsx's start-up CPU per run.
function validate(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'validate.cjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('a clean directory exits 0 with a summary', () => {
  const { code, stdout } = validate(path.join(FIXTURES, 'valid', 'booksapp'));
  expect(stdout).toBe('25 objects in 1 target: 0 problems\n');
  expect(code).toBe(0);
});

test('problems exit 1, one formatted line each, then the summary', () => {
  const { code, stdout } = validate(path.join(FIXTURES, 'invalid', 'cel-path-absolute.yaml'),
    path.join(FIXTURES, 'invalid', 'safety-rbac-wildcard.yaml'));
  const lines = stdout.trimEnd().split('\n');
  expect(lines).toContain(
    'cel-path-absolute.yaml cel-path-absolute.yaml#2 gateway.networking.k8s.io/HTTPRoute shop/web spec.rules[0].matches[0].path: [cel] value must be an absolute path and start with \'/\' when type one of [\'Exact\', \'PathPrefix\'] (failed rule: (self.type in [\'Exact\',\'PathPrefix\']) ? self.value.startsWith(\'/\') : true)',
  );
  expect(lines).toContain(
    'safety-rbac-wildcard.yaml safety-rbac-wildcard.yaml#0 rbac.authorization.k8s.io/ClusterRole admin-ish rules[0].verbs[0]: [safety/rbac-wildcard] wildcard "*" in verbs; allowed: explicit verbs');
  expect(lines[lines.length - 1]).toBe(`4 objects in 2 targets: ${lines.length - 1} problems`);
  expect(code).toBe(1);
});

test('--format json prints the problems as a JSON array', () => {
  const { code, stdout } = validate('--format', 'json', path.join(FIXTURES, 'invalid', 'safety-secret-data.yaml'));
  expect(JSON.parse(stdout)).toEqual([
    {
      target: 'safety-secret-data.yaml',
      source: 'safety-secret-data.yaml#0',
      object: 'core/Secret shop/db',
      field: 'stringData',
      rule: 'safety/secret-data',
      message: 'Secret carries stringData (password); allowed: no data in Git, deliver it with an external secret store or sealed secret',
    },
  ]);
  expect(code).toBe(1);
});

test('YAML parse errors are problems with rule yaml/parse', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-'));
  fs.writeFileSync(path.join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nkey: [unclosed\n');
  const { code, stdout } = validate('--format=json', dir);
  const problems = JSON.parse(stdout);
  expect(problems).toEqual([expect.objectContaining({ target: path.basename(dir), source: 'broken.yaml#1', rule: 'yaml/parse' })]);
  expect(code).toBe(1);
});

test.each([[[]], [['--format', 'xml', FIXTURES]], [['--bogus', FIXTURES]], [['does/not/exist']]])('usage errors exit 2: %p', (args) => {
  const { code, stderr } = validate(...args);
  expect(stderr).toContain('usage: validate.ts');
  expect(code).toBe(2);
});
