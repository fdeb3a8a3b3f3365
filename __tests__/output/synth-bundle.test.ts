/**
 * scripts/synth-bundle.cjs, the compiled app of `npm run synth` bundled into one file: the same module paths as
 * unbundled, stack frames mapped to the TypeScript sources through tsc's maps, and never stale.
 * (End to end, through scripts/synth.cjs and tsc: __tests__/output/typed-synth.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPTS = path.resolve(__dirname, '..', '..', 'scripts');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildBundle, currentBundle } = require(path.join(SCRIPTS, 'synth-bundle.cjs')) as {
  buildBundle: (cache: string, compiledMain: string) => Promise<string>;
  currentBundle: (cache: string) => string | undefined;
};

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-bundle-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * A compiled app as tsc leaves it: js/main.js requires js/lib/thrower.js, whose map says its line 2 comes from line 7,
 * column 5 of src/thrower.ts (one segment per line). main.js prints both modules' paths and the stack of a throw.
 */
function compiledApp(message = 'boom'): string {
  const js = path.join(dir, 'js');
  fs.mkdirSync(path.join(js, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(js, 'lib', 'thrower.js'), 'exports.where = { dir: __dirname, file: __filename };\n'
    + `exports.boom = function boom() { throw new Error(${JSON.stringify(message)}); };\n//# sourceMappingURL=thrower.js.map\n`);
  fs.writeFileSync(path.join(js, 'lib', 'thrower.js.map'), JSON.stringify({
    version: 3, file: 'thrower.js', sources: ['../../src/thrower.ts'], names: [], mappings: 'AAAA;AAMI',
  }));
  fs.writeFileSync(path.join(js, 'main.js'), 'const thrower = require("./lib/thrower");\n'
    + 'console.log(JSON.stringify({ ...thrower.where, main: __filename }));\n'
    + 'try { thrower.boom(); } catch (error) { console.log(error.stack.split("\\n").slice(0, 2).join("\\n")); }\n');
  return path.join(js, 'main.js');
}

function runBundle(bundle: string): string[] {
  const script = `require(${JSON.stringify(path.join(SCRIPTS, 'compile-cache.cjs'))}).mapStackTraces(${JSON.stringify(path.dirname(bundle))});`
    + `require(${JSON.stringify(bundle)});`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.trim().split('\n');
}

test('the bundle is one file; each module keeps its own __dirname and __filename; frames name the TypeScript source', async () => {
  const main = compiledApp();
  const cache = path.join(dir, 'cache');
  const bundle = await buildBundle(cache, main);
  expect(bundle).toBe(path.join(cache, 'bundle', 'main.js'));
  expect(fs.readFileSync(bundle, 'utf8')).not.toMatch(/require\("\.\/lib\/thrower"\)/);

  const [where, header, frame] = runBundle(bundle);
  expect(JSON.parse(where)).toEqual({ dir: path.join(dir, 'js', 'lib'), file: path.join(dir, 'js', 'lib', 'thrower.js'), main });
  expect(header).toBe('Error: boom');
  expect(frame).toBe(`    at Object.boom (${path.join(dir, 'src', 'thrower.ts')}:7:5)`);
});

test('a bundle is current until one of its inputs changes; built again, it runs the new code', async () => {
  const main = compiledApp('first');
  const cache = path.join(dir, 'cache');
  expect(currentBundle(cache)).toBeUndefined();
  const bundle = await buildBundle(cache, main);
  expect(currentBundle(cache)).toBe(bundle);

  // Same length, other content (tsc rewriting one compiled module): its modification time changes the stamp.
  const thrower = path.join(dir, 'js', 'lib', 'thrower.js');
  const before = fs.statSync(thrower);
  compiledApp('again');
  fs.utimesSync(thrower, before.atime, new Date(before.mtimeMs + 2000));
  expect(currentBundle(cache)).toBeUndefined();
  expect(runBundle(await buildBundle(cache, main))[1]).toBe('Error: again');
  expect(currentBundle(cache)).toBe(bundle);

  fs.rmSync(bundle);
  expect(currentBundle(cache)).toBeUndefined();
});
