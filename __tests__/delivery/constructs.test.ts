import { Chart, Duration, Testing } from 'cdk8s';
import * as yaml from 'yaml';
import {
  AnalysisArgValue, AnalysisMetric, CanaryRollout, CanaryStep, PluginLocation, PrometheusAnalysisTemplate, RolloutsGatewayApiPlugin,
} from '../../lib/delivery';
import { validatedSynth } from '../support/validated-synth';

type Obj = Record<string, any>;
const find = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);

describe('CanaryRollout', () => {
  const build = () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const latency = new PrometheusAnalysisTemplate(chart, 'latency', {
      metrics: [AnalysisMetric.linkerdLatency({ percentile: 0.95, maximum: Duration.millis(250), count: 3, failureLimit: 1 })],
    });
    const web = new CanaryRollout(chart, 'web', {
      selectorLabels: { app: 'web' },
      podLabels: { tier: 'front' },
      containers: [{ name: 'web', image: 'web:1', ports: [{ number: 8080, name: 'http' }] }],
      servicePort: 80,
      meshInjection: false,
      steps: [
        CanaryStep.setWeight(20),
        CanaryStep.analysis({ template: latency, args: { 'canary-hash': AnalysisArgValue.stablePodTemplateHash() } }),
        CanaryStep.pauseUntilPromoted(),
        CanaryStep.setWeight(100),
        CanaryStep.pause(Duration.hours(1)),
        CanaryStep.pause(Duration.seconds(90)),
      ],
    });
    return { web, objects: validatedSynth(chart) as Obj[] };
  };

  test('an analysis step runs the template with its args, overrides win; a manual pause renders as pause: {}', () => {
    const [rollout] = find(build().objects, 'Rollout');
    expect(rollout.spec.strategy.canary.steps).toEqual([
      { setWeight: 20 },
      { analysis: { templates: [{ templateName: 'latency' }], args: [
        { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Stable' } },
        { name: 'namespace', value: 'shop' },
      ] } },
      { pause: {} },
      { setWeight: 100 },
      { pause: { duration: '1h' } },
      { pause: { duration: '90s' } },
    ]);
  });

  test('defaults: one replica, history 10, Argo\'s surge defaults, no injection when disabled, extra pod labels outside the selector', () => {
    const [rollout] = find(build().objects, 'Rollout');
    expect(rollout.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10, selector: { matchLabels: { app: 'web' } } });
    expect(rollout.spec.strategy.canary.maxSurge).toBeUndefined();
    expect(rollout.spec.template.metadata).toEqual({ labels: { app: 'web', tier: 'front' } });
  });

  test('service port and container port are separate; names derive from the Rollout', () => {
    const { web, objects } = build();
    expect(find(objects, 'Service').map((s) => [s.metadata.name, s.spec.ports[0].port, s.spec.ports[0].targetPort]))
      .toEqual([['web', 80, 8080], ['web-stable', 80, 8080], ['web-canary', 80, 8080]]);
    expect(find(objects, 'HTTPRoute')[0].metadata.name).toBe('web');
    expect(web.argoCdIgnoreDifferences[0]).toMatchObject({ name: 'web', namespace: 'shop' });
  });

  test('the latency metric is a guarded histogram quantile over the canary pods\' inbound Linkerd latency', () => {
    const [template] = find(build().objects, 'AnalysisTemplate');
    expect(template.spec.metrics).toEqual([{
      name: 'latency-p95',
      interval: '1m',
      count: 3,
      failureLimit: 1,
      successCondition: 'len(result) > 0 && result[0] <= 250',
      provider: { prometheus: {
        address: 'http://prometheus.linkerd-viz.svc.cluster.local:9090',
        query: 'histogram_quantile(0.95, sum by (le) (rate(response_latency_ms_bucket{namespace="{{args.namespace}}", '
          + 'rollouts_pod_template_hash="{{args.canary-hash}}", direction="inbound"}[1m])))',
      } },
    }]);
  });
});

describe('CanaryRollout mesh settings', () => {
  const rollout = (proxy?: Record<string, unknown>, meshInjection?: boolean) => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    new CanaryRollout(chart, 'web', {
      selectorLabels: { app: 'web' },
      containers: [{ name: 'web', image: 'web:1', ports: [{ number: 8080 }] }],
      steps: [CanaryStep.setWeight(50)],
      meshInjection,
      proxy,
    });
    return find(validatedSynth(chart), 'Rollout')[0].spec.template.metadata.annotations;
  };

  test('pods are injected with the proxy settings given, through the same helper as meshed Deployments', () => {
    expect(rollout({ opaquePorts: [5432, 3306] })).toEqual({
      'linkerd.io/inject': 'enabled', 'config.linkerd.io/opaque-ports': '3306,5432',
    });
    expect(rollout(undefined, false)).toBeUndefined();
  });

  test('invalid proxy settings are refused naming the construct', () => {
    expect(() => rollout({ opaquePorts: [4143] })).toThrow(/\[c\/web\].*4143.*any port except the proxy's own ports/);
    expect(() => rollout({ opaquePorts: [5432] }, false)).toThrow(
      '[c/web] meshInjection false is invalid; allowed: true or unset when proxy settings are given (they apply to meshed pods only)');
  });
});

describe('RolloutsGatewayApiPlugin', () => {
  test('the controller namespace is a namespace name (DNS-1123 label), so it may start with a digit', () => {
    const chart = new Chart(Testing.app(), 'p');
    new RolloutsGatewayApiPlugin(chart, 'plugin', { controllerNamespace: '1-rollouts' });
    expect(find(validatedSynth(chart) as Obj[], 'ConfigMap')[0].metadata.namespace).toBe('1-rollouts');
  });

  test('a file:// location and checksum are registered; cluster-scoped objects lose a chart namespace', () => {
    const chart = new Chart(Testing.app(), 'p', { namespace: 'somewhere' });
    new RolloutsGatewayApiPlugin(chart, 'plugin', {
      location: PluginLocation.file('/plugins/gatewayapi'),
      sha256: 'a'.repeat(64),
      controllerNamespace: 'rollouts',
      controllerServiceAccount: 'controller',
    });
    const objects = validatedSynth(chart) as Obj[];
    const [config] = find(objects, 'ConfigMap');
    expect(config.metadata.namespace).toBe('rollouts');
    expect(yaml.parse(config.data.trafficRouterPlugins)).toEqual([
      { name: 'argoproj-labs/gatewayAPI', location: 'file:///plugins/gatewayapi', sha256: 'a'.repeat(64) },
    ]);
    for (const kind of ['ClusterRole', 'ClusterRoleBinding']) {
      expect(find(objects, kind)[0].metadata).toEqual({ name: 'argo-rollouts-gatewayapi-plugin' });
    }
    expect(find(objects, 'ClusterRoleBinding')[0].subjects).toEqual([{ kind: 'ServiceAccount', name: 'controller', namespace: 'rollouts' }]);
  });
});
