import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sleep } from './fault-injection';

/** Who holds a lock: written into the lock file, so that a waiting process can name it and tell whether it is gone. */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  /** The kernel's start time of the process (Linux), so a reused pid is not mistaken for the holder. @default - unknown */
  readonly processStart?: string;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** The holder's command line, shortened. */
  readonly command: string;
  /** Unique per acquisition. */
  readonly nonce: string;
}

/** Options of {@link acquireLock}. */
export interface LockOptions {
  /** What the lock protects, for messages, e.g. `dist/`. */
  readonly what: string;
  /** How long to wait for a live holder. @default - $RENDER_LOCK_TIMEOUT_SECONDS, else 60 s */
  readonly timeoutMs?: number;
  /** Told once when this process has to wait. @default - a line on stderr */
  readonly onWait?: (message: string) => void;
}

/** Another live process holds the lock and did not release it in time; nothing was changed. */
export class LockBusyError extends Error {
  constructor(message: string, readonly holder: LockOwner | undefined) {
    super(message);
    this.name = 'LockBusyError';
  }
}

/** A held lock. */
export interface HeldLock {
  readonly path: string;
  /** Throws when the lock is no longer this process's (removed or taken over by hand). */
  assertHeld(): void;
  /** Removes the lock file if it is still this process's. */
  release(): void;
}

/**
 * Takes the lock file `lockPath` exclusively, waiting a bounded time for a live holder.
 *
 * The file is created whole in one step (`link(2)` of a file already holding the owner, which fails
 * when the lock exists), so a reader never sees a half-written lock. A process killed while holding it
 * cannot block others for ever: a holder on this host whose pid is gone (or now belongs to a process that
 * started at another time) is stale, and its lock is taken over. Only one process can take over a given
 * stale lock: it must first create `<lock>.takeover-<nonce of the stale owner>` (mkdir is atomic) and then
 * finds the stale content still in place. A holder on another host (a shared network folder) cannot be
 * checked, so it counts as alive; the timeout message says how to remove it.
 */
export function acquireLock(lockPath: string, options: LockOptions): HeldLock {
  const timeoutMs = options.timeoutMs ?? defaultLockTimeoutMs();
  const me: LockOwner = {
    pid: process.pid, hostname: os.hostname(), processStart: processStartOf(process.pid), since: new Date().toISOString(),
    command: process.argv.slice(1).map((a) => path.relative(process.cwd(), a) || a).join(' ').slice(0, 200), nonce: randomBytes(8).toString('hex'),
  };
  const staged = `${lockPath}.${process.pid}.${me.nonce}`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  removeStagedOfDeadProcesses(lockPath);
  const deadline = Date.now() + timeoutMs;
  const seconds = `${Number((timeoutMs / 1000).toFixed(1))} s`;
  let waited = false;
  try {
    // Inside the try: on a full disk the file is created but its content cannot be written, and must not stay behind.
    fs.writeFileSync(staged, `${JSON.stringify(me)}\n`, { flag: 'wx' });
    for (;;) {
      try {
        fs.linkSync(staged, lockPath);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readOwner(lockPath);
      if (holder === 'missing') continue;
      if (holder === 'foreign') {
        const what = `${lockPath} exists but is not a lock written by this project`;
        throw new LockBusyError(`${what}; if no synth or render is running, remove it`, undefined);
      }
      if (isStale(holder)) {
        if (takeOver(lockPath, holder, staged)) break;
        continue;
      }
      if (Date.now() >= deadline) {
        throw new LockBusyError(`${options.what} is being written by another process: ${describeOwner(holder)} (lock ${lockPath}); `
          + `waited ${seconds}. ${holder.hostname === os.hostname()
            ? 'It is still running: wait for it to finish, or stop it'
            : `It runs on another host, which cannot be checked from here; if nothing runs there, remove ${lockPath}`}`, holder);
      }
      if (!waited) {
        waited = true;
        (options.onWait ?? ((m) => console.error(m)))(`Waiting for ${options.what}: ${describeOwner(holder)} is writing it; `
          + `waiting up to ${seconds}`);
      }
      sleep(Math.min(50, Math.max(0, deadline - Date.now())));
    }
  } finally {
    fs.rmSync(staged, { force: true });
  }
  const isMine = () => {
    const owner = readOwner(lockPath);
    return typeof owner === 'object' && owner.nonce === me.nonce;
  };
  return {
    path: lockPath,
    assertHeld: () => {
      if (!isMine()) throw new Error(`the lock ${lockPath} was removed or taken over while this process held it; nothing was swapped in`);
    },
    release: () => {
      if (isMine()) fs.rmSync(lockPath, { force: true });
    },
  };
}

/** `$RENDER_LOCK_TIMEOUT_SECONDS` (seconds, may be fractional), else 60 s. */
export function defaultLockTimeoutMs(): number {
  const configured = process.env.RENDER_LOCK_TIMEOUT_SECONDS;
  if (configured === undefined || configured === '') return 60_000;
  const seconds = Number(configured);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`RENDER_LOCK_TIMEOUT_SECONDS ${JSON.stringify(configured)} is invalid; allowed: a number of seconds ≥ 0`);
  }
  return seconds * 1000;
}

/** `pid 123 (node main.ts) on host h, since 2026-…`. */
export function describeOwner(owner: LockOwner): string {
  return `pid ${owner.pid} (${owner.command}) on host ${owner.hostname}, since ${owner.since}`;
}

function readOwner(lockPath: string): LockOwner | 'missing' | 'foreign' {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.nonce === 'string' && typeof owner.hostname === 'string' ? owner : 'foreign';
  } catch {
    return 'foreign';
  }
}

/**
 * Whether the holder is provably gone: on this host, and its pid is free, a zombie (killed, not yet reaped by its
 * parent), or belongs to a process started at another time.
 */
function isStale(owner: LockOwner): boolean {
  if (owner.hostname !== os.hostname()) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const stat = procStatOf(owner.pid);
  if (stat?.state === 'Z') return true;
  return owner.processStart !== undefined && stat !== undefined && stat.start !== owner.processStart;
}

/** Replaces the stale lock `stale` by this process's `staged` file; false when another process got there first. */
function takeOver(lockPath: string, stale: LockOwner, staged: string): boolean {
  const claim = `${lockPath}.takeover-${stale.nonce}`;
  try {
    fs.mkdirSync(claim);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A claim is held for microseconds; one older than 10 s belongs to a process killed during its takeover.
    const age = Date.now() - (fs.statSync(claim, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > 10_000) fs.rmSync(claim, { recursive: true, force: true });
    else sleep(5);
    return false;
  }
  try {
    const current = readOwner(lockPath);
    if (typeof current !== 'object' || current.nonce !== stale.nonce) return false;
    // rename(2) replaces the stale file in one step; `staged` is gone afterwards, so copy it first for the caller's clean-up.
    fs.copyFileSync(staged, `${staged}.takeover`);
    fs.renameSync(`${staged}.takeover`, lockPath);
    return true;
  } finally {
    fs.rmSync(claim, { recursive: true, force: true });
  }
}

/** Staged lock files (`<lock>.<pid>.<nonce>`) of processes on this host killed while they waited. */
function removeStagedOfDeadProcesses(lockPath: string): void {
  const base = path.basename(lockPath);
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]{16}(\\.takeover)?$`);
  for (const name of fs.readdirSync(path.dirname(lockPath))) {
    const pid = pattern.exec(name)?.[1];
    if (pid === undefined) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') fs.rmSync(path.join(path.dirname(lockPath), name), { force: true });
    }
  }
}

/** The kernel's start time of a process; undefined where there is no /proc. */
function processStartOf(pid: number): string | undefined {
  return procStatOf(pid)?.start;
}

/** State (field 3) and start time (field 22) of /proc/<pid>/stat; undefined where there is no /proc. */
function procStatOf(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], start: fields[19] };
  } catch {
    return undefined;
  }
}
