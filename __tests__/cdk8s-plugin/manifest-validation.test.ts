import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cdk8sCliBin } from 'cdk8s-cli-on-demand';
import { ValidationContext, ValidationViolation } from '../../lib/cdk8s-plugin/cli-plugin-api';
import { ManifestValidation } from '../../lib/cdk8s-plugin/manifest-validation';
import { formatProblem, loadManifestFiles, validateTargets } from '../../lib/validation';
import { expectOurPluginPassed, npxCdk8sSynth, PLUGIN } from '../support/npx-cdk8s-synth';
import { SpawnResult, spawnAsync } from '../support/spawn-async';

const ROOT = path.resolve(__dirname, '..', '..');
let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-plugin-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

// A Deployment with two problems the engine finds: an unknown field and a selector that misses its pods.
const BROKEN_DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replica: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
  },
};

/** A context as the CLI builds it, recording what the plugin reports. */
function recordingContext(manifests: string[], metadata: ValidationContext['metadata'] = {}) {
  const violations: ValidationViolation[] = [];
  const submitted: Array<{ status: string; metadata?: Record<string, string> }> = [];
  const context: ValidationContext = {
    manifests,
    metadata,
    report: { addViolation: (v) => violations.push(v), submit: (status, meta) => submitted.push({ status, metadata: meta }) },
  };
  return { context, violations, submitted };
}

describe('ManifestValidation (in process)', () => {
  test('reports each problem of the one engine as a violation, with the construct path from the construct metadata', async () => {
    const file = path.join(dir, 'app.k8s.yaml');
    fs.writeFileSync(file, `---\n${JSON.stringify(BROKEN_DEPLOYMENT)}\n`);
    const { context, violations, submitted } = recordingContext([file], { web: { path: 'app/web' } });
    await new ManifestValidation().validate(context);

    const expected = validateTargets(loadManifestFiles([file]).targets);
    expect(expected.map((p) => p.rule)).toEqual(['schema/unknown-field', 'core/selector-mismatch']);
    expect(violations.map((v) => v.ruleName)).toEqual(expected.map((p) => p.rule));
    expect(violations.map((v) => v.recommendation)).toEqual(expected.map((p) => formatProblem({ ...p, source: 'app/web' })));
    expect(violations[0].recommendation).toBe(
      'app.k8s.yaml app/web apps/Deployment web spec.replica: [schema/unknown-field] unknown field "replica"; '
      + 'allowed: minReadySeconds, paused, progressDeadlineSeconds, replicas, revisionHistoryLimit, selector, strategy, template');
    expect(violations[0].fix).toBe(
      'use minReadySeconds, paused, progressDeadlineSeconds, replicas, revisionHistoryLimit, selector, strategy, template');
    expect(violations[0].violatingResources).toEqual([{ resourceName: 'web', locations: ['spec.replica'], manifestPath: file }]);
    expect(submitted).toEqual([{ status: 'failure', metadata: { objects: '1', targets: '1', problems: '2' } }]);
  });

  test('files at the top of the output folder are one target each; a sub-folder is one target', async () => {
    // Same-named ServiceAccounts in one namespace: a duplicate within a target, not across targets.
    const account = (name: string) => `---\n${JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'shop' } })}\n`;
    fs.writeFileSync(path.join(dir, 'a.k8s.yaml'), account('web'));
    fs.writeFileSync(path.join(dir, 'b.k8s.yaml'), account('web'));
    fs.mkdirSync(path.join(dir, 'shop'));
    fs.writeFileSync(path.join(dir, 'shop', '1.yaml'), account('api'));
    fs.writeFileSync(path.join(dir, 'shop', '2.yaml'), account('api'));
    const manifests = ['a.k8s.yaml', 'b.k8s.yaml', 'shop/1.yaml', 'shop/2.yaml'].map((f) => path.join(dir, f));
    const { context, violations, submitted } = recordingContext(manifests);
    await new ManifestValidation().validate(context);

    expect(submitted[0].metadata).toEqual({ objects: '4', targets: '3', problems: String(violations.length) });
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.recommendation.startsWith('shop '))).toBe(true);
    expect(violations[0].violatingResources[0].manifestPath).toBe(path.join(dir, 'shop', '2.yaml'));
  });

  test('a clean render submits success with no violations', async () => {
    const file = path.join(dir, 'ok.k8s.yaml');
    fs.writeFileSync(file, `---\n${JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' } })}\n`);
    const { context, violations, submitted } = recordingContext([file]);
    await new ManifestValidation().validate(context);
    expect(violations).toEqual([]);
    expect(submitted).toEqual([{ status: 'success', metadata: { objects: '1', targets: '1', problems: '0' } }]);
  });
});

// The CLI runs are independent: they start together before the first test and each test asserts on its own run.
// `npx cdk8s synth --no-check-upgrade` of this app is asserted the same way on the run of synthesize.test.ts's
// determinism test, which compares its bytes: one `cdk8s synth` of this app (about 4 s of CPU) fewer.
const THIS_APP_FLAGS: string[][] = [[]];
let cliDir: string;
let freshAppRun: Promise<SpawnResult>;
let thisAppRuns: Array<Promise<SpawnResult>>;
beforeAll(() => {
  cliDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-plugin-cli-'));
  freshAppRun = synthFreshApp(path.join(cliDir, 'fresh'));
  thisAppRuns = THIS_APP_FLAGS.map((flags, index) => npxCdk8sSynth(path.join(cliDir, `this-app-${index}`), flags));
  void Promise.allSettled([freshAppRun, ...thisAppRuns]); // a failed start is reported by the test that awaits it
});
afterAll(async () => {
  await Promise.allSettled([freshAppRun, ...thisAppRuns]);
  fs.rmSync(cliDir, { recursive: true, force: true });
});

/** `cdk8s synth` of a fresh cdk8s app outside this repository whose cdk8s.yaml has one `validations:` entry for us. */
function synthFreshApp(home: string): Promise<SpawnResult> {
  const app = path.join(home, 'fresh-app');
  fs.mkdirSync(app, { recursive: true });
  fs.writeFileSync(path.join(app, 'cdk8s.yaml'), [
    'language: typescript',
    'app: node main.js',
    'validations:',
    `  - package: ${PLUGIN}`,
    '    version: 0.1.0',
    '    class: ManifestValidation',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(app, 'main.js'), [
    "const { ApiObject, App, Chart } = require('cdk8s');",
    'const app = new App();',
    "const chart = new Chart(app, 'shop');",
    `new ApiObject(chart, 'web', ${JSON.stringify(BROKEN_DEPLOYMENT)});`,
    'app.synth();',
    '',
  ].join('\n'));
  // The app finds cdk8s in this repository's node_modules; HOME is empty, so no cached update check can hide noise.
  return spawnAsync(process.execPath, [cdk8sCliBin(), 'synth'], {
    cwd: app,
    env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), HOME: home, CDK8S_CHECK_UPGRADE: 'false' },
  });
}

describe('ManifestValidation through the cdk8s CLI', () => {
  test('a fresh cdk8s app outside this repository adds it with one `validations:` entry and sees our problems on `cdk8s synth`', async () => {
    const result = await freshAppRun;
    const output = result.stdout + result.stderr;
    expect(result.status).toBe(2); // the CLI's exit code for a failed validation report
    expect(output).toContain('Validation failed. See above reports for details');
    expect(output).toContain('schema/unknown-field');
    expect(output).toContain(
      'Recommendation: shop.k8s.yaml shop/web apps/Deployment web spec.replica: [schema/unknown-field] unknown field "replica"');
    expect(output).toContain('Recommendation: shop.k8s.yaml shop/web apps/Deployment web spec.selector: [core/selector-mismatch]');
    expect(output).toContain('- Construct Path: shop/web');
    expect(output).toContain(`- Manifest Path: ${path.join('dist', 'shop.k8s.yaml')}`);
  }, 600_000); // the runs are awaited, so jest's timeout applies: room for a first synth that compiles, under load
});

describe("this app's `npx cdk8s synth`", () => {
  test.each(THIS_APP_FLAGS.map((flags, index) => [flags, index] as const))(
    'with flags %j: runs our validation plugin, exits 0, no stack trace or update notice', async (_flags, index) => {
      expectOurPluginPassed(await thisAppRuns[index]);
    }, 600_000);
});
