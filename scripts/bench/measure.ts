import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
const RSS_PROBE = path.join(__dirname, 'rss-probe.cjs');

/** One run of a command: wall time, the peak RSS and the CPU time (all threads) over every node process it started. */
export interface Run {
  readonly wallMs: number;
  readonly peakRssMiB: number;
  readonly cpuMs: number;
  readonly stdout: string;
}

/** Runs a command to completion, failing loudly if it fails: a benchmark of a failing command measures nothing. */
export function timedRun(command: string, args: readonly string[], env: Record<string, string> = {}): Run {
  const rssFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rss-')), 'rss');
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--require ${RSS_PROBE}`, CDK8S_CHECK_UPGRADE: 'false' },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  }
  const lines = fs.existsSync(rssFile) ? fs.readFileSync(rssFile, 'utf8').trim().split('\n').map((line) => line.split(' ').map(Number)) : [];
  fs.rmSync(path.dirname(rssFile), { recursive: true, force: true });
  const peakRssMiB = Math.max(0, ...lines.map(([rss]) => rss)) / 1024;
  return { wallMs, peakRssMiB, cpuMs: lines.reduce((sum, [, cpu]) => sum + (cpu ?? 0), 0), stdout: result.stdout };
}

/** A {@link timedRun} of a shell command line, with the CPU time of every process of it, node or not. */
export interface ShellRun extends Run {
  /**
   * User + system CPU time of every process the command line started and waited for, reported by the shell's `times`
   * (the kernel adds a child's time, its own waited-for children's included, to its parent when the parent reaps it):
   * kube-apiserver, etcd, Chromium and esbuild besides node. A process left to init when its parent exits is missed,
   * so this is a lower bound.
   */
  readonly treeCpuMs: number;
}

/** Runs a shell command line as {@link timedRun} does, and reads its processes' CPU time from `times` afterwards. */
export function timedShellRun(commandLine: string): ShellRun {
  const timesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-times-')), 'times');
  try {
    const run = timedRun('sh', ['-c', `${commandLine}\nstatus=$?\ntimes > "$BENCH_TIMES_FILE"\nexit $status`], { BENCH_TIMES_FILE: timesFile });
    // Two lines, "<user> <system>" of the shell, then of its children, each as "1m2.34s".
    const children = fs.readFileSync(timesFile, 'utf8').trim().split('\n')[1] ?? '';
    const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
    if (seconds.length !== 2) throw new Error(`unexpected output of times: ${JSON.stringify(children)}`);
    return { ...run, treeCpuMs: (seconds[0] + seconds[1]) * 1000 };
  } finally {
    fs.rmSync(path.dirname(timesFile), { recursive: true, force: true });
  }
}

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** `median (min–max)` with a unit, for the tables of BENCHMARKS.md. */
export function formatStats(s: Stats, unit: string, digits = 0): string {
  const f = (v: number) => v.toFixed(digits);
  return `${f(s.median)} ${unit} (${f(s.min)}–${f(s.max)})`;
}

const tempDirs: string[] = [];

/** A fresh scratch folder, removed by {@link removeTempDirs}. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Removes every scratch folder this run created (renders of up to 20,000 files each). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
