import { App, Chart, Duration, JsonPatch } from 'cdk8s';
import { Deployment, LabelSelector } from 'cdk8s-plus-28';
import { AnalysisMetric, CanaryRollout, CanaryStep, FlaggerCanary, FlaggerCanaryProps, PrometheusAnalysisTemplate } from '../../lib/delivery';
import { MeshedDeployment } from '../../lib/mesh';
import { synthesize } from '../../lib/output';

/**
 * Misconfigurations built from the real lib/delivery constructs fail synthesis, each naming the construct path,
 * what Argo Rollouts or Flagger would do, and what to write instead: in the constructor where the construct knows
 * the prop, otherwise in the validation engine run on the rendered objects (lib/validation, Argo/Flagger model).
 */
const steps = [CanaryStep.setWeight(20), CanaryStep.pause(Duration.seconds(30))];
const successRate = AnalysisMetric.linkerdSuccessRate({ minimum: 0.99, count: 3 });
const containers = [{ name: 'web', image: 'web:1', ports: [{ number: 8080 }] }];

/** A cdk8s-plus Deployment selecting exactly `selector` (not cdk8s-plus' generated address label), with one container. */
function podinfo(scope: Chart, selector: Record<string, string> = { app: 'podinfo' }, ports = [9898]): Deployment {
  const deployment = new Deployment(scope, 'podinfo', {
    metadata: { name: 'podinfo' },
    select: false,
    podMetadata: { labels: selector },
    containers: [{ name: 'p', image: 'p', ports: ports.map((number) => ({ number })) }],
  });
  deployment.select(LabelSelector.of({ labels: selector }));
  return deployment;
}
const flaggerProps = (deployment: Deployment, overrides: Partial<FlaggerCanaryProps> = {}): FlaggerCanaryProps => ({
  deployment, interval: Duration.seconds(10), threshold: 5, stepWeight: 10, maxWeight: 100,
  minSuccessRatePercent: 99, maxRequestDuration: Duration.millis(500), ...overrides,
});

test('a Rollout and its analysis template in one chart synthesize cleanly (the template declares every argument its queries use)', () => {
  const { targets } = synthesize((app) => {
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    const template = new PrometheusAnalysisTemplate(chart, 'rate', { metrics: [successRate] });
    new CanaryRollout(chart, 'web', { selectorLabels: { app: 'web' }, containers, steps: [...steps, CanaryStep.analysis({ template })],
      backgroundAnalysis: { template } });
  });
  expect(targets[0].objects.map((o) => o.manifest.kind)).toEqual(expect.arrayContaining(['Rollout', 'AnalysisTemplate', 'HTTPRoute']));
});

test('an analysis template rendered into another target: Argo marks the Rollout InvalidSpec', () => {
  const build = (app: App) => {
    const templates = new Chart(app, 'templates', { namespace: 'apps' });
    const template = new PrometheusAnalysisTemplate(templates, 'rate', { metrics: [successRate] });
    new CanaryRollout(new Chart(app, 'apps', { namespace: 'apps' }), 'web', { selectorLabels: { app: 'web' }, containers, steps,
      backgroundAnalysis: { template } });
  };
  expect(() => synthesize(build)).toThrow(new RegExp('apps apps/web/Resource argoproj.io/Rollout apps/web '
    + 'spec\\.strategy\\.canary\\.analysis\\.templates\\[0\\]\\.templateName: \\[ref/rollout-analysis\\] '
    + 'AnalysisTemplate "apps/rate" is not in this target: '
    + 'Argo Rollouts marks the Rollout InvalidSpec and does not roll it out; '
    + 'allowed: no AnalysisTemplate in namespace "apps"'));
});

test('a Rollout patched to use one Service as stable and canary: the engine names the construct and the fix', () => {
  const build = (app: App) => {
    const web = new CanaryRollout(new Chart(app, 'apps', { namespace: 'apps' }), 'web', { selectorLabels: { app: 'web' }, containers, steps });
    web.rollout.addJsonPatch(JsonPatch.replace('/spec/strategy/canary/canaryService', 'web-stable'));
  };
  expect(() => synthesize(build)).toThrow(new RegExp('apps/web/Resource .* spec\\.strategy\\.canary\\.stableService: \\[semantic/rollout-services\\] '
    + 'stableService "web-stable" equal to canaryService is invalid: Argo Rollouts marks the Rollout InvalidSpec.*; '
    + 'allowed: two different Services'));
});

test('a Rollout patched to a setWeight above 100 or a pause Argo cannot read', () => {
  const build = (patch: JsonPatch) => (app: App) => {
    new CanaryRollout(new Chart(app, 'apps', { namespace: 'apps' }), 'web', { selectorLabels: { app: 'web' }, containers,
      steps }).rollout.addJsonPatch(patch);
  };
  expect(() => synthesize(build(JsonPatch.replace('/spec/strategy/canary/steps/0/setWeight', 120))))
    .toThrow(/apps\/web\/Resource .*steps\[0\]\.setWeight: \[semantic\/rollout-weight\] setWeight 120 is invalid: .*allowed: 0\.\.100/);
  expect(() => synthesize(build(JsonPatch.replace('/spec/strategy/canary/steps/1/pause/duration', '5 minutes'))))
    .toThrow(/apps\/web\/Resource .*steps\[1\]\.pause\.duration: \[semantic\/rollout-pause\] pause duration "5 minutes" is invalid/);
});

test('a decreasing setWeight is honoured by Argo: CanaryRollout renders it and the engine does not report it', () => {
  const { targets } = synthesize((app) => {
    new CanaryRollout(new Chart(app, 'apps', { namespace: 'apps' }), 'web', {
      selectorLabels: { app: 'web' }, containers, steps: [CanaryStep.setWeight(40), CanaryStep.pause(Duration.seconds(30)), CanaryStep.setWeight(10)],
    });
  });
  type RolloutJson = { spec: { strategy: { canary: { steps: unknown[] } } } };
  const rollout = targets[0].objects.find((o) => o.manifest.kind === 'Rollout')!.manifest as unknown as RolloutJson;
  expect(rollout.spec.strategy.canary.steps).toEqual([{ setWeight: 40 }, { pause: { duration: '30s' } }, { setWeight: 10 }]);
});

test('a FlaggerCanary whose Deployment is rendered into another target: Flagger finds no target', () => {
  const build = (app: App) => {
    const deployment = podinfo(new Chart(app, 'workloads', { namespace: 'apps' }));
    new FlaggerCanary(new Chart(app, 'apps', { namespace: 'apps' }), 'canary', flaggerProps(deployment));
  };
  expect(() => synthesize(build))
    .toThrow(/apps apps\/canary\/Resource flagger\.app\/Canary apps\/podinfo spec\.targetRef: \[ref\/canary-target\] Deployment "apps\/podinfo"/);
});

test('FlaggerCanary rejects a Deployment without a selector label Flagger knows', () => {
  const chart = new Chart(new App(), 'apps', { namespace: 'apps' });
  expect(() => new FlaggerCanary(chart, 'canary', flaggerProps(podinfo(chart, { tier: 'web' }))))
    .toThrow(new RegExp('\\[apps/canary\\] deployment podinfo selector \\{"tier":"web"\\} is invalid: Flagger finds none of its selector labels '
      + 'and never starts the Canary; allowed: a matchLabels key of app, name, app\\.kubernetes\\.io/name'));
});

test('FlaggerCanary forwards a servicePort the container does not declare to the container port, and rejects it when that is ambiguous', () => {
  const { targets } = synthesize((app) => {
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    new FlaggerCanary(chart, 'canary', flaggerProps(podinfo(chart), { servicePort: 80 }));
  });
  const canary = targets[0].objects.find((o) => o.manifest.kind === 'Canary')!.manifest as unknown as { spec: { service: unknown } };
  expect(canary.spec.service).toEqual({ port: 80, targetPort: 9898 });
  const chart = new Chart(new App(), 'apps', { namespace: 'apps' });
  expect(() => new FlaggerCanary(chart, 'canary', flaggerProps(podinfo(chart, { app: 'podinfo' }, [9898, 9797]), { servicePort: 80 })))
    .toThrow(/\[apps\/canary\] servicePort 80 is invalid: it is not a port of deployment podinfo's containers.*allowed: one of \[9898, 9797\]/);
});

type DeploymentJson = { spec: { replicas?: number; template: { spec: { containers: { ports?: unknown[] }[] } } } };
const renderedDeployment = (targets: ReturnType<typeof synthesize>['targets']) =>
  targets[0].objects.find((o) => o.manifest.kind === 'Deployment')!.manifest as unknown as DeploymentJson;
const renderedCanary = (targets: ReturnType<typeof synthesize>['targets']) =>
  targets[0].objects.find((o) => o.manifest.kind === 'Canary')!.manifest as unknown as { spec: { targetRef: unknown; service: unknown } };

test('FlaggerCanary takes a cdk8s-plus Deployment: its name, its container port, and no replicas rendered (Flagger owns them)', () => {
  const { targets } = synthesize((app) => {
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    new FlaggerCanary(chart, 'canary', flaggerProps(podinfo(chart)));
  });
  expect(renderedCanary(targets).spec).toMatchObject({ targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
    service: { port: 9898 } });
  const deployment = renderedDeployment(targets);
  // cdk8s-plus renders replicas: 2 for a Deployment without replicas; Flagger scales the target, so nothing is rendered.
  expect('replicas' in deployment.spec).toBe(false);
  expect(deployment.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 9898 }]);
});

test('FlaggerCanary reads ports as cdk8s-plus declares them: portNumber counts, and MeshedDeployment is a target', () => {
  const { targets } = synthesize((app) => {
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    const deployment = new MeshedDeployment(chart, 'podinfo', {
      metadata: { name: 'podinfo' }, podLabels: { app: 'podinfo' }, containers: [{ name: 'p', image: 'p', portNumber: 9898 }],
    });
    new FlaggerCanary(chart, 'canary', flaggerProps(deployment, { servicePort: 80 }));
  });
  expect(renderedCanary(targets).spec).toMatchObject({ service: { port: 80, targetPort: 9898 } });
  expect('replicas' in renderedDeployment(targets).spec).toBe(false);
});

test('FlaggerCanary refuses a cdk8s-plus Deployment that selects its generated address label: Flagger knows no such label', () => {
  const chart = new Chart(new App(), 'apps', { namespace: 'apps' });
  const deployment = new Deployment(chart, 'podinfo', { metadata: { name: 'podinfo' }, containers: [{ name: 'p', image: 'p', portNumber: 9898 }] });
  expect(() => new FlaggerCanary(chart, 'canary', flaggerProps(deployment)))
    .toThrow(/\[apps\/canary\] deployment podinfo selector \{"cdk8s\.io\/metadata\.addr":"[^"]+"\} is invalid: Flagger finds none/);
});
