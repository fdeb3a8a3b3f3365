import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Chart } from 'cdk8s';
import { cdk8sCliBin } from 'cdk8s-cli-on-demand';
import { readTree, synthesize, writeAtomically } from '../../lib/output';
import { buildApp } from '../../main';
import { expectOurPluginPassed, npxCdk8sSynth } from '../support/npx-cdk8s-synth';
import { SpawnResult, spawnAsync } from '../support/spawn-async';

const ROOT = path.resolve(__dirname, '..', '..');
const CDK8S = cdk8sCliBin();
/** The throwing app as `node --import tsx` runs it, bundled and code-cached (support/run-bundled.cjs). */
const RUN_BUNDLED = path.join('__tests__', 'support', 'run-bundled.cjs');
const THROWING_APP = path.join('__tests__', 'support', 'fixtures', 'throwing-app.ts');
let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[], env: Record<string, string>): Promise<SpawnResult> {
  return spawnAsync(command, args, { cwd: ROOT, env: { ...process.env, ...env } });
}

/** The real render, made once for the file: what a user's checkout has in dist/. */
let render: ReadonlyMap<string, string> | undefined;
const realRender = () => (render ??= synthesize(buildApp).files);

describe('synthesis is atomic', () => {
  // Each case gets its own dist/ with the real render in it; the three synths are independent, so they run at once.
  let atomicDir: string;
  const runs = new Map<string, Promise<{ outdir: string; before: Map<string, string>; result: SpawnResult }>>();
  function startOnPopulatedDist(name: string, command: string, args: (outdir: string) => string[], env: Record<string, string> = {}) {
    const outdir = path.join(atomicDir, name, 'dist');
    writeAtomically(outdir, realRender());
    const before = readTree(outdir);
    runs.set(name, run(command, args(outdir), { RENDER_OUTDIR: outdir, ...env }).then((result) => ({ outdir, before, result })));
  }
  beforeAll(() => {
    atomicDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-atomic-'));
    for (const at of ['construct', 'validation']) {
      startOnPopulatedDist(at, process.execPath, () => [RUN_BUNDLED, THROWING_APP], { THROW_AT: at });
    }
    startOnPopulatedDist('cli', process.execPath, () => [CDK8S, 'synth', '--no-check-upgrade', '--output', path.join(atomicDir, 'cli', 'cli-out'),
      '--app', `${process.execPath} ${RUN_BUNDLED} ${THROWING_APP}`]);
    void Promise.allSettled(runs.values()); // a failed start is reported by the test that awaits it
  });
  afterAll(async () => {
    await Promise.allSettled(runs.values());
    fs.rmSync(atomicDir, { recursive: true, force: true });
  });

  test.each(['construct', 'validation'])('an app that throws at %s time leaves dist/ byte-identical (npm run synth path)', async (at) => {
    const { outdir, before, result } = await runs.get(at)!;
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Synthesis failed; ${outdir}/ was left unchanged.`);
    expect(result.stderr).toMatch(at === 'validation' ? /\[broken\] this chart is invalid on purpose/ : /throws on purpose/);
    expect(readTree(outdir)).toEqual(before);
  }, 600_000); // awaited runs are under jest's timeout: room for a loaded machine

  test('plain `cdk8s synth` with a throwing app fails and leaves dist/ byte-identical', async () => {
    const { outdir, before, result } = await runs.get('cli')!;
    expect(result.status).not.toBe(0);
    expect(readTree(outdir)).toEqual(before);
  }, 600_000);
});

describe('synthesis is deterministic', () => {
  test('two in-process syntheses give identical files', () => {
    expect(synthesize(buildApp).files).toEqual(realRender());
  });

  test('`cdk8s synth` and `npm run synth` write the same bytes as each other, twice, and as the pipeline in process; '
    + 'with no change since the first, neither the second nor the CLI\'s runs tsc', async () => {
    const viaNode = path.join(dir, 'node');
    const cliHome = path.join(dir, 'cli-home');
    const viaCli = path.join(cliHome, 'dist');
    const scratch = path.join(cliHome, 'scratch');
    // `npm run synth` is `node scripts/synth.cjs` (compiled when its sources changed); the first run brings the build
    // up to date, the other two then run at once.
    const said = await run(process.execPath, ['scripts/synth.cjs'], { RENDER_OUTDIR: viaNode });
    expect(said.stderr).toBe('');
    expect(said.status).toBe(0);
    const buildInfo = path.join(ROOT, 'node_modules', '.cache', 'synth', 'tsbuildinfo');
    const builtAt = fs.statSync(buildInfo).mtimeMs;
    const [saidAgain, cli] = await Promise.all([
      run(process.execPath, ['scripts/synth.cjs'], { RENDER_OUTDIR: `${viaNode}-again` }),
      npxCdk8sSynth(cliHome, ['--no-check-upgrade']),
    ]);
    expect(saidAgain.status).toBe(0);
    // As a user runs it; also manifest-validation.test.ts's case for this flag: our validation plugin ran and passed.
    expectOurPluginPassed(cli);
    expect(fs.statSync(buildInfo).mtimeMs).toBe(builtAt);
    const rendered = readTree(viaNode);
    expect(rendered).toEqual(realRender());
    const objectFiles = [...rendered.keys()].filter((file) => file.endsWith('.yaml'));
    const reports = [...rendered.keys()].filter((file) => file.endsWith('.md'));
    expect(objectFiles.length).toBeGreaterThan(0);
    expect(said.stdout).toBe(
      `Synthesized ${objectFiles.length} objects in ${reports.length} targets into ${viaNode}/: a folder and a review report (.md) per target\n`);
    expect(readTree(`${viaNode}-again`)).toEqual(rendered);
    expect(readTree(viaCli)).toEqual(rendered);
    // The CLI lists what it synthesized from its own scratch folder: the same files; it lists only the .yaml ones.
    expect(readTree(scratch)).toEqual(rendered);
    const listed = cli.stdout.split('\n').filter((line) => line.startsWith('  - ')).map((line) => path.relative(scratch,
      line.slice(4)).split(path.sep).join('/'));
    expect(listed.sort()).toEqual(objectFiles.sort());
  }, 600_000);
});

describe('synthesis validates every rendered object', () => {
  test('an object the API server would reject fails synthesis, naming the construct, field, rule and what is allowed', () => {
    const build = (app: import('cdk8s').App) => {
      const chart = new Chart(app, 'demo');
      new ApiObject(chart, 'Svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'demo' },
        spec: { ports: [{ port: 70000 }], bogus: true } });
    };
    expect(() => synthesize(build)).toThrow(/Validation found \d+ problem\(s\):\n {2}demo demo\/Svc core\/Service demo\/web spec\./);
    expect(() => synthesize(build)).toThrow(/spec\.bogus: \[schema\/unknown-field\]/);
    expect(() => synthesize(build)).toThrow(/spec\.ports\[0\]\.port: .*70000/);
  });
});
