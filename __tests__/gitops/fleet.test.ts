import { App, Chart, Testing } from 'cdk8s';
import { ENVIRONMENTS } from '../../charts/environments';
import { FleetChart } from '../../charts/fleet';
import { RolloutsDemoChart } from '../../charts/rollouts-demo';
import { Environment, prepareRender } from '../../lib/gitops';
import { Manifest, synthesize } from '../../lib/output';
import { buildApp } from '../../main';
import { validatedSynth } from '../support/validated-synth';

const REPO = 'https://github.com/example-org/mesh.git';
const synthesis = synthesize(buildApp);
const folders = new Set([...synthesis.files.keys()].filter((f) => f.includes('/')).map((f) => f.split('/')[0]));
const allManifests = synthesis.targets.flatMap((t) => t.objects.map((o) => o.manifest)) as Array<Manifest & { spec?: any }>;

test('every Application that reads the rendered branch points at a folder synthesized into dist/', () => {
  const fromBranch = allManifests.filter((m) => m.kind === 'Application' && m.spec.source.targetRevision === 'rendered');
  // The root, the per-target Applications, the platform's identity and the fleet's: a handful would pass vacuously.
  expect(fromBranch.length).toBeGreaterThanOrEqual(12);
  const missing = fromBranch.filter((m) => !folders.has(m.spec.source.path)).map((m) => `${m.metadata.name} -> ${m.spec.source.path}`);
  expect(missing).toEqual([]);
  // And every other Application is a pinned upstream source (a chart or a tag), never a branch of this repository.
  for (const m of allManifests.filter((a) => a.kind === 'Application' && a.spec.source.targetRevision !== 'rendered')) {
    expect(m.spec.source.repoURL).not.toBe('https://github.com/example-org/linkerd-progressive-delivery.git');
    expect(m.spec.source.targetRevision).toMatch(/^v?\d+\.\d+\.\d+$/);
  }
});

test('the environments are rendered side by side and deployed only by the fleet, once per cluster', () => {
  for (const env of ENVIRONMENTS) expect(folders.has(`${env.name}-rollouts-demo`)).toBe(true);
  const fleetApps = synthesis.targets.find((t) => t.name === 'fleet')!.objects.map((o) => o.manifest as Manifest & { spec: any })
    .filter((m) => m.kind === 'Application');
  expect(fleetApps.map((m) => [m.metadata.name, m.spec.project, m.spec.destination.server]).sort()).toEqual([
    ['production-rollouts-demo-production-eu-1', 'production', 'https://production-eu-1.k8s.example.org'],
    ['production-rollouts-demo-production-us-1', 'production', 'https://production-us-1.k8s.example.org'],
    ['staging-rollouts-demo-staging-eu-1', 'staging', 'https://staging-eu-1.k8s.example.org'],
  ]);
  // The app of apps deploys the fleet chart, not the environment targets (they go to other clusters).
  const rootApps = synthesis.targets.find((t) => t.name === 'argocd')!.objects.map((o) => o.manifest.metadata.name);
  expect(rootApps).toContain('fleet');
  expect(rootApps.filter((n) => n.startsWith('staging-') || n.startsWith('production-'))).toEqual([]);
  // The canary's HTTPRoute weights belong to Argo Rollouts in every environment too.
  for (const app of fleetApps) expect(app.spec.ignoreDifferences).toEqual([expect.objectContaining({ kind: 'HTTPRoute' })]);
});

test('each environment\'s AppProject reaches exactly its own clusters and namespaces', () => {
  const projects = synthesis.targets.find((t) => t.name === 'fleet')!.objects.map((o) => o.manifest as Manifest & { spec: any })
    .filter((m) => m.kind === 'AppProject');
  const destinations = Object.fromEntries(projects.map((p) => [p.metadata.name, p.spec.destinations]));
  expect(destinations).toEqual({
    staging: [{ server: 'https://staging-eu-1.k8s.example.org', namespace: 'test' }],
    production: [
      { server: 'https://production-eu-1.k8s.example.org', namespace: 'test' },
      { server: 'https://production-us-1.k8s.example.org', namespace: 'test' },
    ],
  });
  for (const p of projects) expect(JSON.stringify(p.spec)).not.toMatch(/\*/);
});

test('npm run render accepts the platform\'s pinned upstream sources and still checks every rendered-branch Application', () => {
  const remoteUrl = 'https://github.com/example-org/linkerd-progressive-delivery.git';
  expect(prepareRender(buildApp, undefined, { branch: 'rendered', remoteUrl }).targets).toEqual(expect.arrayContaining(['platform', 'fleet']));
  // Published to another branch, the rendered-branch Applications (fleet's included) are refused, the pinned ones are not.
  let message = '';
  try {
    prepareRender(buildApp, undefined, { branch: 'other', remoteUrl });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message)
    .toContain('Application staging-rollouts-demo-staging-eu-1 syncs revision "rendered" but this render is published to branch "other"');
  expect(message).not.toMatch(/Application (linkerd-crds|gateway-api-crds|cert-manager) /);
});

/** Leaf paths where two JSON values differ. */
function differingPaths(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) return [`${path}[]`];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => differingPaths((a as any)[k], (b as any)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`));
}

test('staging and production differ exactly where their values differ', () => {
  const byName = (target: string) => new Map(synthesis.targets.find((t) => t.name === target)!.objects
    .map((o) => [`${o.manifest.kind}/${o.manifest.metadata.name}`, o.manifest]));
  const staging = byName('staging-rollouts-demo');
  const production = byName('production-rollouts-demo');
  expect([...staging.keys()].sort()).toEqual([...production.keys()].sort());
  const differences = [...staging.keys()].sort().flatMap((key) => differingPaths(staging.get(key), production.get(key)).map((p) => `${key}${p}`));
  expect(differences.sort()).toEqual([
    // accessPolicy: audit vs deny
    'Namespace/test.metadata.annotations.config.linkerd.io/default-inbound-policy',
    // replicas, image, canary steps (one weight vs four, pauses 10s vs 2m)
    'Rollout/rollouts-demo.spec.replicas',
    'Rollout/rollouts-demo.spec.strategy.canary.steps[]',
    'Rollout/rollouts-demo.spec.template.spec.containers[0].image',
    // minimumSuccessRate 0.95 vs 0.99
    'AnalysisTemplate/podinfo-success-rate.spec.metrics[0].successCondition',
  ].sort());
});

describe('FleetApplications refuses', () => {
  const cluster = { name: 'c1', server: 'https://c1.example.org' };
  const make = (environment: Environment, chartId = `${environment.name}-demo`) => {
    const app = new App();
    const chart = new RolloutsDemoChart(app, chartId);
    new FleetChart(app, 'fleet', { repoUrl: REPO, environments: [{ environment, charts: [chart] }] });
  };
  test.each([
    [{ name: 'staging', clusters: [] }, undefined,
      '[fleet/applications] clusters of environment staging [] is invalid; allowed: at least one cluster'],
    [{ name: 'staging', clusters: [cluster] }, 'demo',
      '[fleet/applications] chart id of environment staging "demo" is invalid; allowed: an id starting with "staging-"'],
    [{ name: 'staging', clusters: [cluster, cluster] }, undefined,
      '[fleet/applications] cluster name "c1" is invalid; allowed: each cluster in one environment, once'],
    [{ name: 'staging', clusters: [{ name: 'c2', server: 'https://*.example.org' }] }, undefined,
      '[fleet/applications] server of cluster c2 "https://*.example.org" is invalid; allowed: an https:// URL without wildcards'],
    [{ name: 'Staging', clusters: [cluster] }, 'Staging-demo', '[fleet/applications] environment name "Staging" is invalid'],
  ])('%j', (environment, chartId, message) => {
    expect(() => make(environment as Environment, chartId)).toThrow(message);
  });
});

test('a fleet chart of a small environment passes the validator', () => {
  const app = Testing.app();
  const chart = new RolloutsDemoChart(app, 'qa-rollouts-demo', { replicas: 1 });
  const fleet = new FleetChart(app, 'fleet', {
    repoUrl: REPO, environments: [{ environment: { name: 'qa', clusters: [{ name: 'qa-1', server: 'https://qa-1.example.org' }] }, charts: [chart] }],
  });
  expect(validatedSynth(fleet as Chart).map((m) => m.kind).sort()).toEqual(['AppProject', 'Application']);
});
