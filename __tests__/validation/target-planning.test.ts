/**
 * How `npm run validate` lists and sizes its targets before any is read: the listing joins paths by hand (as path.join
 * would), the thread planner stats files only until threads pay, and the thread that takes a target stats the rest,
 * so the decision to read a target in parts still sees every byte.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { manifestTargets, validateListedTarget, withFileSizes } from '../../lib/validation';
import { joinedPrefix } from '../../lib/validation/load-manifests';
import { packTargets, planTargets, unpackTargets } from '../../lib/validation/validate-threads';

/** The listing as path.join and path.relative give it: what manifestTargets gave before it joined by hand. */
function joinedListing(directory: string): Array<{ path: string; label: string }> {
  const walk = (dir: string): Array<{ path: string; label: string }> => fs.readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(full);
      return /\.ya?ml$/.test(entry.name) ? [{ path: full, label: path.relative(directory, full).split(path.sep).join('/') }] : [];
    });
  return walk(directory);
}

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'target-planning-'));
  const write = (file: string, bytes: number) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), `# ${'x'.repeat(bytes - 3)}\n`);
  };
  for (let i = 0; i < 3; i++) write(`small/file-${i}.yaml`, 100);
  write('one/big.yaml', 1000);
  for (let i = 0; i < 10; i++) write(`many/file-${i}.yml`, 50);
  write('many/nested/deeper.yaml', 50);
  write('many/notes.txt', 50);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('joinedPrefix is what path.join puts before a name, for every spelling of a directory', () => {
  for (const directory of ['.', './', '', 'a', 'a/', './a/./b/', '/', '//', 'a/..', '../x', 'x/../..', '/a//b', 'a/b/..', root, `${root}/`]) {
    expect([directory, `${joinedPrefix(directory)}file.yaml`]).toEqual([directory, path.join(directory, 'file.yaml')]);
  }
});

test('manifestTargets lists what path.join and path.relative give, nested folders included', () => {
  const corpus = path.join(__dirname);
  for (const directory of [corpus, `${corpus}/`, path.relative(process.cwd(), corpus), path.join(root, 'many')]) {
    const [target] = manifestTargets([directory]);
    expect(target.files).toEqual(joinedListing(directory));
  }
  expect(manifestTargets([path.join(root, 'many')])[0].files.map((file) => file.label)).toEqual([
    'file-0.yml', 'file-1.yml', 'file-2.yml', 'file-3.yml', 'file-4.yml', 'file-5.yml', 'file-6.yml', 'file-7.yml', 'file-8.yml',
    'file-9.yml', 'nested/deeper.yaml',
  ]);
});

test('planTargets stats files only until the sum exceeds the bound, and orders by bytes known and estimated', () => {
  const targets = manifestTargets(['small', 'one', 'many'].map((name) => path.join(root, name)));
  const files = 1000;
  // 1,850 bytes in all: no threads up to that bound (every file stat'ed to know it), threads above it.
  expect(planTargets(targets, { bytes: 1850, files })).toBeUndefined();
  expect(planTargets(targets, { bytes: 1849, files })?.order).toEqual([1, 2, 0]);
  const planned = planTargets(targets, { bytes: 250, files })!;
  // The third file of `small` passes 250 bytes: nothing after it is stat'ed here.
  expect(planned.targets.map((target) => target.files.map((file) => file.bytes))).toEqual([
    [100, 100, 100], [undefined], Array(11).fill(undefined),
  ]);
  // Estimated at the mean size stat'ed (100 bytes): many 1,100, small 300 (known), one 100.
  expect(planned.order).toEqual([2, 0, 1]);
  // Sizes already known are not stat'ed again, and count.
  const again = planTargets(planned.targets, { bytes: 250, files })!;
  expect(again.targets[0]).toBe(planned.targets[0]);
});

test('above the bound on files, planTargets stats nothing and orders by number of files', () => {
  const targets = manifestTargets(['small', 'one', 'many'].map((name) => path.join(root, name)));
  // 15 files.
  expect(planTargets(targets, { bytes: 1e9, files: 15 })).toBeUndefined();
  const planned = planTargets(targets, { bytes: 1e9, files: 14 })!;
  expect(planned.targets).toEqual(targets);
  expect(planned.targets.flatMap((target) => target.files).every((file) => file.bytes === undefined)).toBe(true);
  expect(planned.order).toEqual([2, 0, 1]);
});

test('the thread that takes a target stats the rest: reading in parts still sees every byte', () => {
  const [many] = manifestTargets([path.join(root, 'many')]);
  const sized = withFileSizes(many);
  expect(sized.bytes).toBe(11 * 50);
  expect(sized.target.files.every((file) => file.bytes === 50)).toBe(true);
  expect(withFileSizes(sized.target).target).toBe(sized.target); // all known: nothing to do
  const inParts = (partsAboveBytes: number) => {
    let reported = false;
    validateListedTarget(many, { partsAboveBytes, partsReport: () => { reported = true; } });
    return reported;
  };
  expect(inParts(549)).toBe(true);
  expect(inParts(550)).toBe(false);
});

test('targets reach a worker as they were planned: packed and unpacked, files, labels and sizes known or not', () => {
  const listed = manifestTargets([path.join(root, 'many'), path.join(root, 'small'), path.join(root, 'one', 'big.yaml')]);
  const planned = planTargets(listed, { bytes: 120, files: 1000 })!.targets;
  const empty = { given: 'none', name: 'none', isDirectory: true, files: [] };
  const zero = { given: 'z', name: 'z', isDirectory: false, files: [{ path: 'z.yaml', label: 'z.yaml', bytes: 0 }] };
  const targets = [...planned, empty, zero];
  expect(planned[0].files.filter((file) => file.bytes !== undefined)).toHaveLength(3); // some stat'ed, some not
  expect(unpackTargets(structuredClone(packTargets(targets)))).toEqual(targets);
});
