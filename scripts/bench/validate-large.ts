/**
 * `npm run validate` on one large multi-document file (large-manifest.ts): wall time and peak RSS of the whole
 * process, against the file's size. The reader streams (one document in memory at a time); the parsed objects of
 * the target are kept, because cross-object checks (selectors, references) need them all.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeLargeManifest } from './large-manifest';
import { formatStats, Run, stats, tempDir, timedRun } from './measure';

export interface LargeValidation {
  readonly mebibytes: number;
  readonly objects: number;
  readonly runs: readonly Run[];
}

export function measureLargeValidation(mebibytes: number, runs: number): LargeValidation {
  const file = path.join(tempDir('validate-large'), 'large.yaml');
  const { objects } = writeLargeManifest(file, mebibytes * 2 ** 20);
  const measured = Array.from({ length: runs }, () => {
    const run = timedRun(process.execPath, ['--import', 'tsx', 'scripts/validate.ts', file]);
    if (!run.stdout.endsWith(`${objects} objects in 1 target: 0 problems\n`)) {
      throw new Error(`unexpected validate output: ${run.stdout.slice(-300)}`);
    }
    return run;
  });
  fs.rmSync(file, { force: true });
  return { mebibytes, objects, runs: measured };
}

export function reportLargeValidation(results: readonly LargeValidation[]): string[] {
  const lines = ['## `npm run validate` on one large file', '',
    '| file | objects | wall time | peak RSS |', '|---|---|---|---|'];
  for (const r of results) {
    lines.push(`| ${r.mebibytes} MiB | ${r.objects} | ${formatStats(stats(r.runs.map((run) => run.wallMs)), 'ms')} `
      + `| ${formatStats(stats(r.runs.map((run) => run.peakRssMiB)), 'MiB')} |`);
  }
  lines.push('', 'The file is the rendered booksapp target repeated, each copy in its own namespace (scripts/bench/large-manifest.ts),',
    '`node --import tsx scripts/validate.ts <file>` as one process: reading, every check, the summary line (0 problems).', '');
  return lines;
}
