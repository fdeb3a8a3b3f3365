/** `npm run validate` on odd input: exit codes, one short problem per unreadable file, kubectl's YAML reading. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const READING = path.join(__dirname, 'fixtures', 'yaml-reading');

// `npm run validate`'s own command: scripts/validate.ts bundled (scripts/validate.cjs), a fraction of tsx's start-up CPU per run.
function validate(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'validate.cjs'), ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, DEBUG: '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'validate-input-'));
}

test('a directory without YAML files is a usage error (exit 2) naming the directory and what was searched', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'apiVersion: v1\n');
  fs.mkdirSync(path.join(dir, 'sub'));
  const { code, stdout, stderr } = validate([dir]);
  expect(stderr).toContain(`no YAML files (*.yaml, *.yml, searched recursively) in ${dir}`);
  expect(stderr).toContain('usage: validate.ts');
  expect(stdout).toBe('');
  expect(code).toBe(2);
});

test('files without any document are a usage error too', () => {
  const file = path.join(tempDir(), 'empty.yaml');
  fs.writeFileSync(file, '# only a comment\n---\n\n');
  const { code, stderr } = validate([file]);
  expect(stderr).toContain(`no YAML documents in ${file}`);
  expect(code).toBe(2);
});

test('binary and non-UTF-8 files give one short problem each, and exit 1', () => {
  const dir = tempDir();
  const node = fs.openSync(process.execPath, 'r');
  const head = Buffer.alloc(4 * 1024 * 1024);
  fs.writeFileSync(path.join(dir, 'node.yaml'), head.subarray(0, fs.readSync(node, head))); // 4 MB of a real binary
  fs.closeSync(node);
  fs.copyFileSync(path.join(READING, 'latin1.yaml'), path.join(dir, 'latin1.yaml'));
  const { code, stdout } = validate([dir]);
  expect(stdout.split('\n')).toEqual([
    expect.stringMatching(/^validate-input-\w+ latin1\.yaml: \[yaml\/parse\] not UTF-8 \(invalid byte sequence at offset \d+\); allowed: UTF-8/),
    expect.stringMatching(/^validate-input-\w+ node\.yaml: \[yaml\/parse\] (binary file \(a NUL byte|not UTF-8)/),
    '0 objects in 1 target: 2 problems',
    '',
  ]);
  expect(code).toBe(1);
});

test('YAML errors are yaml/parse problems with a line, never a stack trace', () => {
  const { code, stdout, stderr } = validate([path.join(READING, 'undefined-alias.yaml'), path.join(READING, 'alias-bomb.yaml')]);
  expect(stdout).toContain('undefined-alias.yaml#0: [yaml/parse] unidentified alias "nowhere" (line 7, column 14)');
  expect(stdout).toContain('alias-bomb.yaml#0: [yaml/parse] document contains excessive aliasing');
  expect(stdout + stderr).not.toMatch(/^\s+at /m);
  expect(code).toBe(1);
});

test('merge keys are read as kubectl reads them: a Deployment built with << is valid', () => {
  const file = path.join(tempDir(), 'merged.yaml');
  fs.writeFileSync(file, [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web, namespace: shop}', 'spec:',
    '  selector: {matchLabels: &labels {app: web}}', '  template:', '    metadata: {labels: *labels}', '    spec:', '      containers:',
    '        - &container', '          name: web', '          image: ghcr.io/example/web:1.0.0',
    '          resources: &resources {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}',
    '        - <<: *container', '          name: sidecar', '',
  ].join('\n'));
  const { code, stdout } = validate([file]);
  expect(stdout).toBe('1 object in 1 target: 0 problems\n');
  expect(code).toBe(0);
});

test('an unquoted YAML 1.1 boolean in a string field is the type error the API server gives, explained', () => {
  const { code, stdout } = validate([path.join(READING, 'yes-in-string-field.yaml')]);
  expect(stdout).toContain('data.enabled: [schema/type] true has the wrong type; allowed: string '
    + '(the unquoted yes is the boolean true in YAML 1.1, as kubectl reads it; quote it for a string)');
  expect(stdout).toContain('data.mode: [schema/type] 420 has the wrong type; allowed: string (the unquoted 0644 is the number 420');
  expect(code).toBe(1);
});

test('an internal error exits 3 with one line; DEBUG=1 adds the stack', () => {
  const dir = tempDir();
  fs.symlinkSync(path.join(dir, 'missing-target'), path.join(dir, 'dangling.yaml'));
  const plain = validate([dir]);
  expect(plain.stderr).toMatch(/^validate\.ts: internal error: Error: ENOENT: no such file or directory, open '.*dangling\.yaml'/);
  expect(plain.stderr).toMatch(/ \(DEBUG=1 shows the stack\)\n$/);
  expect(plain.stderr.split('\n')).toHaveLength(2);
  expect(plain.code).toBe(3);
  const debug = validate([dir], { DEBUG: '1' });
  expect(debug.stderr).toMatch(/^\s+at .*document-stream\.ts/m);
  expect(debug.code).toBe(3);
});
