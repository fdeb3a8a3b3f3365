import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';

/**
 * The binary runs under a tiny sh supervisor in its own process group: killing the group stops both, and the
 * supervisor kills the binary within a second when this process dies without cleaning up (SIGKILL, OOM, crash),
 * so a lost test run never leaves an API server behind on a shared machine.
 */
const SUPERVISOR = [
  'parent=$1; shift',
  '"$@" & child=$!',
  'trap \'kill "$child" 2>/dev/null\' TERM INT HUP',
  'while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done',
  'kill "$child" 2>/dev/null',
  'wait "$child"',
].join('\n');

/** One long-running binary (etcd, kube-apiserver) with its output in a log file. */
export class SupervisedProcess {
  private readonly child: ChildProcess;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  constructor(readonly name: string, binary: string, args: readonly string[], readonly logFile: string) {
    const log = fs.openSync(logFile, 'a');
    try {
      this.child = spawn('/bin/sh', ['-c', SUPERVISOR, 'envtest-supervisor', String(process.pid), binary, ...args], {
        detached: true,
        stdio: ['ignore', log, log],
      });
    } finally {
      fs.closeSync(log);
    }
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve();
      });
      this.child.on('error', (error) => {
        fs.appendFileSync(logFile, `\nspawn failed: ${error.message}\n`);
        this.exitInfo = { code: null, signal: null };
        resolve();
      });
    });
    // Never keep the caller's event loop alive on our account.
    this.child.unref();
  }

  /** The supervisor's pid, which is also the process group id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** "exited with code 1" / "killed by SIGKILL", for error messages. */
  describeExit(): string {
    if (this.exitInfo === undefined) return 'still running';
    return this.exitInfo.signal !== null ? `killed by ${this.exitInfo.signal}` : `exited with code ${this.exitInfo.code}`;
  }

  /** The last lines of the log, for error messages. */
  logTail(lines = 15): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Signals the whole process group (supervisor and binary); safe to call when already gone. */
  signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined || !this.running) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // already gone
    }
  }

  /**
   * Kills the process group (SIGKILL: a throwaway server has nothing to flush, and its data folder is removed next);
   * resolves once the supervisor has exited.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    // Waiting for the exit must keep the event loop alive, or node would quit mid-stop.
    this.child.ref();
    this.signalGroup('SIGKILL');
    await this.exited;
    // The supervisor may exit a moment before the binary it waited on was reaped; make sure the group is gone.
    this.signalGroupAfterExit('SIGKILL');
  }

  private signalGroupAfterExit(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // the group is empty: nothing left
    }
  }

  /** Synchronous last resort for signal and exit handlers: SIGKILL the group. */
  killNow(): void {
    this.signalGroup('SIGKILL');
  }
}
