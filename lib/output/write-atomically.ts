import * as fs from 'node:fs';
import * as path from 'node:path';
import { exchangePaths } from './exchange-paths';
import { acquireLock } from './exclusive-lock';
import { faultPoint } from './fault-injection';

/** What a failed write did to the output folder; messages about it are built from this, so they are true. */
export type OutputState =
  /** Exactly as before the write. */
  | 'unchanged'
  /** Missing, with the previous content kept at another path the message names (only when putting it back failed too). */
  | 'missing';

/** A write that did not replace the output; `state` says what the output folder is now. */
export class OutputWriteError extends Error {
  constructor(message: string, readonly state: OutputState) {
    super(message);
    this.name = 'OutputWriteError';
  }
}

/** What {@link writeAtomically} did. */
export interface WriteResult {
  /** The folder that was replaced (the target of a symbolic link, when `outdir` is one). */
  readonly folder: string;
  /** How the new content was swapped in. */
  readonly swap: 'created' | 'exchanged' | 'renamed';
  /** Things that went wrong after the new content was in place (it stays in place), e.g. a scratch folder left behind. */
  readonly warnings: readonly string[];
}

/** Options of {@link writeAtomically}. */
export interface WriteOptions {
  /** How long to wait for another process writing the same folder. @default - $RENDER_LOCK_TIMEOUT_SECONDS, else 60 s */
  readonly lockTimeoutMs?: number;
  /** Where progress and warnings go. @default - stderr */
  readonly log?: (message: string) => void;
}

/**
 * Replaces `outdir` with exactly `files` (relative path → content), or leaves it as it was.
 *
 * - Exclusive: writers of one folder take the lock `<folder>.lock` (see acquireLock); a killed writer's lock is
 *   taken over, a live one is waited for a bounded time.
 * - Whole: everything is written to a scratch sibling `<folder>.next-XXXXXX` first, then swapped in. On Linux the
 *   swap is one atomic exchange of the two folders, so `outdir` names the old or the new complete content at every
 *   instant, even if the process is killed. Where there is no exchange, it is two renames (`outdir` → `<folder>.prev`,
 *   scratch → `outdir`); a process killed between them leaves `outdir` missing and `<folder>.prev` complete, and the
 *   next write (under the lock) puts it back before anything else.
 * - Honest: a failure before the swap leaves the folder unchanged (OutputWriteError, state `unchanged`); a clean-up that
 *   fails after the swap is a warning, and leftovers never block later writes (scratch names are unique).
 * - A symbolic link is kept and the folder it points to is replaced. A mount point cannot be replaced in one step and is
 *   refused, with what to do instead.
 */
export function writeAtomically(outdir: string, files: ReadonlyMap<string, string>, options: WriteOptions = {}): WriteResult {
  const log = options.log ?? ((m: string) => console.error(m));
  const folder = resolveLink(path.resolve(outdir));
  const unchanged = (error: unknown) => (error instanceof OutputWriteError ? error
    : new OutputWriteError(`${outdir} was left unchanged: ${(error as Error).message}`, 'unchanged'));
  let lock;
  try {
    lock = acquireLock(`${folder}.lock`, { what: `${outdir}/`, timeoutMs: options.lockTimeoutMs, onWait: log });
  } catch (error) {
    throw unchanged(error);
  }
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    log(`warning: ${message}`);
  };
  let next: string | undefined;
  let swap: WriteResult['swap'];
  try {
    try {
      faultPoint('lock-acquired');
      restoreInterruptedSwap(outdir, folder, warn);
      removeScratch(folder, warn);
      refuseMountPoint(outdir, folder);
      next = fs.mkdtempSync(`${folder}.next-`);
      let written = 0;
      for (const [file, content] of files) {
        const full = path.join(next, file);
        if (!full.startsWith(next + path.sep)) throw new Error(`refusing to write ${file}: it is outside ${outdir}`);
        fs.mkdirSync(path.dirname(full), { recursive: true });
        fs.writeFileSync(full, content);
        if (++written === Math.ceil(files.size / 2)) faultPoint('writing');
      }
      faultPoint('written');
      lock.assertHeld();
      swap = swapIn(outdir, folder, next);
    } catch (error) {
      if (next !== undefined) removeLeftover(next, `the unfinished scratch folder ${next} could not be removed`, warn);
      throw unchanged(error);
    }
    // The new content is in place: from here on nothing may fail the write, and every problem is a warning.
    try {
      faultPoint('swapped');
      // After an exchange the scratch path holds the previous content; after two renames it is <folder>.prev.
      const previous = swap === 'exchanged' ? next : swap === 'renamed' ? `${folder}.prev` : undefined;
      if (previous !== undefined) {
        removeLeftover(previous, `${outdir} holds the new content, but the previous one could not be removed from ${previous}`, warn, 'cleaning');
      }
    } catch (error) {
      warn(`${outdir} holds the new content; cleaning up after the swap failed: ${(error as Error).message}`);
    }
    return { folder, swap, warnings };
  } finally {
    try {
      lock.release();
    } catch (error) {
      warn(`the lock ${lock.path} could not be removed (${(error as Error).message}); the next write takes it over`);
    }
  }
}

/**
 * Swaps the complete scratch folder `next` in as `folder`: a rename when there is nothing yet, else an atomic exchange,
 * else two renames. Throws (OutputWriteError) with the state of `folder` when it fails.
 */
function swapIn(outdir: string, folder: string, next: string): WriteResult['swap'] {
  if (!fs.existsSync(folder)) {
    fs.renameSync(next, folder);
    return 'created';
  }
  faultPoint('exchange');
  const exchange = exchangePaths(next, folder);
  if (exchange.status === 'exchanged') return 'exchanged';
  if (exchange.status === 'failed') {
    const mountPoint = exchange.code === 'EBUSY' || exchange.code === 'EXDEV';
    throw mountPoint ? mountPointError(outdir, `renameat2: ${exchange.code}`) : new Error(exchange.reason);
  }
  const previous = `${folder}.prev`;
  try {
    fs.renameSync(folder, previous);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'EBUSY' || code === 'EXDEV' ? mountPointError(outdir, `rename: ${code}`) : error;
  }
  faultPoint('between-renames');
  try {
    fs.renameSync(next, folder);
  } catch (error) {
    try {
      fs.renameSync(previous, folder);
    } catch {
      throw new OutputWriteError(`${outdir} is missing: the new content could not be moved in (${(error as Error).message}) and the previous content `
        + `could not be moved back; it is complete in ${previous}: mv ${previous} ${folder}`, 'missing');
    }
    throw error;
  }
  return 'renamed';
}

/** A write killed between the two renames left `folder` missing and its complete previous content in `<folder>.prev`. */
function restoreInterruptedSwap(outdir: string, folder: string, warn: (m: string) => void): void {
  const previous = `${folder}.prev`;
  if (fs.existsSync(folder) || !fs.existsSync(previous)) return;
  fs.renameSync(previous, folder);
  warn(`${outdir} was missing (a write was killed while swapping); its previous content was put back from ${previous}`);
}

/** Scratch left by killed or failed writes: `<folder>.next[-XXXXXX]`, and `<folder>.prev` once `folder` exists. */
function removeScratch(folder: string, warn: (m: string) => void): void {
  const base = path.basename(folder);
  const dir = path.dirname(folder);
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    const scratch = name === `${base}.prev` || name === `${base}.next` || (name.startsWith(`${base}.next-`) && name.length === base.length + 12);
    if (scratch) removeLeftover(path.join(dir, name), `the scratch folder ${path.join(dir, name)} of an earlier write could not be removed`, warn);
  }
  // `.prev` is the one fixed name the two-rename swap needs; a leftover that cannot be removed is moved aside instead.
  const previous = `${folder}.prev`;
  if (!fs.existsSync(previous)) return;
  try {
    fs.renameSync(previous, fs.mkdtempSync(`${folder}.next-`) + path.sep + 'prev');
  } catch (error) {
    warn(`${previous} could not be moved aside either (${(error as Error).message}); only a swap without exchange needs that name`);
  }
}

function removeLeftover(leftover: string, what: string, warn: (m: string) => void, point?: 'cleaning'): void {
  try {
    if (point !== undefined) {
      // Remove one entry first, so that a fault at the point finds the previous content partly removed.
      const first = fs.readdirSync(leftover)[0];
      if (first !== undefined) fs.rmSync(path.join(leftover, first), { recursive: true, force: true });
      faultPoint(point);
    }
    fs.rmSync(leftover, { recursive: true, force: true });
  } catch (error) {
    warn(`${what} (${(error as Error).message}); it is retried at the next write, or remove it by hand`);
  }
}

function refuseMountPoint(outdir: string, folder: string): void {
  const stat = fs.statSync(folder, { throwIfNoEntry: false });
  if (stat?.isDirectory() && stat.dev !== fs.statSync(path.dirname(folder)).dev) {
    throw mountPointError(outdir, 'on another device than its parent folder');
  }
}

function mountPointError(outdir: string, why: string): OutputWriteError {
  return new OutputWriteError(`${outdir} was left unchanged: it is a mount point (${why}), and a mount point cannot be replaced in one step. `
    + `Mount its parent folder instead (the checkout, not ${outdir}), `
    + `or write into a folder inside the mount (for synth: RENDER_OUTDIR=${outdir}/render)`,
  'unchanged');
}

/** The path a symbolic link finally points to (it need not exist yet); any other path as it is. */
function resolveLink(file: string): string {
  let resolved = file;
  for (let hops = 0; fs.lstatSync(resolved, { throwIfNoEntry: false })?.isSymbolicLink(); hops++) {
    if (hops === 40) throw new OutputWriteError(`${file} was left unchanged: too many levels of symbolic links`, 'unchanged');
    resolved = path.resolve(path.dirname(resolved), fs.readlinkSync(resolved));
  }
  return resolved;
}

/** Reads every file below `dir` into the same shape `writeAtomically` takes; empty when `dir` does not exist. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!fs.existsSync(dir)) return files;
  const entries = fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
  for (const file of entries) files.set(file, fs.readFileSync(path.join(dir, file), 'utf8'));
  return files;
}
