/**
 * `npm run validate` on one large multi-document file (large-manifest.ts): wall time, CPU time and peak RSS of the
 * validate process, against the file's size. Files over 16 MiB are validated in parts (lib/validation/validate-files.ts),
 * with memory bounded by the largest part; `whole` measures the same file read whole, for comparison.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PARTS_ABOVE_BYTES } from '../../lib/validation';
import { writeLargeManifest } from './large-manifest';
import { formatStats, ROOT, stats, tempDir } from './measure';

interface UsageRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMiB: number;
}

export interface LargeValidation {
  readonly mebibytes: number;
  readonly whole: boolean;
  readonly objects: number;
  readonly runs: readonly UsageRun[];
}

function validateRun(file: string, objects: number, whole: boolean): UsageRun {
  const usageFile = path.join(tempDir('validate-usage'), 'usage');
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', path.join(__dirname, 'usage-probe.cjs'), 'scripts/validate.cjs', file], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, BENCH_USAGE_FILE: usageFile, VALIDATE_PARTS_ABOVE_BYTES: whole ? '1e18' : '' },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 || !result.stdout.endsWith(`${objects} objects in 1 target: 0 problems\n`)) {
    throw new Error(`validate ${file} failed (${result.status}): ${result.stdout.slice(-300)}${result.stderr.slice(-300)}`);
  }
  const [cpuMs, rssKiB] = fs.readFileSync(usageFile, 'utf8').trim().split(' ').map(Number);
  return { wallMs, cpuMs, peakRssMiB: rssKiB / 1024 };
}

/** `whole`: the target read whole (`VALIDATE_PARTS_ABOVE_BYTES=1e18`) rather than in parts, whatever its size. */
export function measureLargeValidation(mebibytes: number, runs: number, whole = false): LargeValidation {
  const file = path.join(tempDir('validate-large'), 'large.yaml');
  const { objects } = writeLargeManifest(file, mebibytes * 2 ** 20);
  const measured = Array.from({ length: runs }, () => validateRun(file, objects, whole));
  fs.rmSync(file, { force: true });
  return { mebibytes, whole, objects, runs: measured };
}

export function reportLargeValidation(results: readonly LargeValidation[]): string[] {
  const lines = ['## `npm run validate` on one large file', '',
    '| file | how | objects | runs | wall time | CPU time | peak RSS |', '|---|---|---|---|---|---|---|'];
  for (const r of results) {
    const of = (pick: (run: UsageRun) => number) => stats(r.runs.map(pick));
    const inParts = !r.whole && r.mebibytes * 2 ** 20 > PARTS_ABOVE_BYTES;
    const how = r.whole ? 'whole (`VALIDATE_PARTS_ABOVE_BYTES=1e18`)' : inParts ? 'in parts (the default)' : 'whole (the default)';
    lines.push(`| ${r.mebibytes} MiB | ${how} | ${r.objects} | ${r.runs.length} | ${formatStats(of((run) => run.wallMs), 'ms')} `
      + `| ${formatStats(of((run) => run.cpuMs), 'ms')} | ${formatStats(of((run) => run.peakRssMiB), 'MiB')} |`);
  }
  lines.push('', 'The file is the rendered booksapp target repeated, each copy in its own namespace (scripts/bench/large-manifest.ts);',
    'one `node scripts/validate.cjs <file>` process (what `npm run validate` runs): reading, every check, the summary line (0 problems).',
    'CPU time is user + system of that process: on a busy machine wall time also counts the wait for a core.', '');
  return lines;
}
