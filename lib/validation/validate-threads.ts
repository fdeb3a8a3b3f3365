/**
 * Validates the targets of {@link validateManifestFiles} on worker threads, as a pipeline: this thread takes the next
 * target (largest first), reads it and hands it, read, to a worker, which judges it while this thread reads the next
 * one; a worker with nothing to judge takes the next target itself and validates it whole. Results are put back in
 * target order, so the problems are the same, in the same order, as in one thread.
 *
 * Why a pipeline rather than each thread reading and judging whole targets: a thread's engine warms up (interpreted
 * code, then compiled by V8's optimizing compiler) on what it runs. Two threads that each run everything pay that twice,
 * and the compiler's helper threads of two engines then take the cores from the threads themselves: on 2 cores, two
 * threads took a third more CPU time than one and finished hardly sooner. Split by phase, this thread warms up only on
 * reading, and handing a read target over (structured clone) costs a fraction of reading it.
 *
 * Synchronous, like the rest of the engine: a worker judges a target only after taking it (compare-and-swap of its
 * state), and this thread takes back, and judges itself, what no worker has taken when the workers fall behind (more
 * than {@link QUEUED_PER_WORKER} targets waiting each) or have not started once everything is taken; it waits for
 * results with Atomics.wait and reads them with receiveMessageOnPort. So a slow or missing worker costs nothing but
 * its start. A target validated in parts (bounded memory) is handed over unread and read by the worker itself.
 */
import * as os from 'os';
import { isMainThread, MessageChannel, MessagePort, receiveMessageOnPort, Worker, workerData } from 'worker_threads';
import {
  isReadWhole, judgeReadTarget, ReadTarget, readWholeTarget, SizedTarget, TargetsValidator, ValidatedTarget, ValidateFilesOptions,
  validateSizedTarget,
} from './validate-files';

/** Below this many bytes in all, starting a worker (loading the engine, its schemas and CEL programs) costs more than it saves. */
export const THREADS_ABOVE_BYTES = 4 * 2 ** 20;

export interface ThreadOptions {
  /**
   * Threads in all, this one included; 1 validates in this thread only.
   * @default idleThreads(): this one and one per idle core
   */
  readonly threads?: number;
  /**
   * Inputs of at most this many bytes are validated in this thread only.
   * @default THREADS_ABOVE_BYTES (4 MiB)
   */
  readonly aboveBytes?: number;
  /**
   * The script a worker runs: one that loads this module (which serves when it is loaded in a worker started here).
   * A .ts script is loaded through tsx.
   * @default this module's file (in the bundle of scripts/validate.cjs, the bundle)
   */
  readonly workerScript?: string;
  /**
   * For tests: this thread judges no target and waits for the workers, so that every target is judged on one.
   * @default false
   */
  readonly workersOnly?: boolean;
}

/** How long {@link ThreadOptions.workersOnly} waits for a worker's next result. */
const WORKERS_ONLY_TIMEOUT_MS = 300_000;

/**
 * Targets handed to a worker and not yet judged, beyond which this thread judges the last one handed over itself.
 * Also what bounds memory: at most this many targets read ahead per worker.
 */
export const QUEUED_PER_WORKER = 3;

const MARK = 'lib/validation/validate-threads';

/**
 * Slots of the shared array: results posted (what this thread waits on), the next target to take (in `order`), targets
 * handed over (what an idle worker waits on), whether this thread is done, then per worker whether it started, then
 * per target its state.
 */
const POSTED = 0;
const NEXT = 1;
const HANDED = 2;
const DONE = 3;
const startedSlot = (worker: number) => 4 + worker;

/** A target's state: handed to a worker, taken by it, or taken back here. */
const QUEUED = 1;
const ON_WORKER = 2;
const HERE = 3;

interface WorkerInput {
  readonly [MARK]: true;
  readonly worker: number;
  readonly shared: Int32Array;
  /** Where the targets' states start in `shared`. */
  readonly states: number;
  /** The targets in the order they are taken (largest first). */
  readonly order: readonly number[];
  readonly targets: readonly SizedTarget[];
  readonly options: ValidateFilesOptions;
  readonly port: MessagePort;
  /** Whether the worker, when it has nothing to judge, takes the next target and validates it whole. */
  readonly takesTargets: boolean;
}

/** A target for a worker: read (judge it), or unread (validate it whole with {@link validateSizedTarget}: in parts). */
interface Task {
  readonly index: number;
  readonly read?: ReadTarget;
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

/** A {@link TargetsValidator} that spreads the targets over threads, or validates them here when that cannot pay. */
export function onThreads(threadOptions: ThreadOptions = {}): TargetsValidator {
  return (targets, options) => {
    const threads = Math.min(threadOptions.threads ?? idleThreads(), targets.length + 1);
    const bytes = targets.reduce((sum, target) => sum + target.bytes, 0);
    if (threads < 2 || targets.length < 2 || bytes <= (threadOptions.aboveBytes ?? THREADS_ABOVE_BYTES)) {
      return targets.map((target) => validateSizedTarget(target, options));
    }
    return validateOnThreads(targets, options, threads - 1, threadOptions.workerScript ?? __filename, threadOptions.workersOnly ?? false);
  };
}

/** A worker running `script`, or the sources through tsx when it is a .ts file. */
function startWorker(script: string, input: WorkerInput): Worker {
  const worker = script.endsWith('.ts')
    ? new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(script)});`,
      { eval: true, workerData: input, transferList: [input.port] })
    : new Worker(script, { workerData: input, transferList: [input.port] });
  worker.unref(); // the process does not wait for a worker's exit (it is done, or its targets were taken back, when this returns)
  return worker;
}

function validateOnThreads(targets: readonly SizedTarget[], options: ValidateFilesOptions, workerCount: number, script: string,
  workersOnly: boolean): ValidatedTarget[] {
  // Largest first, so that the last target read, whose judging nothing overlaps, is a small one.
  const order = targets.map((_, index) => index).sort((a, b) => targets[b].bytes - targets[a].bytes || a - b);
  const states = startedSlot(workerCount);
  const shared = new Int32Array(new SharedArrayBuffer(4 * (states + targets.length)));
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  const results: ValidatedTarget[] = [];
  let done = 0;
  /** Per worker, the targets handed to it and not yet judged, in the order handed over (what it holds alive). */
  const queues: Map<number, Task>[] = [];
  let waiting = 0;
  for (let worker = 0; worker < workerCount; worker++) {
    const { port1, port2 } = new MessageChannel();
    const input: WorkerInput = { [MARK]: true, worker, shared, states, order, targets, options, port: port2, takesTargets: !workersOnly };
    workers.push(startWorker(script, input));
    ports.push(port1);
    queues.push(new Map());
  }

  /** Takes back the target handed over last that its worker has not taken yet, and judges it here; false when there is none. */
  const takeBack = (worker: number): boolean => {
    const tasks = [...queues[worker].values()];
    for (let i = tasks.length - 1; i >= 0; i--) {
      const { index, read } = tasks[i];
      if (Atomics.compareExchange(shared, states + index, QUEUED, HERE) !== QUEUED) continue;
      queues[worker].delete(index);
      waiting--;
      results[index] = read !== undefined ? judgeReadTarget(read, options) : validateSizedTarget(targets[index], options);
      done++;
      return true;
    }
    return false;
  };
  let seen = 0;
  /** Reads the results posted so far (throws a worker's error); returns whether there were any. */
  const collect = (): boolean => {
    seen = Atomics.load(shared, POSTED);
    let any = false;
    ports.forEach((port, worker) => {
      for (let received = receiveMessageOnPort(port); received !== undefined; received = receiveMessageOnPort(port)) {
        const message = received.message as WorkerMessage;
        if ('error' in message) throw Object.assign(new Error(message.error.message), message.error);
        results[message.index] = message.result;
        done++;
        if (queues[worker].delete(message.index)) waiting--;
        any = true;
      }
    });
    return any;
  };
  const waitForResult = (): void => {
    if (Atomics.wait(shared, POSTED, seen, workersOnly ? WORKERS_ONLY_TIMEOUT_MS : undefined) === 'timed-out') {
      throw new Error(`no worker posted a result in ${WORKERS_ONLY_TIMEOUT_MS} ms`);
    }
  };

  try {
    // Targets are taken in `order` by this thread (read here, judged on a worker) and by idle workers (validated whole there).
    for (let next = Atomics.add(shared, NEXT, 1); next < order.length; next = Atomics.add(shared, NEXT, 1)) {
      const index = order[next];
      collect();
      // The workers fall behind: judge here what they have not taken, rather than read further ahead.
      while (!workersOnly && waiting >= QUEUED_PER_WORKER * workerCount) {
        if (!queues.some((_, worker) => takeBack(worker))) waitForResult();
        collect();
      }
      const worker = queues.reduce((least, queue, at) => (queue.size < queues[least].size ? at : least), 0);
      const task: Task = isReadWhole(targets[index], options) ? { index, read: readWholeTarget(targets[index].target) } : { index };
      Atomics.store(shared, states + index, QUEUED);
      ports[worker].postMessage(task);
      queues[worker].set(index, task);
      waiting++;
      Atomics.add(shared, HANDED, 1);
      Atomics.notify(shared, HANDED);
    }
    // Everything is taken: what a worker that has not started holds, and all but one of what a started one has not taken, is judged here.
    while (done < targets.length) {
      if (collect()) continue;
      const behind = !workersOnly && queues.some((queue, worker) => {
        const untaken = [...queue.keys()].filter((index) => Atomics.load(shared, states + index) === QUEUED).length;
        return untaken > (Atomics.load(shared, startedSlot(worker)) === 1 ? 1 : 0) && takeBack(worker);
      });
      if (!behind) waitForResult();
    }
  } finally {
    Atomics.store(shared, DONE, 1);
    Atomics.add(shared, HANDED, 1);
    Atomics.notify(shared, HANDED);
    for (const port of ports) port.close();
    for (const worker of workers) void worker.terminate();
  }
  return results;
}

/**
 * In a worker started by {@link onThreads}: judges each target handed to it, unless this thread took it back first;
 * with nothing to judge, takes the next target not yet taken and validates it whole; returns when this thread is done.
 */
function serve(input: WorkerInput): void {
  const { worker, shared, states, order, targets, options, port, takesTargets } = input;
  Atomics.store(shared, startedSlot(worker), 1);
  const post = (index: number, validate: () => ValidatedTarget): void => {
    let message: WorkerMessage;
    try {
      message = { index, result: validate() };
    } catch (error) {
      const { name, message: text, stack } = error instanceof Error ? error : new Error(String(error));
      message = { index, error: { name, message: text, stack } };
    }
    port.postMessage(message);
    Atomics.add(shared, POSTED, 1);
    Atomics.notify(shared, POSTED);
  };
  for (;;) {
    const handed = Atomics.load(shared, HANDED);
    const received = receiveMessageOnPort(port);
    if (received !== undefined) {
      const { index, read } = received.message as Task;
      if (Atomics.compareExchange(shared, states + index, QUEUED, ON_WORKER) === QUEUED) {
        post(index, () => (read !== undefined ? judgeReadTarget(read, options) : validateSizedTarget(targets[index], options)));
      }
      continue;
    }
    if (Atomics.load(shared, DONE) === 1) return;
    const next = takesTargets ? Atomics.add(shared, NEXT, 1) : order.length;
    if (next < order.length) post(order[next], () => validateSizedTarget(targets[order[next]], options));
    else Atomics.wait(shared, HANDED, handed);
  }
}

/** True in a worker thread started by {@link onThreads} (where a CLI that bundles this module must not run its own main). */
export function isValidationWorker(): boolean {
  return !isMainThread && typeof workerData === 'object' && workerData !== null && (workerData as Partial<WorkerInput>)[MARK] === true;
}

if (isValidationWorker()) serve(workerData as WorkerInput);
