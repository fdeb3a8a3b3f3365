/**
 * npm run bench [-- --quick]
 *
 * Measures synthesis speed and memory on this machine and rewrites BENCHMARKS.md:
 * the demo app end to end, a generated fleet of N meshed services phase by phase, the
 * serialization floor for the same objects, and the same fleet through stock cdk8s; and a fleet of
 * 3 environments × 200 services (20 with --quick) against its floor.
 * --quick (CI smoke test): fleet sizes up to 100, 3 runs, figures printed only (BENCHMARKS.md is
 * left alone), no timing targets asserted.
 * With KUBEBUILDER_ASSETS set, also the API server harness (start-up, dry-run throughput; scripts/bench/envtest-section.ts)
 * into its own block; --envtest-only measures just that.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatStats, removeTempDirs, ROOT, Stats, stats, tempDir, timedRun } from './bench/measure';
import type { PhaseTimings } from './bench/phase-run';
import { ENVTEST_BEGIN, ENVTEST_END, measureEnvtest } from './bench/envtest-section';

const quick = process.argv.includes('--quick');
const envtestOnly = process.argv.includes('--envtest-only');
const RUNS = quick ? 3 : 5;
const FLEET_SIZES = quick ? [10, 100] : [10, 100, 1000];
/** Services per environment of the 3-environment fleet case (scripts/bench/environments-fleet.ts). */
const ENVIRONMENT_SERVICES = quick ? 20 : 200;
const TSX = ['--import', 'tsx'];
const CDK8S = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

function repeat<T>(fn: () => T): T[] {
  return Array.from({ length: RUNS }, fn);
}

function phaseRun(subject: string): { timings: PhaseTimings; wallMs: number; peakRssMiB: number; objectsFile: string } {
  const dir = tempDir('phases');
  const objectsFile = path.join(dir, 'objects.json');
  const run = timedRun(process.execPath, [...TSX, 'scripts/bench/phase-run.ts', subject, path.join(dir, 'out'), objectsFile]);
  return { timings: JSON.parse(run.stdout.trim().split('\n').pop()!) as PhaseTimings, wallMs: run.wallMs, peakRssMiB: run.peakRssMiB, objectsFile };
}

function statsOf<T>(items: readonly T[], pick: (item: T) => number): Stats {
  return stats(items.map(pick));
}

function measureDemo() {
  const outdir = path.join(tempDir('demo'), 'dist');
  const npmSynth = repeat(() => timedRun('npm', ['run', '-s', 'synth'], { RENDER_OUTDIR: outdir }));
  const nodeMain = repeat(() => timedRun(process.execPath, [...TSX, 'main.ts'], { RENDER_OUTDIR: outdir }));
  const phases = repeat(() => phaseRun('demo'));
  return { npmSynth, nodeMain, phases };
}

function measureFleet(size: number) {
  const ours = repeat(() => phaseRun(`fleet:${size}`));
  const floor = repeat(() => {
    const run = timedRun(process.execPath, [...TSX, 'scripts/bench/floor-run.ts', ours[0].objectsFile, path.join(tempDir('floor'), 'out')]);
    return (JSON.parse(run.stdout.trim()) as { totalMs: number }).totalMs;
  });
  const stock = repeat(() => timedRun(process.execPath, [CDK8S, 'synth', '--no-check-upgrade', '--output', path.join(tempDir('stock'), 'out'),
    '--app', 'npx ts-node scripts/bench/fleet-stock-app.ts'], { FLEET_SIZE: String(size) }));
  return { size, ours, floor, stock };
}

/** 3 environments × N services, deployed by the FleetChart: ours against the serialization floor. */
function measureEnvironments(size: number) {
  const ours = repeat(() => phaseRun(`environments:${size}`));
  const floor = repeat(() => {
    const run = timedRun(process.execPath, [...TSX, 'scripts/bench/floor-run.ts', ours[0].objectsFile, path.join(tempDir('floor'), 'out')]);
    return (JSON.parse(run.stdout.trim()) as { totalMs: number }).totalMs;
  });
  return { size, ours, floor };
}

function environmentsReport(e: ReturnType<typeof measureEnvironments>): string {
  const ms = (s: Stats) => formatStats(s, 'ms');
  const total = statsOf(e.ours, (r) => r.timings.totalMs);
  const floor = stats(e.floor);
  return ['## Fleet of environments: 3 environments × N services', '',
    'scripts/bench/environments-fleet.ts: the fleet services above in staging, qa and production (production on two clusters),',
    'plus the FleetChart (an AppProject per environment, an Application per target × cluster). Target: within 3× of the floor.', '',
    '| N per environment | objects | build | render | validate | write | total | floor | total / floor |', '|---|---|---|---|---|---|---|---|---|',
    `| ${e.size} | ${e.ours[0].timings.objects} | ${ms(statsOf(e.ours, (r) => r.timings.buildMs))} `
    + `| ${ms(statsOf(e.ours, (r) => r.timings.renderMs))} `
    + `| ${ms(statsOf(e.ours, (r) => r.timings.validateMs))} | ${ms(statsOf(e.ours, (r) => r.timings.writeMs))} | ${ms(total)} | ${ms(floor)} `
    + `| ${(total.median / floor.median).toFixed(1)}× |`, ''].join('\n');
}

function report(demo: ReturnType<typeof measureDemo>, fleets: ReturnType<typeof measureFleet>[]): string {
  const ms = (s: Stats) => formatStats(s, 'ms');
  const mib = (s: Stats) => formatStats(s, 'MiB');
  const lines: string[] = [];
  const cpu = os.cpus();
  lines.push('Written by `npm run bench` (`npm run bench -- --quick` for a smoke run); every figure is the median of',
    `${RUNS} runs in fresh processes, with min–max in parentheses. Re-run it to reproduce on your machine.`, '',
    `- machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`,
    `- node ${process.version}; mode: ${quick ? 'quick (fleet up to 100)' : 'full'}`,
    `- date: ${new Date().toISOString().slice(0, 10)}`, '');

  lines.push('## Demo app (`main.ts`)', '',
    '| what | wall time | peak RSS |', '|---|---|---|',
    `| \`npm run synth\` (what users run) | ${ms(statsOf(demo.npmSynth, (r) => r.wallMs))} | ${mib(statsOf(demo.npmSynth, (r) => r.peakRssMiB))} |`,
    `| \`node --import tsx main.ts\` (the app alone, no npm) | ${ms(statsOf(demo.nodeMain, (r) => r.wallMs))} | ${mib(statsOf(demo.nodeMain, (r) => r.peakRssMiB))} |`,
    `| in-process synthesis (build + render + validate + write) | ${ms(statsOf(demo.phases, (r) => r.timings.totalMs))} | |`,
    `| of which validation (lib/validation) | ${ms(statsOf(demo.phases, (r) => r.timings.validateMs))} | |`, '',
    `The demo renders ${demo.phases[0].timings.objects} objects into ${demo.phases[0].timings.files} files (review reports included) `
    + `(${(demo.phases[0].timings.bytes / 1024).toFixed(0)} KiB). Target: \`npm run synth\` under 2 s.`, '');

  lines.push('## Fleet of N meshed services', '',
    'Each service (scripts/bench/fleet.ts): a meshed `api` Deployment with probes, its ServiceAccount and Service, a',
    'Server, two routes with their authorization policies and MeshTLS authentications, and the derived probe',
    'authorization; a `web` canary Rollout with its ServiceAccount, stable, canary and root Services, the HTTPRoute the',
    'Argo Rollouts plugin edits, and an AnalysisTemplate. 100 services per namespace and render target.', '',
    '| N | objects | build | render | validate | write | total | peak RSS | bytes written | floor | total / floor | ours, process wall | stock cdk8s, process wall |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const f of fleets) {
    const total = statsOf(f.ours, (r) => r.timings.totalMs);
    const floor = stats(f.floor);
    lines.push(`| ${f.size} | ${f.ours[0].timings.objects} | ${ms(statsOf(f.ours, (r) => r.timings.buildMs))} | ${ms(statsOf(f.ours, (r) => r.timings.renderMs))} `
      + `| ${ms(statsOf(f.ours, (r) => r.timings.validateMs))} | ${ms(statsOf(f.ours, (r) => r.timings.writeMs))} | ${ms(total)} `
      + `| ${mib(statsOf(f.ours, (r) => r.peakRssMiB))} | ${(f.ours[0].timings.bytes / 1024).toFixed(0)} KiB | ${ms(floor)} `
      + `| ${(total.median / floor.median).toFixed(1)}× | ${ms(statsOf(f.ours, (r) => r.wallMs))} | ${ms(statsOf(f.stock, (r) => r.wallMs))} |`);
  }
  const byN = new Map(fleets.map((f) => [f.size, stats(f.ours.map((r) => r.timings.totalMs)).median]));
  if (byN.has(1000) && byN.has(100)) {
    lines.push('', `Growth: total(N=1000) / total(N=100) = ${(byN.get(1000)! / byN.get(100)!).toFixed(1)} (linear growth is about 10).`);
  }
  lines.push('', 'Phases and "total" are measured inside the process (module loading excluded). "floor" serializes the same',
    'final objects with the same YAML library and writes the same files, with no constructs and no validation.',
    '"ours, process wall" is the whole `node --import tsx` process of that run (start, module loading, synthesis);',
    '"stock cdk8s, process wall" is `cdk8s synth` with the default ts-node app command (type-checking the app) and',
    'cdk8s\' own `app.synth()` writing the same fleet, without our validation.', '');
  return lines.join('\n');
}

const BENCHMARKS = path.join(ROOT, 'BENCHMARKS.md');
const BEGIN = '<!-- measured by npm run bench: begin -->';
const END = '<!-- measured by npm run bench: end -->';

/** Replaces the measured part of BENCHMARKS.md, keeping the written analysis around it. */
function withMeasurements(existing: string, measured: string, markers = { begin: BEGIN, end: END }): string {
  const begin = existing.indexOf(markers.begin);
  const end = existing.indexOf(markers.end);
  const block = `${markers.begin}\n${measured}\n${markers.end}`;
  if (begin === -1 || end < begin) return markers.begin === BEGIN ? `${block}\n` : `${existing.trimEnd()}\n\n${block}\n`;
  return existing.slice(0, begin) + block + existing.slice(end + markers.end.length);
}

function main(): void {
  const started = Date.now();
  try {
    if (!envtestOnly) {
      const measured = `${report(measureDemo(), FLEET_SIZES.map(measureFleet))}\n${environmentsReport(measureEnvironments(ENVIRONMENT_SERVICES))}`;
      console.log(measured);
      if (!quick) fs.writeFileSync(BENCHMARKS, withMeasurements(fs.existsSync(BENCHMARKS) ? fs.readFileSync(BENCHMARKS, 'utf8') : '', measured));
    }
    // The API server harness: its own block, measured only when KUBEBUILDER_ASSETS is set (left as it is otherwise).
    const envtest = measureEnvtest(quick);
    console.log(envtest ?? '\n(API server harness not measured: KUBEBUILDER_ASSETS is not set)');
    if (!quick && envtest !== undefined) {
      fs.writeFileSync(BENCHMARKS, withMeasurements(fs.readFileSync(BENCHMARKS, 'utf8'), envtest, { begin: ENVTEST_BEGIN, end: ENVTEST_END }));
    }
    console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s; ${quick ? 'quick run: BENCHMARKS.md left alone' : 'written to BENCHMARKS.md'})`);
  } finally {
    removeTempDirs();
  }
}

main();
