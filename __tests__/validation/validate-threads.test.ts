/**
 * `npm run validate` spreads targets over worker threads (lib/validation/validate-threads.ts): each thread takes the next
 * target and validates it whole. The problems must be exactly those of one thread, in the same order: checked on every
 * corpus folder and file of __tests__/validation as targets, with every target validated on a worker (which loads the
 * engine through tsx here), and with workers started before the targets are known (waiting workers).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { idleThreads, onThreads, startWaitingWorker, validateManifestFiles, validateManifestFilesAsync } from '../../lib/validation';

const CORPUS = path.join(__dirname);
const MODULE = path.join(__dirname, '..', '..', 'lib', 'validation', 'validate-threads.ts');
/** A worker script that does not exist: a run that started a worker with it would fail (an uncaught worker error). */
const NO_WORKER = path.join(CORPUS, 'no-such-worker.js');

/** Resolves when the worker exits, to 'running' if it has not within 30 s (it was not terminated). */
const exited = (worker: Worker) => new Promise<string>((resolve) => {
  const timer = setTimeout(() => resolve('running'), 30_000);
  worker.once('exit', () => {
    clearTimeout(timer);
    resolve('exited');
  });
});
const files = fs.readdirSync(CORPUS, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => path.join(e.parentPath, e.name)).sort();
const directories = [...new Set(files.map((file) => path.dirname(file)))].sort();

jest.setTimeout(300_000);

test.each([['every corpus folder as one target', directories, 2], ['every corpus file as its own target', files, 3]])(
  '%s: on worker threads, the same problems in the same order as in one thread',
  async (_, paths, threads) => {
    const inThisThread = validateManifestFiles(paths);
    const onWorkers = await validateManifestFilesAsync(paths, {}, onThreads({ threads, aboveBytes: 0, workersOnly: true }));
    expect(onWorkers).toEqual(inThisThread);
    // Something to compare: problems from many targets, reading problems (first) among them.
    expect(new Set(inThisThread.problems.map((problem) => problem.target)).size).toBeGreaterThan(paths === files ? 300 : 10);
    expect(inThisThread.problems.some((problem) => problem.rule === 'yaml/parse')).toBe(true);
    // Shared by this thread and the workers: with the default, this thread takes targets too.
    expect(await validateManifestFilesAsync(paths, {}, onThreads({ threads: 2, aboveBytes: 0 }))).toEqual(inThisThread);
  },
);

test('small inputs and a single target stay in this thread', async () => {
  expect(await validateManifestFilesAsync(directories.slice(0, 3), {}, onThreads({ threads: 2, workerScript: NO_WORKER })))
    .toEqual(validateManifestFiles(directories.slice(0, 3)));
  expect(await validateManifestFilesAsync([directories[0]], {}, onThreads({ threads: 2, aboveBytes: 0, workerScript: NO_WORKER })))
    .toEqual(validateManifestFiles([directories[0]]));
});

test('targets validated in parts are read and judged on a worker, with the same problems', async () => {
  const inParts = { partsAboveBytes: 0 };
  expect(await validateManifestFilesAsync(directories, inParts, onThreads({ threads: 2, aboveBytes: 0, workersOnly: true })))
    .toEqual(validateManifestFiles(directories, inParts));
});

test('a worker that never takes a target costs only its start: this thread judges them all', async () => {
  const idleWorker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'idle-worker-')), 'idle.js');
  fs.writeFileSync(idleWorker, '// takes nothing\n');
  try {
    expect(await validateManifestFilesAsync(directories, {}, onThreads({ threads: 2, aboveBytes: 0, workerScript: idleWorker })))
      .toEqual(validateManifestFiles(directories));
  } finally {
    fs.rmSync(path.dirname(idleWorker), { recursive: true, force: true });
  }
});

test('an error on a worker is thrown here, as in one thread', async () => {
  const missing = { given: 'gone', name: 'gone', isDirectory: false, files: [{ path: path.join(CORPUS, 'gone.yaml'), label: 'gone.yaml' }] };
  const targets = [missing, missing];
  const validate = onThreads({ threads: 2, aboveBytes: -1, workersOnly: true });
  // Whole or in parts, a target is read on the worker, which posts the error back.
  await expect(validate(targets, {})).rejects.toThrow(/ENOENT.*gone\.yaml/);
  await expect(validate(targets, { partsAboveBytes: -1 })).rejects.toThrow(/ENOENT.*gone\.yaml/);
});

test('a worker that stops while it holds a target fails the run, naming the target and why, instead of waiting for it', async () => {
  // The worker serves as usual, but its thread ends (process.exit in a worker ends the worker) when it opens die.yaml;
  // the engine itself never calls process.exit, so a stop like this is what running out of memory looks like here.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dying-worker-'));
  try {
    const dying = path.join(scratch, 'die.yaml');
    fs.writeFileSync(dying, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    const dyingWorker = path.join(scratch, 'dying-worker.js');
    fs.writeFileSync(dyingWorker, [
      "const fs = require('fs');",
      'const openSync = fs.openSync;',
      "fs.openSync = (file, ...rest) => (String(file).endsWith('die.yaml') ? process.exit(9) : openSync(file, ...rest));",
      `require(${JSON.stringify(require.resolve('tsx/cjs'))});`,
      `require(${JSON.stringify(MODULE)});`,
      '',
    ].join('\n'));
    const target = { given: dying, name: 'die.yaml', isDirectory: false, files: [{ path: dying, label: 'die.yaml' }] };
    const validate = onThreads({ threads: 2, aboveBytes: -1, workersOnly: true, workerScript: dyingWorker });
    await expect(validate([target, target], {})).rejects.toThrow(
      `a validation worker stopped (exit code 9) while validating ${dying}; nothing was judged of it (VALIDATE_THREADS=1 validates on one thread)`);
    // A worker that ends without taking any: once every worker has stopped, nothing is left to wait for.
    const quitting = path.join(scratch, 'quitting-worker.js');
    fs.writeFileSync(quitting, '// serves nothing, and its thread ends\n');
    await expect(onThreads({ threads: 2, aboveBytes: -1, workersOnly: true, workerScript: quitting })([target, target], {}))
      .rejects.toThrow('every validation worker stopped (exit code 0) with 2 targets not validated (VALIDATE_THREADS=1 validates on one thread)');
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});

test('a waiting worker, started before the targets are known, validates them as a worker started for them does', async () => {
  const waiting = startWaitingWorker(MODULE);
  const onWaiting = await validateManifestFilesAsync(directories, {}, onThreads({
    threads: 2, aboveBytes: 0, workersOnly: true, waitingWorkers: [waiting], workerScript: NO_WORKER,
  }));
  expect(onWaiting).toEqual(validateManifestFiles(directories));
  expect(await exited(waiting)).toBe('exited'); // terminated once done
});

test('waiting workers a run does not use are terminated: one thread, a small input, more than the threads', async () => {
  const idle = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'waiting-worker-')), 'idle.js');
  fs.writeFileSync(idle, 'setInterval(() => {}, 1000); // never exits by itself\n');
  try {
    const start = () => {
      const worker = new Worker(idle);
      worker.unref(); // should one not be terminated, the test fails rather than hangs
      return worker;
    };
    const oneThread = [start()];
    await validateManifestFilesAsync(directories.slice(0, 2), {}, onThreads({ threads: 1, aboveBytes: 0, waitingWorkers: oneThread }));
    const small = [start()];
    await validateManifestFilesAsync(directories.slice(0, 3), {}, onThreads({ threads: 2, waitingWorkers: small, workerScript: NO_WORKER }));
    // Two threads want one worker: the second waiting one goes at once, the first once the run is done. Neither takes
    // a target (they run a script that does not serve), so this thread validates all of them.
    const moreThanThreads = [start(), start()];
    expect(await validateManifestFilesAsync(directories, {}, onThreads({ threads: 2, aboveBytes: 0, waitingWorkers: moreThanThreads })))
      .toEqual(validateManifestFiles(directories));
    expect(await Promise.all([...oneThread, ...small, ...moreThanThreads].map(exited))).toEqual(['exited', 'exited', 'exited', 'exited']);
  } finally {
    fs.rmSync(path.dirname(idle), { recursive: true, force: true });
  }
});

test('by default, this thread and one per core the load average leaves idle', () => {
  expect([0, 0.5, 1.5, 2.9, 3, 3.2, 12].map((load) => idleThreads(4, load))).toEqual([4, 4, 3, 2, 2, 1, 1]);
  expect(idleThreads(1, 0)).toBe(1);
  expect(idleThreads()).toBeGreaterThanOrEqual(1);
  expect(idleThreads()).toBeLessThanOrEqual(os.availableParallelism());
});
