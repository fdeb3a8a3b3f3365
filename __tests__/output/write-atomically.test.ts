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

  test('refuses paths that escape the output folder', () => {
    const out = path.join(dir, 'dist');
    expect(() => writeAtomically(out, new Map([['../escape.yaml', 'x']]))).toThrow('is outside');
    expect(fs.existsSync(path.join(dir, 'escape.yaml'))).toBe(false);
  });
});
