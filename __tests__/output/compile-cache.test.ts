/**
 * scripts/compile-cache.cjs, the start-up of the compiled app under `npm run synth`: a V8 code cache that never runs
 * stale or corrupt code, and stack frames of compiled files mapped to their sources.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const COMPILE_CACHE = path.resolve(__dirname, '..', '..', 'scripts', 'compile-cache.cjs');
let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compile-cache-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `entry` in a fresh node with the code cache in `<dir>/cache`; returns its stdout. */
function runWithCache(entry: string, env: NodeJS.ProcessEnv = process.env): string {
  const script = `require(${JSON.stringify(COMPILE_CACHE)}).enableCodeCache(${JSON.stringify(path.join(dir, 'cache'))});`
    + `require(${JSON.stringify(entry)});`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

const indexFile = () => path.join(dir, 'cache', 'code-cache.json');
const dataFile = () => path.join(dir, 'cache', 'code-cache.bin');

function writeModules(value: string): string {
  fs.writeFileSync(path.join(dir, 'dep.js'), `exports.value = ${JSON.stringify(value)}; exports.file = __filename;`);
  fs.writeFileSync(path.join(dir, 'main.js'), 'const dep = require("./dep"); console.log(dep.value, dep.file === require.resolve("./dep"));');
  return path.join(dir, 'main.js');
}

test('a second run uses the cache as it is; a changed module runs its new code and the cache is rewritten', () => {
  const main = writeModules('first');
  expect(runWithCache(main)).toBe('first true\n');
  const index = JSON.parse(fs.readFileSync(indexFile(), 'utf8')) as { modules: Record<string, unknown> };
  expect(Object.keys(index.modules).sort()).toEqual([path.join(dir, 'dep.js'), main]);
  const writtenAt = fs.statSync(indexFile()).mtimeMs;

  expect(runWithCache(main)).toBe('first true\n');
  expect(fs.statSync(indexFile()).mtimeMs).toBe(writtenAt);

  // Same length, other content: V8 alone would accept the old code for it; the source hash does not.
  writeModules('again');
  expect(runWithCache(main)).toBe('again true\n');
  expect(fs.statSync(indexFile()).mtimeMs).toBeGreaterThan(writtenAt);
});

test('a run that compiles many functions the cache lacks rewrites it; runs that compile no more leave it', () => {
  // 300 functions, called only when CALL_ALL is set: V8 compiles a function on its first call, and the cached data
  // holds the functions compiled by then.
  const functions = Array.from({ length: 300 }, (_, i) => `function f${i}(x) { return [x, ${i}, typeof x].join('-').length + ${i}; }`);
  const main = path.join(dir, 'many.js');
  fs.writeFileSync(main, `${functions.join('\n')}\nlet sum = 0;\n`
    + `if (process.env.CALL_ALL) { ${functions.map((_, i) => `sum += f${i}(sum);`).join(' ')} }\nconsole.log(sum > 0);\n`);
  const few = { ...process.env, CALL_ALL: '' };
  const all = { ...process.env, CALL_ALL: '1' };
  const cached = () => ({ bytes: fs.statSync(dataFile()).size, at: fs.statSync(indexFile()).mtimeMs });

  expect(runWithCache(main, few)).toBe('false\n');
  const small = cached();
  expect(runWithCache(main, all)).toBe('true\n');
  const large = cached();
  expect(large.at).toBeGreaterThan(small.at);
  expect(large.bytes).toBeGreaterThan(small.bytes * 1.125);
  expect(runWithCache(main, all)).toBe('true\n');
  expect(runWithCache(main, few)).toBe('false\n');
  expect(cached()).toEqual(large);
});

test.each([
  ['a truncated', (data: Buffer) => data.subarray(0, Math.floor(data.length / 2))],
  ['an overwritten', (data: Buffer) => Buffer.alloc(data.length, 0x5a)],
])('%s cache costs only a compile: the program runs as without it, and the cache is written again', (_, corrupt) => {
  const main = writeModules('value');
  runWithCache(main);
  const good = fs.readFileSync(dataFile());
  fs.writeFileSync(dataFile(), corrupt(good));
  expect(runWithCache(main)).toBe('value true\n');
  expect(fs.readFileSync(dataFile()).length).toBeGreaterThan(0);
  expect(JSON.parse(fs.readFileSync(indexFile(), 'utf8')).sha1).toMatch(/^[A-Za-z0-9+/]+=*$/);
  // The rewritten cache is whole again: the next run takes it as it is.
  const writtenAt = fs.statSync(indexFile()).mtimeMs;
  expect(runWithCache(main)).toBe('value true\n');
  expect(fs.statSync(indexFile()).mtimeMs).toBe(writtenAt);
});

test('a missing or unreadable index is no cache', () => {
  const main = writeModules('value');
  fs.mkdirSync(path.join(dir, 'cache'));
  fs.writeFileSync(indexFile(), '{ not json');
  expect(runWithCache(main)).toBe('value true\n');
  expect(JSON.parse(fs.readFileSync(indexFile(), 'utf8')).node).toBe(process.version);
});

test('frames of compiled files name their sources, line and column; other frames are written as V8 writes them', () => {
  const js = path.join(dir, 'js');
  fs.mkdirSync(js);
  // Line 2, column 11 of thrower.js come from line 7, column 5 of ../src/thrower.ts (mappings: one segment per line).
  fs.writeFileSync(path.join(js, 'thrower.js'), 'class Thrower {\n  constructor() { throw new Error("boom"); }\n}\n'
    + 'module.exports = { Thrower };\n//# sourceMappingURL=thrower.js.map\n');
  fs.writeFileSync(path.join(js, 'thrower.js.map'), JSON.stringify({
    version: 3, file: 'thrower.js', sources: ['../src/thrower.ts'], names: [], mappings: 'AAAA;AAMI',
  }));
  const script = `require(${JSON.stringify(COMPILE_CACHE)}).mapStackTraces(${JSON.stringify(js)});`
    + `const { Thrower } = require(${JSON.stringify(path.join(js, 'thrower.js'))});`
    + 'try { new Thrower(); } catch (error) { console.log(error.stack); }';
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  const [header, first, second] = result.stdout.split('\n');
  expect(header).toBe('Error: boom');
  expect(first).toBe(`    at new Thrower (${path.join(dir, 'src', 'thrower.ts')}:7:5)`);
  expect(second).toMatch(/^ {4}at \[eval\]:1:\d+$/);
});
