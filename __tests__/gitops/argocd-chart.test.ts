import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { ArgoCdChart } from '../../charts/argocd';
import { CanaryRollout } from '../../lib/delivery';
import {
  APPLICATION_WAVE, ArgoCdIgnoreDifference, IArgoCdIgnoreDifferencesSource, PLATFORM_APPLICATION_WAVE, isArgoCdIgnoreDifferencesSource,
} from '../../lib/gitops';
import { Manifest, SYNC_WAVE_ANNOTATION, Synthesis, synthesize, toValidationTargets } from '../../lib/output';
import { ValidationProblem, validateTargets } from '../../lib/validation';
import { buildApp } from '../../main';
import { configMaps } from '../support/fake-apps';
import { meshShop } from '../support/fixtures/mesh-shop';

const REPO_URL = 'https://github.com/example-org/linkerd-progressive-delivery.git';

/** The project's strict validation (CRD schemas and CEL, core rules, references) of every object of the render. */
function problemsOf(synthesis: Synthesis): ValidationProblem[] {
  return validateTargets(toValidationTargets(synthesis.targets));
}

/** The synthesis with one object of one target replaced. */
function withObject(synthesis: Synthesis, target: string, name: string, replace: (m: Manifest) => Manifest): Synthesis {
  return {
    ...synthesis,
    targets: synthesis.targets.map((t) => (t.name !== target ? t : {
      ...t, objects: t.objects.map((o) => (o.manifest.metadata.name === name ? { ...o, manifest: replace(o.manifest) } : o)),
    })),
  };
}

/** A ConfigMap whose `data.generated` a controller writes (a construct outside lib/delivery exposing entries). */
class ControllerWrittenConfigMap extends Construct implements IArgoCdIgnoreDifferencesSource {
  public readonly argoCdIgnoreDifferences: readonly ArgoCdIgnoreDifference[];
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new ApiObject(this, 'Resource', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id }, data: { generated: '' } });
    this.argoCdIgnoreDifferences = [{
      group: '', kind: 'ConfigMap', namespace: Chart.of(this).namespace!, name: id, jqPathExpressions: ['.data.generated'],
    }];
  }
}

function objectsOf(synthesis: Synthesis, target: string, kind: string): Manifest[] {
  return synthesis.targets.find((t) => t.name === target)!.objects.map((o) => o.manifest).filter((m) => m.kind === kind);
}
const spec = (m: Manifest) => m.spec as Record<string, any>;

describe('with the real app of main.ts', () => {
  let app!: App;
  const real = synthesize((a) => {
    buildApp(a);
    app = a;
  });
  const folders = [...new Set([...real.files.keys()].filter((f) => f.includes('/')).map((f) => f.split('/')[0]))].sort();
  const applications = objectsOf(real, 'argocd', 'Application');
  const byName = new Map(applications.map((a) => [a.metadata.name, a]));

  test('one Application per rendered folder of dist/ but the excluded alternatives, each syncing exactly that folder of the rendered branch', () => {
    // The alternatives not picked; linkerd-identity (synced by the platform's own Application, in its wave) and the
    // environment targets (deployed to their clusters by the fleet chart's Applications).
    const notDeployed = ['flagger-podinfo', 'nginx-canary-istio', 'linkerd-identity', 'staging-rollouts-demo', 'production-rollouts-demo'];
    expect(notDeployed.every((f) => folders.includes(f))).toBe(true);
    expect(applications.map((a) => spec(a).source.path).sort()).toEqual(folders.filter((f) => !notDeployed.includes(f)));
    for (const a of applications) {
      expect(a.metadata.name).toBe(spec(a).source.path);
      expect(spec(a).source).toEqual({ repoURL: REPO_URL, targetRevision: 'rendered', path: spec(a).source.path });
    }
  });

  test('the Argo CD target passes the project\'s strict validation', () => {
    expect(problemsOf(real).filter((p) => p.target === 'argocd')).toEqual([]);
  });

  test('each Application ignores exactly the fields the constructs of its chart expose, and respects them on sync', () => {
    const charts = app.node.children.filter((c): c is Chart => c instanceof Chart && byName.has(c.node.id) && c.node.id !== 'argocd');
    for (const chart of charts) {
      const exposed = chart.node.findAll().filter(isArgoCdIgnoreDifferencesSource).flatMap((c) => c.argoCdIgnoreDifferences);
      const application = spec(byName.get(chart.node.id)!);
      expect(application.ignoreDifferences ?? []).toEqual(exposed);
      expect(application.syncPolicy.syncOptions.includes('RespectIgnoreDifferences=true')).toBe(exposed.length > 0);
    }
    const withEntries = charts.filter((c) => spec(byName.get(c.node.id)!).ignoreDifferences !== undefined).map((c) => c.node.id);
    expect(withEntries).toEqual(['shop', 'rollouts-demo', 'nginx-canary']);
    expect(spec(byName.get('rollouts-demo')!).ignoreDifferences).toEqual([{
      group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'test', name: 'argo-rollouts-http-route',
      jsonPointers: ['/spec/rules/0/backendRefs/0/weight', '/spec/rules/0/backendRefs/1/weight'],
      jqPathExpressions: ['select(.metadata.labels["rollouts.argoproj.io/gatewayapi-canary"] == "in-progress") | .spec.rules'],
    }]);
  });

  test('a target in a namespace that a sibling target renders may create it: podinfo-dynamic-routing works before or without rollouts-demo', () => {
    const routing = spec(byName.get('podinfo-dynamic-routing')!);
    expect(routing.destination.namespace).toBe('test');
    expect(routing.syncPolicy.syncOptions).toContain('CreateNamespace=true');
    expect(objectsOf(real, 'podinfo-dynamic-routing', 'Namespace')).toEqual([]);
    // Argo CD creates the namespace bare (not meshed): the pods must ask for the proxy themselves.
    for (const deployment of objectsOf(real, 'podinfo-dynamic-routing', 'Deployment')) {
      expect(spec(deployment).template.metadata.annotations).toMatchObject({ 'linkerd.io/inject': 'enabled' });
    }
    // Both alternatives that own it render the meshed Namespace, which adopts the bare one.
    for (const owner of ['rollouts-demo', 'flagger-podinfo']) {
      expect(objectsOf(real, owner, 'Namespace').map((n) => n.metadata.name)).toEqual(['test']);
    }
    expect(spec(byName.get('rollouts-demo')!).syncPolicy.syncOptions).toContain('CreateNamespace=true');
    // Namespaces no target renders are expected to exist; the project may not create them.
    for (const name of ['nginx-canary', 'argo-rollouts-platform']) {
      expect(spec(byName.get(name)!).syncPolicy.syncOptions).not.toContain('CreateNamespace=true');
    }
  });

  test('the platform chart of main.ts syncs first', () => {
    const wave = (name: string) => Number(byName.get(name)!.metadata.annotations![SYNC_WAVE_ANNOTATION]);
    expect(wave('argo-rollouts-platform')).toBe(PLATFORM_APPLICATION_WAVE);
    expect(wave('platform')).toBe(PLATFORM_APPLICATION_WAVE);
    for (const a of applications.filter((other) => !['argo-rollouts-platform', 'platform', 'argocd'].includes(other.metadata.name))) {
      expect(wave(a.metadata.name)).toBe(APPLICATION_WAVE);
    }
  });
});

describe('with a platform target, a meshed app with a canary rollout, a target with a controller-written field, and a plain target', () => {
  let canary!: CanaryRollout;
  const synthesis = synthesize((app) => {
    const platform = configMaps({ platform: { plugins: 'gatewayAPI' } });
    platform(app);
    canary = meshShop(app).canary;
    new ControllerWrittenConfigMap(new Chart(app, 'generated', { namespace: 'generated' }), 'state');
    configMaps({ plain: { a: 'b' } })(app);
    new ArgoCdChart(app, 'argocd', { repoUrl: REPO_URL, platformCharts: [app.node.findChild('platform') as Chart] });
  });
  const byName = new Map(objectsOf(synthesis, 'argocd', 'Application').map((a) => [a.metadata.name, a]));
  const projects = new Map(objectsOf(synthesis, 'argocd', 'AppProject').map((p) => [p.metadata.name, p]));

  test('the strict validation is able to fail: a typo and a wrong type in an Application are reported', () => {
    const broken = withObject(synthesis, 'argocd', 'shop', (m) => ({
      ...m, spec: { ...spec(m), syncPolicy: { automated: { prun: true }, retry: { backoff: { factor: '2' } } } },
    }));
    const problems = problemsOf(broken).map((p) => `${p.object} ${p.field}: ${p.rule}`);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^argoproj\.io\/Application argocd\/shop spec\.syncPolicy\.automated\.prun: schema\/unknown-field$/),
      expect.stringMatching(/^argoproj\.io\/Application argocd\/shop spec\.syncPolicy\.retry\.backoff\.factor: schema\//),
    ]));
    expect(problems).toHaveLength(2);
  });

  test('every Application and AppProject passes the project\'s strict validation', () => {
    expect(problemsOf(synthesis)).toEqual([]);
  });

  test('sync policy: automated prune and selfHeal, never allowEmpty, retry with backoff, safe sync options', () => {
    for (const a of byName.values()) {
      expect(spec(a).syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(JSON.stringify(a)).not.toContain('allowEmpty');
      expect(spec(a).syncPolicy.retry).toEqual({ limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } });
      expect(spec(a).syncPolicy.syncOptions).toEqual(expect.arrayContaining(['FailOnSharedResource=true', 'PruneLast=true']));
    }
  });

  test('CreateNamespace only for namespaces that a target renders', () => {
    expect(spec(byName.get('shop')!).destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'shop' });
    expect(spec(byName.get('shop')!).syncPolicy.syncOptions).toContain('CreateNamespace=true');
    for (const name of ['platform', 'generated', 'plain', 'argocd']) {
      expect(spec(byName.get(name)!).syncPolicy.syncOptions).not.toContain('CreateNamespace=true');
    }
  });

  test('each Application ignores exactly the fields the constructs of its chart expose, respected on sync; other targets ignore nothing', () => {
    expect(spec(byName.get('shop')!).ignoreDifferences).toEqual(canary.argoCdIgnoreDifferences);
    expect(spec(byName.get('shop')!).ignoreDifferences).toEqual([{
      group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop', name: 'api-split',
      jsonPointers: ['/spec/rules/0/backendRefs/0/weight', '/spec/rules/0/backendRefs/1/weight'],
      jqPathExpressions: ['select(.metadata.labels["rollouts.argoproj.io/gatewayapi-canary"] == "in-progress") | .spec.rules'],
    }]);
    expect(spec(byName.get('generated')!).ignoreDifferences).toEqual([{
      group: '', kind: 'ConfigMap', namespace: 'generated', name: 'state', jqPathExpressions: ['.data.generated'],
    }]);
    for (const name of ['shop', 'generated']) {
      expect(spec(byName.get(name)!).syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    }
    for (const name of ['platform', 'plain', 'argocd']) {
      expect(spec(byName.get(name)!).ignoreDifferences).toBeUndefined();
      expect(spec(byName.get(name)!).syncPolicy.syncOptions).not.toContain('RespectIgnoreDifferences=true');
    }
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

  test('least privilege: the targets project allows this repository, the namespaces and kinds rendered, by name where cluster-scoped', () => {
    const targets = spec(projects.get('argocd-targets')!);
    expect(targets.sourceRepos).toEqual([REPO_URL]);
    expect(targets.destinations.map((d: { namespace: string }) => d.namespace)).toEqual(['generated', 'plain', 'platform', 'shop']);
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
    }, /\[argocd\/applications\] platform chart "elsewhere" is invalid; allowed: a deployed top-level chart constructed before argocd: one of alpha/],
    ['a chart constructed after the Argo CD chart', (app) => {
      new ArgoCdChart(app, 'argocd', { repoUrl: REPO_URL });
      configMaps({ late: { a: 'b' } })(app);
    }, /\[argocd\/applications\] the render targets changed after the Argo CD Applications were derived from them \(then: alpha; now: alpha, late\); construct argocd after every other chart/],
    ['an ignoreDifferences entry for an object its chart does not render', (app) => {
      // Any construct with the property is a source (duck typing): no lib/delivery class needed.
      Object.assign(new Construct(app.node.findChild('alpha'), 'stale'), { argoCdIgnoreDifferences: [{
        group: '', kind: 'ConfigMap', namespace: 'alpha', name: 'gone', jsonPointers: ['/data/a'],
      }] });
      new ArgoCdChart(app, 'argocd', { repoUrl: REPO_URL });
    }, /\[alpha\/stale\] ignoreDifferences object "core\/ConfigMap alpha\/gone" is invalid; allowed: an object of the construct's own render target, which chart alpha renders/],
    ['two deployed targets rendering the same object (alternatives)', (app) => {
      const alternative = new Chart(app, 'alpha-alternative');
      new ApiObject(alternative, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'alpha' }, data: {} });
      new ArgoCdChart(app, 'argocd', { repoUrl: REPO_URL });
    }, /\[argocd\/applications\] objects rendered by several deployed render targets core\/ConfigMap alpha\/settings \(alpha and alpha-alternative\) are invalid; allowed: each object in one deployed target — list the alternatives not deployed on this cluster in excludedCharts/],
    ['an excluded chart that is not a sibling', (app) => {
      new ArgoCdChart(app, 'argocd', { repoUrl: REPO_URL, excludedCharts: [new Chart(new App(), 'elsewhere')] });
    }, /\[argocd\/applications\] excluded chart "elsewhere" is invalid; allowed: a top-level chart constructed before argocd: one of alpha/],
  ])('%s', (_, build, message) => {
    expect(withTargets(build)).toThrow(message);
  });

  test('excluding one of two alternatives deploys the other only', () => {
    const synthesis = withTargets((app) => {
      const alternative = new Chart(app, 'alpha-alternative');
      new ApiObject(alternative, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'alpha' }, data: {} });
      new ArgoCdChart(app, 'argocd', { repoUrl: REPO_URL, excludedCharts: [alternative] });
    })();
    expect(objectsOf(synthesis, 'argocd', 'Application').map((a) => a.metadata.name).sort()).toEqual(['alpha', 'argocd']);
    expect(synthesis.targets.map((t) => t.name)).toContain('alpha-alternative');
  });

  test('nothing to deploy', () => {
    expect(() => new ArgoCdChart(Testing.app(), 'argocd', { repoUrl: REPO_URL }))
      .toThrow(/\[argocd\/applications\] deployed charts \[\] is invalid; allowed: at least one: construct argocd after the charts it deploys/);
  });
});
