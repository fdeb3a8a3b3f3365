/**
 * npm run bench [-- --quick]
 *
 * Measures synthesis speed and memory on this machine and rewrites BENCHMARKS.md: the demo app end to end
 * against its serialization floor, a generated fleet of N meshed services phase by phase against the YAML
 * floors, the review reports of one large target, `npm run validate` against the parse floor, the same fleet
 * through stock cdk8s, and (full mode) `npm test` against the previous test command.
 * --quick (CI smoke test): fleet sizes up to 100, 3 runs, no npm test runs, figures printed only (BENCHMARKS.md
 * is left alone), no timing targets asserted.
 * --runs <n>: runs per figure (default 5, quick 3), for a loaded machine or a faster smoke test.
 * --validate: only `npm run validate` on one large generated file (5, 50 and 200 MiB, and 50 MiB read whole; 2 MiB with --quick), which the
 * full run also measures; it rewrites only its own block of BENCHMARKS.md.
 * Also a fleet of 3 environments × 200 services (20 with --quick) against its serialization floor.
 * With KUBEBUILDER_ASSETS set, also the API server harness (start-up, dry-run throughput; scripts/bench/envtest-section.ts)
 * into its own block; --envtest-only measures just that.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cdk8sCliBin, tsNodeBin } from 'cdk8s-cli-on-demand';
import { manifestTargets, planTargets, THREADS_ABOVE_BYTES, THREADS_ABOVE_FILES } from '../lib/validation';
import { ENVTEST_BEGIN, ENVTEST_END, measureEnvtest } from './bench/envtest-section';
import { formatStats, removeTempDirs, ROOT, Run, Stats, stats, tempDir, timedRun, timedShellRun } from './bench/measure';
import type { PhaseTimings } from './bench/phase-run';
import { measureLargeValidation, reportLargeValidation } from './bench/validate-large';

const quick = process.argv.includes('--quick');
const validateOnly = process.argv.includes('--validate');
const envtestOnly = process.argv.includes('--envtest-only');
/** `npm run validate` on one large file: size, runs, whether read whole though larger than the parts threshold. */
const LARGE_FILES: readonly { mebibytes: number; runs: number; whole?: boolean }[] = quick ? [{ mebibytes: 2, runs: 1 }]
  : [{ mebibytes: 5, runs: 3 }, { mebibytes: 50, runs: 3 }, { mebibytes: 50, runs: 3, whole: true }, { mebibytes: 200, runs: 1 }];
const runsOption = process.argv.indexOf('--runs');
const RUNS = runsOption !== -1 ? Number(process.argv[runsOption + 1]) : quick ? 3 : 5;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs takes a positive integer');
const FLEET_SIZES = quick ? [10, 100] : [10, 100, 1000];
const LARGEST = FLEET_SIZES[FLEET_SIZES.length - 1];
/** Services per environment of the 3-environment fleet case (scripts/bench/environments-fleet.ts). */
const ENVIRONMENT_SERVICES = quick ? 20 : 200;
const TSX = ['--import', 'tsx'];
const SERIALIZERS = ['yaml', 'manifest-yaml', 'js-yaml'] as const;

function repeat<T>(fn: () => T, runs = RUNS): T[] {
  return Array.from({ length: runs }, fn);
}

function lastJsonLine<T>(run: Run): T {
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as T;
}

function phaseRun(subject: string): { timings: PhaseTimings; wallMs: number; peakRssMiB: number; objectsFile: string; outdir: string } {
  const dir = tempDir('phases');
  const objectsFile = path.join(dir, 'objects.json');
  const outdir = path.join(dir, 'out');
  const run = timedRun(process.execPath, [...TSX, 'scripts/bench/phase-run.ts', subject, outdir, objectsFile]);
  return { timings: lastJsonLine<PhaseTimings>(run), wallMs: run.wallMs, peakRssMiB: run.peakRssMiB, objectsFile, outdir };
}

function statsOf<T>(items: readonly T[], pick: (item: T) => number): Stats {
  return stats(items.map(pick));
}

function measureDemo() {
  const outdir = path.join(tempDir('demo'), 'dist');
  const env = { RENDER_OUTDIR: outdir };
  // The first run after a change type-checks and compiles (and fills the code cache); the measured runs are warm.
  timedRun('npm', ['run', '-s', 'synth'], env);
  const first = phaseRun('demo');
  // Interleaved run by run, so that each synth and the floor it is compared with share the machine's load of the moment.
  const npmSynth: Run[] = [];
  const nodeSynth: Run[] = [];
  const untyped: Run[] = [];
  const phases = [first];
  const floor: Run[] = [];
  for (let run = 0; run < RUNS; run++) {
    npmSynth.push(timedRun('npm', ['run', '-s', 'synth'], env));
    floor.push(timedRun(process.execPath, ['scripts/bench/floor-process.cjs', first.objectsFile, path.join(tempDir('floor'), 'out')]));
    nodeSynth.push(timedRun(process.execPath, ['scripts/synth.cjs'], env));
    untyped.push(timedRun(process.execPath, [...TSX, 'main.ts'], env));
    if (run > 0) phases.push(phaseRun('demo'));
  }
  // A cold type-check and compile (a fresh cache), once: what the first synth after a change pays at most.
  const cold = quick ? undefined : timedRun(process.execPath, ['scripts/synth.cjs'],
    { ...env, SYNTH_CACHE_DIR: path.join(ROOT, 'node_modules', '.cache', `synth-bench-cold-${process.pid}`) });
  fs.rmSync(path.join(ROOT, 'node_modules', '.cache', `synth-bench-cold-${process.pid}`), { recursive: true, force: true });
  return { npmSynth, nodeSynth, untyped, phases, floor, cold };
}

function measureFleet(size: number) {
  const ours = [phaseRun(`fleet:${size}`)];
  // Our synthesis and the serializers interleaved run by run, each output removed at once (the first synthesis's is read
  // by the validate figures): 20,000 files left on disk slowed the next floor (at N=1000, stringifyManifest measured
  // after yaml came out slower than yaml, though it serializes 13x faster).
  const results = new Map<string, { totalMs: number; serializeMs: number; differing: number }[]>(SERIALIZERS.map((s) => [s, []]));
  for (let run = 0; run < RUNS; run++) {
    if (run > 0) {
      const again = phaseRun(`fleet:${size}`);
      fs.rmSync(path.dirname(again.outdir), { recursive: true, force: true });
      ours.push(again);
    }
    for (const serializer of SERIALIZERS) {
      const out = tempDir('floor');
      results.get(serializer)!.push(lastJsonLine(timedRun(process.execPath, [...TSX, 'scripts/bench/floor-run.ts', ours[0].objectsFile,
        path.join(out, 'out'), serializer, '--check'])));
      fs.rmSync(out, { recursive: true, force: true });
    }
  }
  const floors = Object.fromEntries(SERIALIZERS.map((serializer) => {
    const runs = results.get(serializer)!;
    return [serializer, { time: stats(runs.map((r) => r.totalMs)), serialize: stats(runs.map((r) => r.serializeMs)), differing: runs[0].differing }];
  })) as Record<(typeof SERIALIZERS)[number], { time: Stats; serialize: Stats; differing: number }>;
  const stock = repeat(() => timedRun(process.execPath, [cdk8sCliBin(), 'synth', '--no-check-upgrade', '--output', path.join(tempDir('stock'), 'out'),
    '--app', `${process.execPath} ${tsNodeBin()} scripts/bench/fleet-stock-app.ts`], { FLEET_SIZE: String(size) }));
  return { size, ours, floors, stock };
}

/**
 * 3 environments × N services, deployed by the FleetChart: ours against the `yaml` serialization floor (cdk8s
 * Yaml.stringify, what stock cdk8s writes), the floor issue 14 and the fleet targets name.
 */
function measureEnvironments(size: number) {
  const ours = repeat(() => phaseRun(`environments:${size}`));
  const floor = repeat(() => {
    const run = timedRun(process.execPath, [...TSX, 'scripts/bench/floor-run.ts', ours[0].objectsFile,
      path.join(tempDir('floor'), 'out'), 'yaml']);
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
    'plus the FleetChart (an AppProject per environment, an Application per target × cluster). Target: within 3× of the floor,',
    'the same objects written by the `yaml` library through cdk8s\' Yaml.stringify (scripts/bench/floor-run.ts `yaml`).', '',
    '| N per environment | objects | build | render | validate | write | total | `yaml` floor | total / floor |',
    '|---|---|---|---|---|---|---|---|---|',
    `| ${e.size} | ${e.ours[0].timings.objects} | ${ms(statsOf(e.ours, (r) => r.timings.buildMs))} `
    + `| ${ms(statsOf(e.ours, (r) => r.timings.renderMs))} `
    + `| ${ms(statsOf(e.ours, (r) => r.timings.validateMs))} | ${ms(statsOf(e.ours, (r) => r.timings.writeMs))} | ${ms(total)} | ${ms(floor)} `
    + `| ${(total.median / floor.median).toFixed(1)}× |`, ''].join('\n');
}

/** Review reports of the largest fleet in one target against the same services in targets of 100 (quick: of 10). */
function measureReview() {
  const perTarget = LARGEST / 10;
  const review = (servicesPerTarget: number) => repeat(() => lastJsonLine<{ objects: number; reviewMs: number }>(
    timedRun(process.execPath, [...TSX, 'scripts/bench/review-run.ts', String(LARGEST), String(servicesPerTarget)])));
  return { perTarget, one: review(LARGEST), ten: review(perTarget) };
}

/** `npm run validate` of the largest fleet's render, its read and validation phases, and the parse floors. */
function measureValidate(render: string) {
  const dirs = fs.readdirSync(render, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(render, e.name)).sort();
  const parse = (mode: string) => repeat(() => lastJsonLine<{ documents: number; totalMs: number; validateMs?: number }>(
    timedRun(process.execPath, [...TSX, 'scripts/bench/parse-run.ts', mode, ...dirs])));
  const npmValidate = repeat(() => timedRun('npm', ['run', '-s', 'validate', '--', ...dirs]));
  // Side by side, fresh processes, the same folders: the validate CLI without npm (on one thread per core, which it
  // uses when the cores are idle, and on one thread), and a node that only parses (one thread).
  const nodeValidate: Run[] = [];
  const oneThread: Run[] = [];
  const floorProcess: Run[] = [];
  for (let run = 0; run < RUNS; run++) {
    nodeValidate.push(timedRun(process.execPath, ['scripts/validate.cjs', ...dirs], { VALIDATE_THREADS: String(os.availableParallelism()) }));
    oneThread.push(timedRun(process.execPath, ['scripts/validate.cjs', ...dirs], { VALIDATE_THREADS: '1' }));
    floorProcess.push(timedRun(process.execPath, ['scripts/bench/parse-floor.cjs', ...dirs]));
  }
  // The threads it used, by the planner validate uses (lib/validation/validate-threads.ts): up to THREADS_ABOVE_BYTES of
  // YAML in up to THREADS_ABOVE_FILES files (the quick run's render) it validates on one thread anyway.
  const planned = planTargets(manifestTargets(dirs), { bytes: THREADS_ABOVE_BYTES, files: THREADS_ABOVE_FILES });
  const threads = planned === undefined ? 1 : Math.min(os.availableParallelism(), dirs.length);
  return { npmValidate, nodeValidate, oneThread, floorProcess, threads, validate: parse('validate'), jsYaml: parse('js-yaml'), yaml: parse('yaml') };
}

interface JestResults {
  readonly numPassedTests: number;
  readonly testResults: ReadonlyArray<{ readonly name: string; readonly startTime: number; readonly endTime: number }>;
}

/** `npm test` against the previous test command (import:check's regeneration, then jest on one worker), once each. */
function measureTests() {
  const results = path.join(ROOT, 'node_modules', '.cache', 'jest-results.json');
  const current = timedShellRun('npm test');
  const jest = JSON.parse(fs.readFileSync(results, 'utf8')) as JestResults;
  const previous = timedShellRun('npx tsc --noEmit && npm run -s import:check && npx jest --ci --maxWorkers=1 --silent');
  const slowest = jest.testResults
    .map((r) => ({ suite: path.relative(ROOT, r.name), ms: r.endTime - r.startTime }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 6);
  return { current, previous, tests: jest.numPassedTests, slowest };
}

function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}×`;
}

function report(demo: ReturnType<typeof measureDemo>, fleets: ReturnType<typeof measureFleet>[], review: ReturnType<typeof measureReview>,
  validate: ReturnType<typeof measureValidate>, tests: ReturnType<typeof measureTests> | undefined): string {
  const ms = (s: Stats) => formatStats(s, 'ms');
  const mib = (s: Stats) => formatStats(s, 'MiB');
  const wall = (runs: ReadonlyArray<{ readonly wallMs: number }>) => statsOf(runs, (r) => r.wallMs);
  const cpuTime = (runs: readonly Run[]) => statsOf(runs, (r) => r.cpuMs);
  const lines: string[] = [];
  const cpu = os.cpus();
  lines.push('Written by `npm run bench` (`npm run bench -- --quick` for a smoke run); every figure is the median of',
    `${RUNS} runs in fresh processes, with min–max in parentheses. Re-run it to reproduce on your machine.`,
    'Each target\'s two sides run alternately, run by run (the demo synth and its floor; the fleet synthesis and its floors).', '',
    `- machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`,
    `- load average at the end of the run: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} (other work on the machine slows every figure alike)`,
    `- node ${process.version}; mode: ${quick ? 'quick (fleet up to 100)' : 'full'}`,
    `- date: ${new Date().toISOString().slice(0, 10)}`, '');

  const fleetLargest = fleets[fleets.length - 1];
  const largestTotal = statsOf(fleetLargest.ours, (r) => r.timings.totalMs).median;
  const floor = stats(demo.floor.map((r) => r.wallMs)).median;
  const oneTarget = stats(review.one.map((r) => r.reviewMs)).median;
  const tenTargets = stats(review.ten.map((r) => r.reviewMs)).median;
  const validateWall = wall(validate.npmValidate).median;
  const fastestParse = Math.min(stats(validate.jsYaml.map((r) => r.totalMs)).median, stats(validate.yaml.map((r) => r.totalMs)).median);
  const readPhase = stats(validate.validate.map((r) => r.totalMs - (r.validateMs ?? 0))).median;
  lines.push('## Targets, side by side', '',
    '| target | measured | against | ratio | goal |', '|---|---|---|---|---|',
    '| demo `npm run synth` vs its serialization floor (a node process that only serializes and writes the same files) '
    + `| ${ms(wall(demo.npmSynth))} | ${ms(stats(demo.floor.map((r) => r.wallMs)))} | ${ratio(wall(demo.npmSynth).median, floor)} | ≤ 3× |`,
    `| the same without npm's start-up (\`node scripts/synth.cjs\`) | ${ms(wall(demo.nodeSynth))} | the same floor | ${ratio(wall(demo.nodeSynth).median, floor)} | |`,
    `| N=${fleetLargest.size} synthesis (in process) vs the \`yaml\` floor | ${ms(statsOf(fleetLargest.ours, (r) => r.timings.totalMs))} `
    + `| ${ms(fleetLargest.floors.yaml.time)} | ${ratio(largestTotal, fleetLargest.floors.yaml.time.median)} | ≤ 1.5× |`,
    `| the same without the disk (build + render + validate + serialize and review reports, vs the floor's serializing) `
    + `| ${ms(statsOf(fleetLargest.ours, (r) => r.timings.totalMs - r.timings.writeMs + r.timings.serializeMs))} `
    + `| ${ms(fleetLargest.floors.yaml.serialize)} | ${ratio(stats(fleetLargest.ours.map((r) => r.timings.totalMs - r.timings.writeMs
      + r.timings.serializeMs)).median, fleetLargest.floors.yaml.serialize.median)} | |`,
    `| the \`yaml\` floor of N=${fleetLargest.size} beside the fastest serializer writing identical bytes (\`stringifyManifest\`, `
    + `${fleetLargest.floors['manifest-yaml'].differing} of ${fleetLargest.ours[0].timings.objects} files differ) | `
    + `${ms(fleetLargest.floors['manifest-yaml'].time)} | ${ms(fleetLargest.floors.yaml.time)} `
    + `| ${ratio(fleetLargest.floors['manifest-yaml'].time.median, fleetLargest.floors.yaml.time.median)} | reported |`,
    `| the same, serializing only (no disk) | ${ms(fleetLargest.floors['manifest-yaml'].serialize)} | ${ms(fleetLargest.floors.yaml.serialize)} `
    + `| ${ratio(fleetLargest.floors['manifest-yaml'].serialize.median, fleetLargest.floors.yaml.serialize.median)} | |`,
    `| review reports of ${LARGEST} services in one target vs in ten targets of ${review.perTarget} | ${ms(stats(review.one.map((r) => r.reviewMs)))} `
    + `| ${ms(stats(review.ten.map((r) => r.reviewMs)))} | ${ratio(oneTarget, tenTargets)} | ≈ 1× (linear) |`,
    `| \`node scripts/validate.cjs\` (\`npm run validate\` without npm; \`VALIDATE_THREADS=${os.availableParallelism()}\`, one per core: `
    + `${validate.threads} thread${validate.threads === 1 ? `, the input being under ${THREADS_ABOVE_BYTES / 2 ** 20} MiB and `
      + `${THREADS_ABOVE_FILES} files` : 's'}) of `
    + `${validate.validate[0].documents} objects vs the fastest parse (a node process reading and parsing the same files with js-yaml, `
    + `one thread) | ${ms(wall(validate.nodeValidate))} | ${ms(wall(validate.floorProcess))} `
    + `| ${ratio(wall(validate.nodeValidate).median, wall(validate.floorProcess).median)} | ≤ 1.5× |`,
    `| the same on one thread (\`VALIDATE_THREADS=1\`) | ${ms(wall(validate.oneThread))} | the same floor `
    + `| ${ratio(wall(validate.oneThread).median, wall(validate.floorProcess).median)} | |`,
    `| CPU time (user + system, all threads) of the two: threaded / one thread, vs the floor's | ${ms(cpuTime(validate.nodeValidate))} / `
    + `${ms(cpuTime(validate.oneThread))} | ${ms(cpuTime(validate.floorProcess))} `
    + `| ${ratio(cpuTime(validate.nodeValidate).median, cpuTime(validate.floorProcess).median)} / `
    + `${ratio(cpuTime(validate.oneThread).median, cpuTime(validate.floorProcess).median)} | |`,
    `| \`npm run validate\` of the same vs the same parse, in process (module loading excluded) | ${ms(wall(validate.npmValidate))} `
    + `| ${ms(stats(validate.jsYaml.map((r) => r.totalMs)))} (js-yaml) | ${ratio(validateWall, fastestParse)} | |`,
    `| of which reading (lib/validation loadManifestFiles) vs the same parse | ${formatStats(stats(validate.validate.map((r) => r.totalMs - (r.validateMs ?? 0))), 'ms')} `
    + `| the same | ${ratio(readPhase, fastestParse)} | |`);
  if (tests) {
    lines.push(`| \`npm test\` (${tests.tests} tests) vs the previous test command (regenerating imports/ twice, jest on one worker) `
      + `| ${(tests.current.wallMs / 1000).toFixed(0)} s | ${(tests.previous.wallMs / 1000).toFixed(0)} s `
      + `| ${ratio(tests.current.wallMs, tests.previous.wallMs)} | ≤ 0.5× |`);
    // Two workers can only shorten what one worker leaves serial: npm test's wall time cannot drop below its CPU time
    // spread over the cores, so that bound against the previous command's wall is the lowest ratio this machine allows.
    // Counted twice: node processes only (the probe in each), and every process (the shell's `times`), which is the
    // bound; the previous command runs the API server, Chromium and esbuild on the core its one worker leaves.
    const cores = os.availableParallelism();
    const s = (value: number) => `${(value / 1000).toFixed(0)} s`;
    lines.push('| the same, CPU time of their node processes (jest, its workers, tsc, the processes the suites start) '
      + `| ${s(tests.current.cpuMs)} | ${s(tests.previous.cpuMs)} | ${ratio(tests.current.cpuMs, tests.previous.cpuMs)} | |`,
    '| the same, CPU time of all their processes (node, kube-apiserver, etcd, Chromium, esbuild, git: all that were waited for) '
      + `| ${s(tests.current.treeCpuMs)} | ${s(tests.previous.treeCpuMs)} | ${ratio(tests.current.treeCpuMs, tests.previous.treeCpuMs)} | |`,
    `| the shortest \`npm test\` ${cores} cores allow (the CPU time of all its processes / ${cores}) `
      + 'vs the previous command\'s wall time '
      + `| ${s(tests.current.treeCpuMs / cores)} | ${s(tests.previous.wallMs)} `
      + `| ${ratio(tests.current.treeCpuMs / cores, tests.previous.wallMs)} | bound |`);
  }
  lines.push('');

  lines.push('## Demo app (`main.ts`)', '',
    '| what | wall time | peak RSS |', '|---|---|---|',
    `| \`npm run synth\` (what users run: type-checked, compiled; warm, nothing changed) | ${ms(wall(demo.npmSynth))} | ${mib(statsOf(demo.npmSynth, (r) => r.peakRssMiB))} |`,
    `| \`node scripts/synth.cjs\` (the same, no npm) | ${ms(wall(demo.nodeSynth))} | ${mib(statsOf(demo.nodeSynth, (r) => r.peakRssMiB))} |`,
    ...(demo.cold ? [
      `| the same with a cold cache (full type-check and compile, once) | ${demo.cold.wallMs.toFixed(0)} ms | ${demo.cold.peakRssMiB.toFixed(0)} MiB |`,
    ] : []),
    `| \`node --import tsx main.ts\` (no type-check, transpiled at run time) | ${ms(wall(demo.untyped))} | ${mib(statsOf(demo.untyped, (r) => r.peakRssMiB))} |`,
    `| serialization floor (node, the \`yaml\` library, write the same files) | ${ms(wall(demo.floor))} | ${mib(statsOf(demo.floor, (r) => r.peakRssMiB))} |`,
    `| in-process synthesis (build + render + validate + write) | ${ms(statsOf(demo.phases, (r) => r.timings.totalMs))} | |`,
    `| of which validation (lib/validation) | ${ms(statsOf(demo.phases, (r) => r.timings.validateMs))} | |`, '',
    `The demo renders ${demo.phases[0].timings.objects} objects into ${demo.phases[0].timings.files} files (review reports included) `
    + `(${(demo.phases[0].timings.bytes / 1024).toFixed(0)} KiB).`, '');

  lines.push('## Fleet of N meshed services', '',
    'Each service (scripts/bench/fleet.ts): a meshed `api` Deployment with probes, its ServiceAccount and Service, a',
    'Server, two routes with their authorization policies and MeshTLS authentications, and the derived probe',
    'authorization; a `web` canary Rollout with its ServiceAccount, stable, canary and root Services, the HTTPRoute the',
    'Argo Rollouts plugin edits, and an AnalysisTemplate. 100 services per namespace and render target.', '',
    '| N | objects | build | render | validate | write | total | peak RSS | bytes written | `yaml` floor | total / floor | ours, process wall | stock cdk8s, process wall |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const f of fleets) {
    const total = statsOf(f.ours, (r) => r.timings.totalMs);
    lines.push(`| ${f.size} | ${f.ours[0].timings.objects} | ${ms(statsOf(f.ours, (r) => r.timings.buildMs))} `
      + `| ${ms(statsOf(f.ours, (r) => r.timings.renderMs))} `
      + `| ${ms(statsOf(f.ours, (r) => r.timings.validateMs))} | ${ms(statsOf(f.ours, (r) => r.timings.writeMs))} | ${ms(total)} `
      + `| ${mib(statsOf(f.ours, (r) => r.peakRssMiB))} | ${(f.ours[0].timings.bytes / 1024).toFixed(0)} KiB | ${ms(f.floors.yaml.time)} `
      + `| ${(total.median / f.floors.yaml.time.median).toFixed(2)}× | ${ms(wall(f.ours))} | ${ms(wall(f.stock))} |`);
  }
  lines.push('', 'Serialization floors: the same final objects serialized and written as the same files, with no constructs and no',
    'validation, by each serializer; "differing files" compares each output with the `yaml` library\'s.', '',
    '| N | `yaml` (cdk8s Yaml.stringify) | `stringifyManifest` (lib/output, what synthesis writes) | js-yaml `dump` '
    + '| serializing only (no disk): yaml / ours / js-yaml | differing files: ours / js-yaml |',
    '|---|---|---|---|---|---|');
  for (const f of fleets) {
    lines.push(`| ${f.size} | ${ms(f.floors.yaml.time)} | ${ms(f.floors['manifest-yaml'].time)} | ${ms(f.floors['js-yaml'].time)} `
      + `| ${f.floors.yaml.serialize.median.toFixed(0)} / ${f.floors['manifest-yaml'].serialize.median.toFixed(0)} / `
      + `${f.floors['js-yaml'].serialize.median.toFixed(0)} ms `
      + `| ${f.floors['manifest-yaml'].differing} / ${f.floors['js-yaml'].differing} of ${f.ours[0].timings.objects} |`);
  }
  const byN = new Map(fleets.map((f) => [f.size, stats(f.ours.map((r) => r.timings.totalMs)).median]));
  if (byN.has(1000) && byN.has(100)) {
    lines.push('', `Growth: total(N=1000) / total(N=100) = ${(byN.get(1000)! / byN.get(100)!).toFixed(1)} (linear growth is about 10).`);
  }
  lines.push('', 'Phases and "total" are measured inside the process (module loading excluded).',
    '"ours, process wall" is the whole `node --import tsx` process of that run (start, module loading, synthesis);',
    '"stock cdk8s, process wall" is `cdk8s synth` with the default ts-node app command (type-checking the app) and',
    'cdk8s\' own `app.synth()` writing the same fleet, without our validation.', '');

  lines.push(`## Review reports and validation of N=${LARGEST}`, '',
    '| what | time |', '|---|---|',
    `| review reports, one target of ${LARGEST} services (${review.one[0].objects} objects) | ${ms(stats(review.one.map((r) => r.reviewMs)))} |`,
    `| review reports, ten targets of ${review.perTarget} services | ${ms(stats(review.ten.map((r) => r.reviewMs)))} |`,
    `| \`npm run validate\` of the render (${validate.validate[0].documents} objects), process wall | ${ms(wall(validate.npmValidate))} |`,
    `| \`node scripts/validate.cjs\` of the same (\`VALIDATE_THREADS=${os.availableParallelism()}\`: ${validate.threads} threads), process wall / CPU time `
    + `| ${ms(wall(validate.nodeValidate))} / ${ms(cpuTime(validate.nodeValidate))} |`,
    `| the same on one thread (\`VALIDATE_THREADS=1\`), process wall / CPU time | ${ms(wall(validate.oneThread))} / ${ms(cpuTime(validate.oneThread))} |`,
    '| parse floor process: node reading every file, js-yaml `loadAll`, process wall / CPU time '
    + `| ${ms(wall(validate.floorProcess))} / ${ms(cpuTime(validate.floorProcess))} |`,
    `| in process: read (loadManifestFiles) + validate (validateTargets) | ${ms(stats(validate.validate.map((r) => r.totalMs)))} |`,
    `| of which validateTargets | ${ms(stats(validate.validate.map((r) => r.validateMs ?? 0)))} |`,
    `| parse floor: read every file, js-yaml \`loadAll\` | ${ms(stats(validate.jsYaml.map((r) => r.totalMs)))} |`,
    `| parse floor: read every file, \`yaml\` \`parseAllDocuments\` | ${ms(stats(validate.yaml.map((r) => r.totalMs)))} |`, '');

  if (tests) {
    lines.push('## Tests', '',
      `\`npm test\` (tsc, the drift check, jest on two workers): ${(tests.current.wallMs / 1000).toFixed(0)} s; the previous command `
      + `(tsc, import:check regenerating imports/, jest on one worker): ${(tests.previous.wallMs / 1000).toFixed(0)} s. `
      + `CPU time of their node processes: ${(tests.current.cpuMs / 1000).toFixed(0)} s and ${(tests.previous.cpuMs / 1000).toFixed(0)} s; `
      + `of all their processes (etcd, kube-apiserver, Chromium, esbuild and git too): ${(tests.current.treeCpuMs / 1000).toFixed(0)} s `
      + `and ${(tests.previous.treeCpuMs / 1000).toFixed(0)} s. `
      + 'Slowest suites of the `npm test` run:', '',
      '| suite | time |', '|---|---|',
      ...tests.slowest.map((s) => `| ${s.suite} | ${(s.ms / 1000).toFixed(1)} s |`), '');
  }
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

const VALIDATE_BEGIN = '<!-- measured by npm run bench (validate): begin -->';
const VALIDATE_END = '<!-- measured by npm run bench (validate): end -->';

function measureLargeFileValidation(): string {
  const results = LARGE_FILES.map((c) => measureLargeValidation(c.mebibytes, c.runs, c.whole));
  const load = `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores at the start`;
  const header = `Measured ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${load}; median of the runs (min–max).`;
  const measured = [header, '',
    ...reportLargeValidation(results)].join('\n');
  console.log(measured);
  if (!quick) {
    const existing = fs.existsSync(BENCHMARKS) ? fs.readFileSync(BENCHMARKS, 'utf8') : '';
    const begin = existing.indexOf(VALIDATE_BEGIN);
    const end = existing.indexOf(VALIDATE_END);
    const block = `${VALIDATE_BEGIN}\n${measured}\n${VALIDATE_END}`;
    const updated = begin === -1 || end < begin
      ? `${existing}\n${block}\n`
      : existing.slice(0, begin) + block + existing.slice(end + VALIDATE_END.length);
    fs.writeFileSync(BENCHMARKS, updated);
  }
  return measured;
}

function main(): void {
  const started = Date.now();
  try {
    if (!envtestOnly) measureLargeFileValidation();
    if (!envtestOnly && !validateOnly) {
      const demo = measureDemo();
      const fleets = FLEET_SIZES.map(measureFleet);
      const review = measureReview();
      const validate = measureValidate(fleets[fleets.length - 1].ours[0].outdir);
      let tests: ReturnType<typeof measureTests> | undefined;
      try {
        tests = quick ? undefined : measureTests();
      } catch (error) {
        // Report the other figures anyway; the failure is printed and the exit code says it.
        console.error(`npm test failed while benchmarking it:\n${(error as Error).message}`);
        process.exitCode = 1;
      }
      const measured = `${report(demo, fleets, review, validate, tests)}\n${environmentsReport(measureEnvironments(ENVIRONMENT_SERVICES))}`;
      console.log(measured);
      if (!quick) fs.writeFileSync(BENCHMARKS, withMeasurements(fs.existsSync(BENCHMARKS) ? fs.readFileSync(BENCHMARKS, 'utf8') : '', measured));
    }
    // The API server harness: its own block, measured only when KUBEBUILDER_ASSETS is set (left as it is otherwise).
    if (!validateOnly) {
      const envtest = measureEnvtest(quick);
      console.log(envtest ?? '\n(API server harness not measured: KUBEBUILDER_ASSETS is not set)');
      if (!quick && envtest !== undefined) {
        fs.writeFileSync(BENCHMARKS, withMeasurements(fs.readFileSync(BENCHMARKS, 'utf8'), envtest, { begin: ENVTEST_BEGIN, end: ENVTEST_END }));
      }
    }
    console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s; ${quick ? 'quick run: BENCHMARKS.md left alone' : 'written to BENCHMARKS.md'})`);
  } finally {
    removeTempDirs();
  }
}

main();
