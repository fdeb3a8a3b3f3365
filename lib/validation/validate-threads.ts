/**
 * Validates the targets of {@link validateManifestFiles} on worker threads: targets are independent, so each thread
 * (this one included) takes the next target not yet taken, largest first, and reads and validates it whole with
 * {@link validateSizedTarget}, the same function as in one thread. Results are put back in target order, so the
 * problems are the same, in the same order.
 *
 * Synchronous, like the rest of the engine: this thread validates targets too, then waits (Atomics.wait) for the
 * workers that started, and reads their results with receiveMessageOnPort. A worker that has not started by then is
 * cancelled and its targets are done here, so a slow start costs nothing but the start itself.
 */
import * as os from 'os';
import { isMainThread, MessageChannel, MessagePort, receiveMessageOnPort, Worker, workerData } from 'worker_threads';
import { SizedTarget, TargetsValidator, ValidatedTarget, ValidateFilesOptions, validateSizedTarget } from './validate-files';

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
   * For tests: this thread takes no target and waits for the workers to start, so that every target is validated on one.
   * @default false
   */
  readonly workersOnly?: boolean;
}

/** How long {@link ThreadOptions.workersOnly} waits for a worker to start and finish. */
const WORKERS_ONLY_TIMEOUT_MS = 300_000;

const MARK = 'lib/validation/validate-threads';

/** A worker's state, in its slot of the shared array (slot 0 is the next target to take). */
const NOT_STARTED = 0;
const WORKING = 1;
const DONE = 2;
const CANCELLED = 3;

interface WorkerInput {
  readonly [MARK]: true;
  readonly slot: number;
  readonly shared: Int32Array;
  readonly order: readonly number[];
  readonly targets: readonly SizedTarget[];
  readonly options: ValidateFilesOptions;
  readonly port: MessagePort;
}

type WorkerMessage =
  | { readonly index: number; readonly result: ValidatedTarget }
  | { readonly error: { readonly name: string; readonly message: string; readonly stack?: string } };

/**
 * This thread and one more per core left idle by the rest of the machine (by the 1-minute load average): a worker
 * warms up the engine again (about a third more CPU time in all for 20,000 objects on 2 threads), which only shortens
 * the run when it gets a core of its own; on a machine with no core free it would only cost.
 */
export function idleThreads(cores = os.availableParallelism(), loadAverage = os.loadavg()[0]): number {
  return Math.max(1, Math.min(cores, 1 + Math.floor(cores - loadAverage)));
}

/** A {@link TargetsValidator} that spreads the targets over threads, or validates them here when that cannot pay. */
export function onThreads(threadOptions: ThreadOptions = {}): TargetsValidator {
  return (targets, options) => {
    const threads = Math.min(threadOptions.threads ?? idleThreads(), targets.length);
    const bytes = targets.reduce((sum, target) => sum + target.bytes, 0);
    if (threads < 2 || bytes <= (threadOptions.aboveBytes ?? THREADS_ABOVE_BYTES)) {
      return targets.map((target) => validateSizedTarget(target, options));
    }
    return validateOnThreads(targets, options, threads, threadOptions.workerScript ?? __filename, threadOptions.workersOnly ?? false);
  };
}

function validateOnThreads(targets: readonly SizedTarget[], options: ValidateFilesOptions, threads: number, script: string,
  workersOnly: boolean): ValidatedTarget[] {
  // Largest first, so that no thread is left with a large target when the others are done.
  const order = targets.map((_, index) => index).sort((a, b) => targets[b].bytes - targets[a].bytes || a - b);
  const shared = new Int32Array(new SharedArrayBuffer(4 * threads));
  const results: ValidatedTarget[] = [];
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  for (let slot = 1; slot < threads; slot++) {
    const { port1, port2 } = new MessageChannel();
    const input: WorkerInput = { [MARK]: true, slot, shared, order, targets, options, port: port2 };
    const worker = script.endsWith('.ts')
      ? new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(script)});`,
        { eval: true, workerData: input, transferList: [port2] })
      : new Worker(script, { workerData: input, transferList: [port2] });
    worker.unref(); // the process does not wait for a worker's exit (it is done, or cancelled, when this returns)
    workers.push(worker);
    ports.push(port1);
  }
  let failure: WorkerMessage | undefined;
  try {
    if (!workersOnly) {
      takeTargets(shared, order, (index) => {
        results[index] = validateSizedTarget(targets[index], options);
      });
    }
  } finally {
    for (let slot = 1; slot < threads; slot++) {
      if (workersOnly) {
        for (let state = Atomics.load(shared, slot); state === NOT_STARTED || state === WORKING; state = Atomics.load(shared, slot)) {
          if (Atomics.wait(shared, slot, state, WORKERS_ONLY_TIMEOUT_MS) === 'timed-out') throw new Error(`worker ${slot} did not finish`);
        }
      } else if (Atomics.compareExchange(shared, slot, NOT_STARTED, CANCELLED) === NOT_STARTED) {
        continue;
      }
      while (Atomics.load(shared, slot) === WORKING) Atomics.wait(shared, slot, WORKING);
    }
    for (const port of ports) {
      for (let received = receiveMessageOnPort(port); received !== undefined; received = receiveMessageOnPort(port)) {
        const message = received.message as WorkerMessage;
        if ('error' in message) failure ??= message;
        else results[message.index] = message.result;
      }
      port.close();
    }
    for (const worker of workers) void worker.terminate();
  }
  if (failure !== undefined && 'error' in failure) throw Object.assign(new Error(failure.error.message), failure.error);
  return results;
}

/** Takes targets (in `order`) until none is left: slot 0 of `shared` is the next one, taken atomically. */
function takeTargets(shared: Int32Array, order: readonly number[], validate: (index: number) => void): void {
  for (let next = Atomics.add(shared, 0, 1); next < order.length; next = Atomics.add(shared, 0, 1)) validate(order[next]);
}

/** In a worker started by {@link onThreads}: takes and validates targets until none is left, posting each result. */
function serve(input: WorkerInput): void {
  const { slot, shared, order, targets, options, port } = input;
  if (Atomics.compareExchange(shared, slot, NOT_STARTED, WORKING) !== NOT_STARTED) return; // cancelled: started too late
  try {
    takeTargets(shared, order, (index) => {
      port.postMessage({ index, result: validateSizedTarget(targets[index], options) } satisfies WorkerMessage);
    });
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ error: { name, message, stack } } satisfies WorkerMessage);
  } finally {
    // The port stays open: closing it could drop what it has posted and not yet delivered. The main thread terminates this worker.
    Atomics.store(shared, slot, DONE);
    Atomics.notify(shared, slot);
  }
}

/** True in a worker thread started by {@link onThreads} (where a CLI that bundles this module must not run its own main). */
export function isValidationWorker(): boolean {
  return !isMainThread && typeof workerData === 'object' && workerData !== null && (workerData as Partial<WorkerInput>)[MARK] === true;
}

if (isValidationWorker()) serve(workerData as WorkerInput);
