import { App, Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { ArgoCdChart } from '../../charts/argocd';
import { APPLICATION_WAVE, PLATFORM_APPLICATION_WAVE, ROLLOUT_OWNED_ROUTE_FIELDS } from '../../lib/gitops';
import { Manifest, SYNC_WAVE_ANNOTATION, Synthesis, synthesize } from '../../lib/output';
import { buildApp } from '../../main';
import { crdValidator } from './support/crd-schema';
import { configMaps } from './support/fake-apps';
import { meshShop } from './support/mesh-fixture';

const REPO_URL = 'https://github.com/example-org/linkerd-progressive-delivery.git';
const validateApplication = crdValidator('crds/argo-cd/application-crd.yaml');
const validateAppProject = crdValidator('crds/argo-cd/appproject-crd.yaml');

function objectsOf(synthesis: Synthesis, target: string, kind: string): Manifest[] {
  return synthesis.targets.find((t) => t.name === target)!.objects.map((o) => o.manifest).filter((m) => m.kind === kind);
}
const spec = (m: Manifest) => m.spec as Record<string, any>;

describe('with the real app of main.ts', () => {
  // Once main.ts constructs the Argo CD chart itself, use it as it is.
  const real = synthesize((app) => {
    buildApp(app);
    if (!app.node.tryFindChild('argocd')) new ArgoCdChart(app, 'argocd', { repoUrl: REPO_URL });
  });
  const folders = [...new Set([...real.files.keys()].filter((f) => f.includes('/')).map((f) => f.split('/')[0]))].sort();
  const applications = objectsOf(real, 'argocd', 'Application');

  test('one Application per rendered folder of dist/, each syncing exactly that folder of the rendered branch', () => {
    expect(applications.map((a) => spec(a).source.path).sort()).toEqual(folders);
    for (const a of applications) {
      expect(a.metadata.name).toBe(spec(a).source.path);
      expect(spec(a).source).toEqual({ repoURL: REPO_URL, targetRevision: 'rendered', path: spec(a).source.path });
    }
  });

  test('Applications and AppProjects pass strict validation against the Argo CD CRDs', () => {
    for (const a of applications) expect(validateApplication(a)).toEqual([]);
    for (const p of objectsOf(real, 'argocd', 'AppProject')) expect(validateAppProject(p)).toEqual([]);
  });
});

describe('with a platform target, a meshed app with a Rollout, and a plain target', () => {
  const synthesis = synthesize((app) => {
    const platform = configMaps({ platform: { plugins: 'gatewayAPI' } });
    platform(app);
    meshShop(app);
    configMaps({ plain: { a: 'b' } })(app);
    new ArgoCdChart(app, 'argocd', { repoUrl: REPO_URL, platformCharts: [app.node.findChild('platform') as Chart] });
  });
  const byName = new Map(objectsOf(synthesis, 'argocd', 'Application').map((a) => [a.metadata.name, a]));
  const projects = new Map(objectsOf(synthesis, 'argocd', 'AppProject').map((p) => [p.metadata.name, p]));

  test('the strict CRD check is able to fail', () => {
    const app = byName.get('shop')!;
    expect(validateApplication({ ...app, spec: { ...spec(app), syncPolicy: { automated: { prun: true } } } }))
      .toEqual(['/spec/syncPolicy/automated must NOT have additional properties (prun)']);
    expect(validateApplication({ ...app, spec: { ...spec(app), syncPolicy: { retry: { backoff: { factor: '2' } } } } }))
      .toEqual(['/spec/syncPolicy/retry/backoff/factor must be integer']);
  });

  test('every Application and AppProject passes strict validation against the Argo CD CRDs', () => {
    for (const a of byName.values()) expect(validateApplication(a)).toEqual([]);
    for (const p of projects.values()) expect(validateAppProject(p)).toEqual([]);
  });

  test('sync policy: automated prune and selfHeal, never allowEmpty, retry with backoff, safe sync options', () => {
    for (const a of byName.values()) {
      expect(spec(a).syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(JSON.stringify(a)).not.toContain('allowEmpty');
      expect(spec(a).syncPolicy.retry).toEqual({ limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } });
      expect(spec(a).syncPolicy.syncOptions).toEqual(expect.arrayContaining(['FailOnSharedResource=true', 'PruneLast=true']));
    }
  });

  test('CreateNamespace only where the target renders its own Namespace', () => {
    expect(spec(byName.get('shop')!).destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'shop' });
    expect(spec(byName.get('shop')!).syncPolicy.syncOptions).toContain('CreateNamespace=true');
    for (const name of ['platform', 'plain', 'argocd']) expect(spec(byName.get(name)!).syncPolicy.syncOptions).not.toContain('CreateNamespace=true');
  });

  test('the HTTPRoute weights that the Rollout owns are ignored, scoped to that route and those fields, and respected on sync', () => {
    expect(spec(byName.get('shop')!).ignoreDifferences).toEqual([{
      group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop', name: 'api-split', jqPathExpressions: ROLLOUT_OWNED_ROUTE_FIELDS,
    }]);
    expect(ROLLOUT_OWNED_ROUTE_FIELDS).toEqual(['.spec.rules[].backendRefs[].weight']);
    expect(spec(byName.get('shop')!).syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    expect(spec(byName.get('plain')!).ignoreDifferences).toBeUndefined();
    expect(spec(byName.get('plain')!).syncPolicy.syncOptions).not.toContain('RespectIgnoreDifferences=true');
  });

  test('app of apps: projects first, then platform Applications, then the other targets', () => {
    const wave = (m: Manifest) => Number(m.metadata.annotations![SYNC_WAVE_ANNOTATION]);
    for (const p of projects.values()) expect(wave(p)).toBe(1);
    expect(wave(byName.get('platform')!)).toBe(PLATFORM_APPLICATION_WAVE);
    expect(wave(byName.get('shop')!)).toBe(APPLICATION_WAVE);
    expect(wave(byName.get('plain')!)).toBe(APPLICATION_WAVE);
    expect(PLATFORM_APPLICATION_WAVE).toBeGreaterThan(1);
    expect(APPLICATION_WAVE).toBeGreaterThan(PLATFORM_APPLICATION_WAVE);
    // kubectl apply -f argocd/ applies in the same order (file name prefix).
    const files = [...synthesis.files.keys()].filter((f) => f.startsWith('argocd/'));
    expect(files.indexOf('argocd/05-application.argoproj.io_argocd_platform.yaml'))
      .toBeLessThan(files.indexOf('argocd/06-application.argoproj.io_argocd_shop.yaml'));
  });

  test('least privilege: the targets project allows this repository, the namespaces used and the kinds rendered, by name where cluster-scoped', () => {
    const targets = spec(projects.get('argocd-targets')!);
    expect(targets.sourceRepos).toEqual([REPO_URL]);
    expect(targets.destinations.map((d: { namespace: string }) => d.namespace)).toEqual(['plain', 'platform', 'shop']);
    expect(targets.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'shop' }]);
    expect(targets.namespaceResourceWhitelist).toEqual([
      { group: '', kind: 'ConfigMap' }, { group: '', kind: 'Service' }, { group: '', kind: 'ServiceAccount' },
      { group: 'apps', kind: 'Deployment' }, { group: 'argoproj.io', kind: 'Rollout' },
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }, { group: 'policy.linkerd.io', kind: 'AuthorizationPolicy' },
      { group: 'policy.linkerd.io', kind: 'HTTPRoute' }, { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication' },
      { group: 'policy.linkerd.io', kind: 'NetworkAuthentication' }, { group: 'policy.linkerd.io', kind: 'Server' },
    ]);
    expect(JSON.stringify([...projects.values()])).not.toContain('*');
    const bootstrap = spec(projects.get('argocd-bootstrap')!);
    expect(bootstrap).toMatchObject({
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [{ group: 'argoproj.io', kind: 'AppProject' }, { group: 'argoproj.io', kind: 'Application' }],
    });
    expect(spec(byName.get('argocd')!).project).toBe('argocd-bootstrap');
    expect(spec(byName.get('shop')!).project).toBe('argocd-targets');
  });

  test('snapshot of the argocd target', () => {
    expect([...synthesis.files].filter(([f]) => f.startsWith('argocd/')).map(([f, c]) => ({ file: f, ...parse(c) }))).toMatchSnapshot();
  });
});

describe('invalid input', () => {
  const withTargets = (build: (app: App) => void) => () => synthesize((app) => {
    configMaps({ alpha: { a: 'b' } })(app);
    build(app);
  });

  test.each<[string, (app: App) => void, RegExp]>([
    ['repoUrl not a clone URL', (app) => new ArgoCdChart(app, 'argocd', { repoUrl: 'github.com/org/repo' }),
      /\[argocd\/applications\] repoUrl "github\.com\/org\/repo" is invalid; allowed: a clone URL starting with https:\/\/, ssh:\/\/ or git@/],
    ['repoUrl with a wildcard', (app) => new ArgoCdChart(app, 'argocd', { repoUrl: 'https://github.com/org/*' }),
      /\[argocd\/applications\] repoUrl "https:\/\/github\.com\/org\/\*" is invalid/],
    ['bad branch', (app) => new ArgoCdChart(app, 'argocd', { repoUrl: REPO_URL, branch: 'a..b' }),
      /\[argocd\/applications\] branch "a\.\.b" is invalid; allowed: a git branch name/],
    ['platform chart that is not a sibling', (app) => {
      const other = new Chart(new App(), 'elsewhere');
      new ArgoCdChart(app, 'argocd', { repoUrl: REPO_URL, platformCharts: [other] });
    }, /\[argocd\/applications\] platform chart elsewhere is not a top-level chart constructed before argocd; allowed: one of alpha/],
    ['a chart constructed after the Argo CD chart', (app) => {
      new ArgoCdChart(app, 'argocd', { repoUrl: REPO_URL });
      configMaps({ late: { a: 'b' } })(app);
    }, /\[argocd\/applications\] the render targets changed after the Argo CD Applications were derived from them \(then: alpha; now: alpha, late\); construct argocd after every other chart/],
  ])('%s', (_, build, message) => {
    expect(withTargets(build)).toThrow(message);
  });

  test('nothing to deploy', () => {
    expect(() => new ArgoCdChart(Testing.app(), 'argocd', { repoUrl: REPO_URL }))
      .toThrow(/\[argocd\/applications\] there are no other charts to deploy; allowed: construct argocd after the charts it deploys/);
  });
});
