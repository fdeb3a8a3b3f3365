import { spawnSync } from 'node:child_process';
import { injectedFault } from './fault-injection';

/** The renameat2(2) syscall number by Node architecture (Linux); other platforms have no exchange here. */
const RENAMEAT2: Readonly<Record<string, number>> = { x64: 316, arm64: 276 };
const AT_FDCWD = -100;
const RENAME_EXCHANGE = 2;

/** Outcome of {@link exchangePaths}. */
export type ExchangeResult =
  | { readonly status: 'exchanged' }
  /** This platform, file system or machine (no perl) cannot exchange; nothing was changed. */
  | { readonly status: 'unsupported'; readonly reason: string }
  /** The exchange was refused (EBUSY, EXDEV, EACCES…); nothing was changed. */
  | { readonly status: 'failed'; readonly code: string; readonly reason: string };

const ERRNO: Readonly<Record<number, string>> = {
  1: 'EPERM', 2: 'ENOENT', 13: 'EACCES', 16: 'EBUSY', 18: 'EXDEV', 22: 'EINVAL', 30: 'EROFS', 38: 'ENOSYS',
};

/**
 * Swaps two paths in one atomic step (Linux `renameat2(…, RENAME_EXCHANGE)`): at every instant each
 * path names either its old or its new entry, so a folder replaced this way never goes missing.
 *
 * Node has no binding for renameat2, so the syscall is made by perl (Essential on Debian, present on
 * macOS and most Linux images), which takes a few milliseconds. `unsupported` (no perl, another OS or
 * architecture, a file system without exchange) tells the caller to fall back to two renames.
 */
export function exchangePaths(a: string, b: string): ExchangeResult {
  const syscall = RENAMEAT2[process.arch];
  if (process.platform !== 'linux' || syscall === undefined) {
    return { status: 'unsupported', reason: `no renameat2 on ${process.platform}/${process.arch}` };
  }
  if (injectedFault('exchange') === 'unsupported') return { status: 'unsupported', reason: 'disabled by LPD_FAULT_INJECT (test)' };
  const result = spawnSync('perl', ['-e', `syscall(${syscall}, ${AT_FDCWD}, $ARGV[0], ${AT_FDCWD}, $ARGV[1], ${RENAME_EXCHANGE}) == 0 `
    + 'or do { print STDERR ($!+0); exit 1 }', a, b], { encoding: 'utf8' });
  if (result.error) return { status: 'unsupported', reason: `perl could not be run (${(result.error as NodeJS.ErrnoException).code})` };
  if (result.status === 0) return { status: 'exchanged' };
  const errno = Number(result.stderr.trim());
  const code = ERRNO[errno] ?? `errno ${result.stderr.trim() || result.status}`;
  // EINVAL: the file system has no RENAME_EXCHANGE; ENOSYS: the kernel has no renameat2.
  if (code === 'EINVAL' || code === 'ENOSYS') return { status: 'unsupported', reason: `renameat2 gave ${code}` };
  return { status: 'failed', code, reason: `renameat2 exchange of ${a} and ${b} failed: ${code}` };
}
