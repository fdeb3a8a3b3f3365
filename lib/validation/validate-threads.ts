/**
 * Validates the targets of {@link validateManifestFiles} on worker threads: every thread, this one and each worker,
 * takes the next target not yet taken (largest first) and validates it whole (reads it, then judges it), until none
 * is left. Results are put back in target order, so the problems are the same, in the same order, as in one thread.
 *
 * Why whole targets rather than a pipeline by phase (this thread reading, workers judging what it hands over, as
 * issue 14 first had it): the pipeline balances only while reading and judging cost about the same, and they do not
 * stay so (a faster reader, cheaper checks); when the workers fell behind, this thread took targets back and judged
 * them with its engine cold for judging (2.4x a worker's cost), and every target handed over was copied (structured
 * clone, 0.18 s of a 20,000-object run on the worker). Whole targets balance themselves at any ratio, copy only
 * results, and hold one target per thread. The old objection, V8's optimizing compiler paid twice, holds less since
 * scripts/validate.cjs tunes that compiler for a short run, and the pipeline paid it twice anyway (take-backs, whole
 * targets on an idle worker). Largest first, so that the last targets taken, whose end nothing overlaps, are small
 * ("largest" as far as {@link planTargets} stat'ed the files: the thread that takes a target stats the rest).
 *
 * Start-up: a worker loads the engine (a new V8 isolate, the bundle) before it can take a target, about as long as
 * this thread takes to load it and list the files. scripts/validate.cjs therefore starts its workers before
 * this thread loads the bundle, as waiting workers ({@link ThreadOptions.waitingWorkers}), and this module hands them
 * their input once the targets are known; workers not needed (one thread, a small input) are terminated.
 *
 * A target is taken by an atomic increment of a shared counter. This thread validates synchronously, like the rest of
 * the engine, then waits for the workers' results as events (a promise), not blocked in Atomics.wait: a worker that
 * stops while it holds a target (out of memory, an error outside the engine) is then seen, and the run fails with an
 * error naming the target and why the worker stopped, where a blocked thread would wait for its result forever. A
 * worker that has not started when every target is taken takes none, so a slow or missing worker costs nothing but its
 * start. A target validated in parts (bounded memory) is read in parts by whichever thread takes it.
 */
import * as os from 'os';
import { isMainThread, MessageChannel, MessagePort, parentPort, receiveMessageOnPort, Worker, workerData } from 'worker_threads';
import { ManifestTarget } from './load-manifests';
import { AsyncTargetsValidator, fileWithSize, ValidatedTarget, ValidateFilesOptions, validateListedTarget } from './validate-files';

/**
 * Up to this many bytes in all (and up to THREADS_ABOVE_FILES files), starting a worker (loading the engine, its schemas
 * and CEL programs) costs more than it saves.
 */
export const THREADS_ABOVE_BYTES = 4 * 2 ** 20;

/**
 * Above this many files in all, threads pay whatever their size: as many files of rendered manifests (0.5 KB each on
 * average, as this app renders them) are about THREADS_ABOVE_BYTES, and each file costs its system calls besides.
 * Spares stat'ing thousands of files before any thread starts.
 */
export const THREADS_ABOVE_FILES = 8000;

export interface ThreadOptions {
  /**
   * Threads in all, this one included; 1 validates in this thread only.
   * @default idleThreads(): this one and one per idle core
   */
  readonly threads?: number;
  /**
   * Inputs of at most this many bytes (and at most {@link aboveFiles} files) are validated in this thread only.
   * @default THREADS_ABOVE_BYTES (4 MiB)
   */
  readonly aboveBytes?: number;
  /**
   * Inputs of more files than this are validated on threads, whatever their bytes.
   * @default THREADS_ABOVE_FILES (8,000)
   */
  readonly aboveFiles?: number;
  /**
   * The script a worker runs: one that loads this module (which serves when it is loaded in a worker started here).
   * A .ts script is loaded through tsx.
   * @default this module's file (in the bundle of scripts/validate.cjs, the bundle)
   */
  readonly workerScript?: string;
  /**
   * Workers already started, waiting for their input (see {@link startWaitingWorker}): used before any is started
   * here; those not needed are terminated.
   * @default none
   */
  readonly waitingWorkers?: readonly Worker[];
  /**
   * For tests: this thread validates no target and waits for the workers, so that every target is validated on one.
   * @default false
   */
  readonly workersOnly?: boolean;
}

/** How long {@link ThreadOptions.workersOnly} waits for a worker's next result. */
const WORKERS_ONLY_TIMEOUT_MS = 300_000;

const MARK = 'lib/validation/validate-threads';

/** What a user can do when a worker stops: run on this thread only (`$VALIDATE_THREADS`, read by scripts/validate.ts). */
const ONE_THREAD_HINT = 'VALIDATE_THREADS=1 validates on one thread';

/**
 * Slots of the shared array: the next target to take (a position in `order`), then one per worker, the position it
 * holds plus one (0: none), set when it takes a target and cleared once it has posted the result.
 */
const NEXT = 0;
const HELD = 1;

interface WorkerInput {
  readonly [MARK]: true;
  readonly shared: Int32Array;
  /** The targets in the order they are taken (largest first). */
  readonly order: readonly number[];
  readonly targets: PackedTargets;
  readonly options: ValidateFilesOptions;
  readonly port: MessagePort;
  /** The worker's own slot in `shared`: HELD + its number. */
  readonly held: number;
}

/**
 * Targets as a worker gets them: per target its paths and labels each joined into one string ("\0" is in no file name)
 * and its sizes in one array (-1: not stat'ed). 20,000 file objects cost 15 ms to serialize (on this thread, before it
 * takes a target) and 16-40 ms to deserialize (measured apart from a run); a few strings and arrays copy in about 1 ms.
 * The worker's first target still waits mostly on its own start-up, so what this saves is CPU, not the worker's start.
 */
export interface PackedTargets {
  readonly targets: ReadonlyArray<{ readonly given: string; readonly name: string; readonly isDirectory: boolean }>;
  readonly paths: readonly string[];
  readonly labels: readonly string[];
  readonly bytes: readonly Float64Array[];
}

/** The targets as {@link PackedTargets}, for a worker's input. */
export function packTargets(targets: readonly ManifestTarget[]): PackedTargets {
  return {
    targets: targets.map(({ given, name, isDirectory }) => ({ given, name, isDirectory })),
    paths: targets.map((target) => target.files.map((file) => file.path).join('\0')),
    labels: targets.map((target) => target.files.map((file) => file.label).join('\0')),
    bytes: targets.map((target) => Float64Array.from(target.files, (file) => file.bytes ?? -1)),
  };
}

/** The targets {@link packTargets} packed, as they were (in a worker). */
export function unpackTargets(packed: PackedTargets): ManifestTarget[] {
  return packed.targets.map(({ given, name, isDirectory }, index) => {
    const sizes = packed.bytes[index];
    if (sizes.length === 0) return { given, name, isDirectory, files: [] }; // '' would split into one empty name
    const labels = packed.labels[index].split('\0');
    const files = packed.paths[index].split('\0').map((filePath, at) =>
      (sizes[at] < 0 ? { path: filePath, label: labels[at] } : { path: filePath, label: labels[at], bytes: sizes[at] }));
    return { given, name, isDirectory, files };
  });
}

/** The workerData of a waiting worker: it gets its {@link WorkerInput} as its first message. */
interface WaitingWorkerData {
  readonly [MARK]: true;
  readonly waiting: true;
}

type WorkerMessage =
  | { readonly index: number; readonly result: ValidatedTarget }
  | { readonly index: number; readonly error: { readonly name: string; readonly message: string; readonly stack?: string } };

/**
 * This thread and one more per core left idle by the rest of the machine (by the 1-minute load average): a worker
 * only shortens the run when it gets a core of its own; on a machine with no core free it would only cost.
 */
export function idleThreads(cores = os.availableParallelism(), loadAverage = os.loadavg()[0]): number {
  return Math.max(1, Math.min(cores, 1 + Math.floor(cores - loadAverage)));
}

/**
 * A validator (for validateManifestFilesAsync) that spreads the targets over threads, or validates them here when that
 * cannot pay. It rejects when a worker stops while it holds a target, naming the target.
 */
export function onThreads(threadOptions: ThreadOptions = {}): AsyncTargetsValidator {
  return async (targets, options) => {
    const threads = Math.min(threadOptions.threads ?? idleThreads(), targets.length + 1);
    const waiting = threadOptions.waitingWorkers ?? [];
    const bounds = { bytes: threadOptions.aboveBytes ?? THREADS_ABOVE_BYTES, files: threadOptions.aboveFiles ?? THREADS_ABOVE_FILES };
    const planned = threads >= 2 && targets.length >= 2 ? planTargets(targets, bounds) : undefined;
    if (planned === undefined) {
      for (const worker of waiting) stopUnused(worker);
      return targets.map((target) => validateListedTarget(target, options));
    }
    for (const worker of waiting.slice(threads - 1)) stopUnused(worker);
    return validateOnThreads(planned, options, threads - 1, threadOptions.workerScript ?? __filename, threadOptions.workersOnly ?? false,
      waiting.slice(0, threads - 1));
  };
}

/** Targets to spread over threads, in the order they are taken (largest first, by {@link planTargets}). */
export interface PlannedTargets {
  readonly targets: readonly ManifestTarget[];
  readonly order: readonly number[];
}

/**
 * The targets in the order threads take them, largest first, when there are more files than `above.files` or their
 * files add up to more than `above.bytes`; undefined otherwise (then threads cannot pay). Files are stat'ed only until
 * the sum exceeds `above.bytes` (none above `above.files`), and carry the sizes found, so nothing is stat'ed twice: the
 * rest are stat'ed by the thread that takes their target (validateListedTarget), in parallel, rather than one after
 * the other here before any thread starts (0.1-0.2 s of a 20,000-file run). The order counts the bytes stat'ed, and
 * for each file not stat'ed the mean size of those that were (or 1: by number of files).
 */
export function planTargets(targets: readonly ManifestTarget[], above: { readonly bytes: number; readonly files: number }):
  PlannedTargets | undefined {
  const files = targets.reduce((sum, target) => sum + target.files.length, 0);
  let bytes = 0;
  let sizedFiles = 0;
  const enough = () => files > above.files || bytes > above.bytes;
  const sized = targets.map((target) => {
    const withSizes = target.files.map((listed) => {
      const file = enough() && listed.bytes === undefined ? listed : fileWithSize(listed);
      if (file.bytes !== undefined) {
        bytes += file.bytes;
        sizedFiles++;
      }
      return file;
    });
    return withSizes.every((file, at) => file === target.files[at]) ? target : { ...target, files: withSizes };
  });
  if (!enough()) return undefined;
  const meanBytes = sizedFiles > 0 ? bytes / sizedFiles : 1;
  const estimate = sized.map((target) => target.files.reduce((sum, file) => sum + (file.bytes ?? meanBytes), 0));
  const order = sized.map((_, index) => index).sort((a, b) => estimate[b] - estimate[a] || a - b);
  return { targets: sized, order };
}

/**
 * A worker running `script` (the sources through tsx when it is a .ts file) that loads the engine, then waits for
 * its input: for {@link ThreadOptions.waitingWorkers}. scripts/validate.cjs starts its own the same way, in plain
 * JavaScript before the bundle is loaded (workerData `{ 'lib/validation/validate-threads': true, waiting: true }`).
 */
export function startWaitingWorker(script: string = __filename): Worker {
  const data: WaitingWorkerData = { [MARK]: true, waiting: true };
  return startWorker(script, data, []);
}

/** Terminates a waiting worker the run does not use; an error it had (it may not have loaded) concerns no result. */
function stopUnused(worker: Worker): void {
  worker.on('error', () => undefined);
  void worker.terminate();
}

/** A worker running `script`, or the sources through tsx when it is a .ts file. */
function startWorker(script: string, data: WorkerInput | WaitingWorkerData, transferList: MessagePort[]): Worker {
  const worker = script.endsWith('.ts')
    ? new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(script)});`,
      { eval: true, workerData: data, transferList })
    : new Worker(script, { workerData: data, transferList });
  worker.unref(); // the process does not wait for a worker's exit (it is done, or took nothing, when this returns)
  return worker;
}

async function validateOnThreads({ targets, order }: PlannedTargets, options: ValidateFilesOptions, workerCount: number,
  script: string, workersOnly: boolean, waitingWorkers: readonly Worker[]): Promise<ValidatedTarget[]> {
  const shared = new Int32Array(new SharedArrayBuffer(4 * (HELD + workerCount)));
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  /** Why each worker stopped: its error, else its exit code (set by its events, once this thread waits). */
  const stopped: Array<string | undefined> = [];
  const results: ValidatedTarget[] = [];
  let done = 0;
  const packed = packTargets(targets);
  for (let worker = 0; worker < workerCount; worker++) {
    const { port1, port2 } = new MessageChannel();
    const input: WorkerInput = { [MARK]: true, shared, order, targets: packed, options, port: port2, held: HELD + worker };
    if (worker < waitingWorkers.length) {
      waitingWorkers[worker].postMessage(input, [port2]);
      workers.push(waitingWorkers[worker]);
    } else {
      workers.push(startWorker(script, input, [port2]));
    }
    ports.push(port1);
  }

  /** Takes a posted result (throws a worker's error). */
  const take = (message: WorkerMessage): void => {
    if ('error' in message) throw Object.assign(new Error(message.error.message), message.error);
    results[message.index] = message.result;
    done++;
  };
  /** Why the run cannot finish, if it cannot: a worker stopped holding a target, or no thread is left for those pending. */
  const cannotFinish = (): Error | undefined => {
    for (let worker = 0; worker < workerCount; worker++) {
      if (stopped[worker] === undefined) continue;
      // What it posted before it stopped may still be queued: take it first.
      for (let received = receiveMessageOnPort(ports[worker]); received !== undefined; received = receiveMessageOnPort(ports[worker])) {
        take(received.message as WorkerMessage);
      }
      const held = Atomics.load(shared, HELD + worker);
      if (held !== 0 && results[order[held - 1]] === undefined) {
        return new Error(`a validation worker stopped (${stopped[worker]}) while validating ${targets[order[held - 1]].given}; `
          + `nothing was judged of it (${ONE_THREAD_HINT})`);
      }
    }
    if (done < targets.length && stopped.filter((why) => why !== undefined).length === workerCount) {
      return new Error(`every validation worker stopped (${stopped.join('; ')}) with ${targets.length - done} targets not validated `
        + `(${ONE_THREAD_HINT})`);
    }
    return undefined;
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    // Listened to from the start (a worker's error with no listener would end the process), heard once this thread waits.
    workers.forEach((worker, at) => {
      worker.on('error', (error) => {
        stopped[at] ??= `${error.name}: ${error.message}`;
      });
    });
    if (!workersOnly) {
      for (let next = Atomics.add(shared, NEXT, 1); next < order.length; next = Atomics.add(shared, NEXT, 1)) {
        results[order[next]] = validateListedTarget(targets[order[next]], options);
        done++;
      }
    }
    // Every target is taken: wait for those the workers took, or for a reason they will not come.
    await new Promise<void>((resolve, reject) => {
      const settle = (): void => {
        try {
          const failure = done < targets.length ? cannotFinish() : undefined;
          if (failure !== undefined) reject(failure);
          else if (done === targets.length) resolve();
        } catch (error) {
          reject(error);
        }
      };
      if (workersOnly) {
        timer = setTimeout(() => reject(new Error(`no worker posted a result in ${WORKERS_ONLY_TIMEOUT_MS} ms`)), WORKERS_ONLY_TIMEOUT_MS);
      }
      ports.forEach((port) => port.on('message', (message: WorkerMessage) => {
        timer?.refresh(); // the timeout is for the next result, not for all of them
        try {
          take(message);
        } catch (error) {
          reject(error);
          return;
        }
        settle();
      }));
      workers.forEach((worker, at) => worker.on('exit', (code) => {
        stopped[at] ??= `exit code ${code}`;
        settle();
      }));
      settle();
    });
  } finally {
    clearTimeout(timer);
    Atomics.store(shared, NEXT, order.length); // after an error here, the workers take nothing more
    for (const port of ports) port.close();
    for (const worker of workers) void worker.terminate();
  }
  return results;
}

/** In a worker started by {@link onThreads}: validates the next target not yet taken, until none is left. */
function serve(input: WorkerInput): void {
  const { shared, order, options, port, held } = input;
  const targets = unpackTargets(input.targets);
  for (let next = Atomics.add(shared, NEXT, 1); next < order.length; next = Atomics.add(shared, NEXT, 1)) {
    Atomics.store(shared, held, next + 1);
    const index = order[next];
    let message: WorkerMessage;
    try {
      message = { index, result: validateListedTarget(targets[index], options) };
    } catch (error) {
      const { name, message: text, stack } = error instanceof Error ? error : new Error(String(error));
      message = { index, error: { name, message: text, stack } };
    }
    port.postMessage(message);
    Atomics.store(shared, held, 0);
  }
}

/** True in a worker thread started by {@link onThreads} (where a CLI that bundles this module must not run its own main). */
export function isValidationWorker(): boolean {
  return !isMainThread && typeof workerData === 'object' && workerData !== null && (workerData as Partial<WorkerInput>)[MARK] === true;
}

if (isValidationWorker()) {
  if ((workerData as Partial<WaitingWorkerData>).waiting === true) parentPort?.once('message', (input: WorkerInput) => serve(input));
  else serve(workerData as WorkerInput);
}
