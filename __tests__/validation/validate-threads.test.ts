/**
 * `npm run validate` spreads targets over worker threads (lib/validation/validate-threads.ts): this thread reads, workers
 * judge. The problems must be exactly those of one thread, in the same order: checked on every corpus folder and file
 * of __tests__/validation as targets, with every target judged on a worker (which loads the engine through tsx here).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { idleThreads, onThreads, validateManifestFiles } from '../../lib/validation';

const CORPUS = path.join(__dirname);
const files = fs.readdirSync(CORPUS, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => path.join(e.parentPath, e.name)).sort();
const directories = [...new Set(files.map((file) => path.dirname(file)))].sort();

jest.setTimeout(300_000);

test.each([['every corpus folder as one target', directories, 2], ['every corpus file as its own target', files, 3]])(
  '%s: on worker threads, the same problems in the same order as in one thread',
  (_, paths, threads) => {
    const inThisThread = validateManifestFiles(paths);
    const onWorkers = validateManifestFiles(paths, {}, onThreads({ threads, aboveBytes: 0, workersOnly: true }));
    expect(onWorkers).toEqual(inThisThread);
    // Something to compare: problems from many targets, reading problems (first) among them.
    expect(new Set(inThisThread.problems.map((problem) => problem.target)).size).toBeGreaterThan(paths === files ? 300 : 10);
    expect(inThisThread.problems.some((problem) => problem.rule === 'yaml/parse')).toBe(true);
    // Shared by this thread and the workers: with the default, this thread takes targets too.
    expect(validateManifestFiles(paths, {}, onThreads({ threads: 2, aboveBytes: 0 }))).toEqual(inThisThread);
  },
);

test('small inputs and a single target stay in this thread', () => {
  // A worker script that does not exist would fail the run if a worker were started.
  const noWorker = path.join(CORPUS, 'no-such-worker.js');
  expect(validateManifestFiles(directories.slice(0, 3), {}, onThreads({ threads: 2, workerScript: noWorker })))
    .toEqual(validateManifestFiles(directories.slice(0, 3)));
  expect(validateManifestFiles([directories[0]], {}, onThreads({ threads: 2, aboveBytes: 0, workerScript: noWorker })))
    .toEqual(validateManifestFiles([directories[0]]));
});

test('targets validated in parts are read and judged on a worker, with the same problems', () => {
  const inParts = { partsAboveBytes: 0 };
  expect(validateManifestFiles(directories, inParts, onThreads({ threads: 2, aboveBytes: 0, workersOnly: true })))
    .toEqual(validateManifestFiles(directories, inParts));
});

test('a worker that never takes a target costs only its start: this thread judges them all', () => {
  const idleWorker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'idle-worker-')), 'idle.js');
  fs.writeFileSync(idleWorker, '// takes nothing\n');
  try {
    expect(validateManifestFiles(directories, {}, onThreads({ threads: 2, aboveBytes: 0, workerScript: idleWorker })))
      .toEqual(validateManifestFiles(directories));
  } finally {
    fs.rmSync(path.dirname(idleWorker), { recursive: true, force: true });
  }
});

test('an error on a worker is thrown here, as in one thread', () => {
  const missing = { given: 'gone', name: 'gone', isDirectory: false, files: [{ path: path.join(CORPUS, 'gone.yaml'), label: 'gone.yaml' }] };
  const targets = [{ target: missing, bytes: 0 }, { target: missing, bytes: 0 }];
  const validate = onThreads({ threads: 2, aboveBytes: -1, workersOnly: true });
  // Read whole, a target is read in this thread: its error is thrown as it is.
  expect(() => validate(targets, {})).toThrow(/ENOENT.*gone\.yaml/);
  // In parts, it is read on the worker, which posts the error back.
  expect(() => validate(targets, { partsAboveBytes: -1 })).toThrow(/ENOENT.*gone\.yaml/);
});

test('by default, this thread and one per core the load average leaves idle', () => {
  expect([0, 0.5, 1.5, 2.9, 3, 3.2, 12].map((load) => idleThreads(4, load))).toEqual([4, 4, 3, 2, 2, 1, 1]);
  expect(idleThreads(1, 0)).toBe(1);
  expect(idleThreads()).toBeGreaterThanOrEqual(1);
  expect(idleThreads()).toBeLessThanOrEqual(os.availableParallelism());
});
