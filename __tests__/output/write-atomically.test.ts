import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTree, writeAtomically } from '../../lib/output';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'write-atomically-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('writeAtomically', () => {
  test('replaces the folder with exactly the given files', () => {
    const out = path.join(dir, 'dist');
    writeAtomically(out, new Map([['a/old.yaml', 'old'], ['b/keep.yaml', 'x']]));
    writeAtomically(out, new Map([['a/new.yaml', 'new'], ['b/keep.yaml', 'y']]));
    expect(readTree(out)).toEqual(new Map([['a/new.yaml', 'new'], ['b/keep.yaml', 'y']]));
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('a failure while writing leaves the previous folder byte-identical and no scratch behind', () => {
    const out = path.join(dir, 'dist');
    writeAtomically(out, new Map([['a/one.yaml', 'one']]));
    // 'x' as a file and as a folder cannot both be written: the write fails midway.
    const impossible = new Map([['a/two.yaml', 'two'], ['x', 'file'], ['x/y.yaml', 'nested']]);
    expect(() => writeAtomically(out, impossible)).toThrow();
    expect(readTree(out)).toEqual(new Map([['a/one.yaml', 'one']]));
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('a symbolic link to the output folder is kept, and the folder it points to is replaced', () => {
    const real = path.join(dir, 'checkout', 'dist');
    fs.mkdirSync(path.dirname(real));
    const link = path.join(dir, 'dist');
    fs.symlinkSync(path.join('checkout', 'dist'), link);
    writeAtomically(link, new Map([['a/one.yaml', 'one']]));
    writeAtomically(link, new Map([['a/two.yaml', 'two']]));
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readTree(real)).toEqual(new Map([['a/two.yaml', 'two']]));
    expect(fs.readdirSync(path.dirname(real))).toEqual(['dist']);
  });

  test('scratch folders of a killed run are removed, not written into', () => {
    const out = path.join(dir, 'dist');
    writeAtomically(out, new Map([['a/one.yaml', 'one']]));
    fs.mkdirSync(`${out}.next/stale`, { recursive: true });
    fs.writeFileSync(`${out}.next/stale/x.yaml`, 'half');
    fs.mkdirSync(`${out}.prev`);
    writeAtomically(out, new Map([['a/two.yaml', 'two']]));
    expect(readTree(out)).toEqual(new Map([['a/two.yaml', 'two']]));
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('a run killed between its two renames loses nothing: the previous output is put back first', () => {
    const out = path.join(dir, 'dist');
    writeAtomically(out, new Map([['a/one.yaml', 'one']]));
    fs.renameSync(out, `${out}.prev`);
    fs.mkdirSync(`${out}.next`);
    expect(() => writeAtomically(out, new Map([['x', 'file'], ['x/y.yaml', 'nested']]))).toThrow();
    expect(readTree(out)).toEqual(new Map([['a/one.yaml', 'one']]));
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('refuses paths that escape the output folder', () => {
    const out = path.join(dir, 'dist');
    expect(() => writeAtomically(out, new Map([['../escape.yaml', 'x']]))).toThrow('is outside');
    expect(fs.existsSync(path.join(dir, 'escape.yaml'))).toBe(false);
  });
});
