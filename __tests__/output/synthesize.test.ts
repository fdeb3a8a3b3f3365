import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Chart } from 'cdk8s';
import { cdk8sCliBin } from 'cdk8s-cli-on-demand';
import { readTree, synthesize, writeAtomically } from '../../lib/output';
import { buildApp } from '../../main';

const ROOT = path.resolve(__dirname, '..', '..');
const CDK8S = cdk8sCliBin();
let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[], env: Record<string, string>) {
  return spawnSync(command, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
}

/** A dist/ with the real render in it, as a user's checkout has. */
function populatedDist(): { outdir: string; before: Map<string, string> } {
  const outdir = path.join(dir, 'dist');
  writeAtomically(outdir, synthesize(buildApp).files);
  return { outdir, before: readTree(outdir) };
}

describe('synthesis is atomic', () => {
  test.each(['construct', 'validation'])('an app that throws at %s time leaves dist/ byte-identical (npm run synth path)', (at) => {
    const { outdir, before } = populatedDist();
    const result = run(process.execPath, ['--import', 'tsx', '__tests__/support/fixtures/throwing-app.ts'], { RENDER_OUTDIR: outdir, THROW_AT: at });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Synthesis failed; ${outdir}/ was left unchanged.`);
    expect(result.stderr).toMatch(at === 'validation' ? /\[broken\] this chart is invalid on purpose/ : /throws on purpose/);
    expect(readTree(outdir)).toEqual(before);
  });

  test('plain `cdk8s synth` with a throwing app fails and leaves dist/ byte-identical', () => {
    const { outdir, before } = populatedDist();
    const result = run(process.execPath, [CDK8S, 'synth', '--no-check-upgrade', '--output', path.join(dir, 'cli-out'),
      '--app', `${process.execPath} --import tsx __tests__/support/fixtures/throwing-app.ts`], { RENDER_OUTDIR: outdir });
    expect(result.status).not.toBe(0);
    expect(readTree(outdir)).toEqual(before);
  });
});

describe('synthesis is deterministic', () => {
  test('two in-process syntheses give identical files', () => {
    expect(synthesize(buildApp).files).toEqual(synthesize(buildApp).files);
  });

  test('`cdk8s synth` and `npm run synth` write the same bytes as each other, twice', () => {
    const viaNode = path.join(dir, 'node');
    const viaCli = path.join(dir, 'cli');
    const said = [viaNode, `${viaNode}-again`].map((outdir) =>
      execFileSync(process.execPath, ['--import', 'tsx', 'main.ts'],
        { cwd: ROOT, env: { ...process.env, RENDER_OUTDIR: outdir }, encoding: 'utf8' }));
    const scratch = path.join(dir, 'cli-scratch');
    const cli = run(process.execPath, [CDK8S, 'synth', '--no-check-upgrade', '--output', scratch], { RENDER_OUTDIR: viaCli });
    expect(cli.status).toBe(0);
    const rendered = readTree(viaNode);
    const objectFiles = [...rendered.keys()].filter((file) => file.endsWith('.yaml'));
    const reports = [...rendered.keys()].filter((file) => file.endsWith('.md'));
    expect(objectFiles.length).toBeGreaterThan(0);
    expect(said[0]).toBe(
      `Synthesized ${objectFiles.length} objects in ${reports.length} targets into ${viaNode}/: a folder and a review report (.md) per target\n`);
    expect(readTree(`${viaNode}-again`)).toEqual(rendered);
    expect(readTree(viaCli)).toEqual(rendered);
    // The CLI lists what it synthesized from its own scratch folder: the same files; it lists only the .yaml ones.
    expect(readTree(scratch)).toEqual(rendered);
    const listed = cli.stdout.split('\n').filter((line) => line.startsWith('  - ')).map((line) => path.relative(scratch,
      line.slice(4)).split(path.sep).join('/'));
    expect(listed.sort()).toEqual(objectFiles.sort());
  });
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
