import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import * as yaml from 'yaml';
import { ArgoRolloutsPlatformChart } from '../../charts/argo-rollouts-platform';
import { FlaggerPodinfoChart } from '../../charts/flagger-podinfo';
import { NginxCanaryChart } from '../../charts/nginx-canary';
import { NginxCanaryIstioChart } from '../../charts/nginx-canary-istio';
import { RolloutsDemoChart } from '../../charts/rollouts-demo';
import { INJECT_ANNOTATION } from '../../lib/mesh';
import { readTree, renderTargets, synthesize, toValidationTargets } from '../../lib/output';
import { validateTargets } from '../../lib/validation';

type Obj = Record<string, any>;

const charts: Record<string, Obj> = {};
const synthesis = synthesize((app) => {
  new ArgoRolloutsPlatformChart(app, 'argo-rollouts-platform');
  charts['rollouts-demo'] = new RolloutsDemoChart(app, 'rollouts-demo');
  charts['flagger-podinfo'] = new FlaggerPodinfoChart(app, 'flagger-podinfo');
  charts['nginx-canary'] = new NginxCanaryChart(app, 'nginx-canary');
  charts['nginx-canary-istio'] = new NginxCanaryIstioChart(app, 'nginx-canary-istio');
});
const manifests = (target: string): Obj[] =>
  synthesis.targets.find((t) => t.name === target)!.objects.map((o) => o.manifest as Obj);
const one = (target: string, kind: string, name?: string): Obj => {
  const found = manifests(target).filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  expect(found).toHaveLength(1);
  return found[0];
};

test('rendered output is byte for byte what the committed dist/ holds: chart output is stored once, there', () => {
  // dist.test.ts keeps dist/ equal to a fresh `npm run synth`; this suite asserts what the output means.
  const committed = readTree(path.resolve(__dirname, '..', '..', 'dist'));
  const differing = [...synthesis.files].filter(([file, content]) => committed.get(file) !== content).map(([file]) => file);
  expect(differing).toEqual([]);
  expect(synthesis.files.size).toBeGreaterThan(0);
});

test('every rendered object passes strict schema validation, the CRDs\' CEL rules and the reference checks', () => {
  expect(validateTargets(toValidationTargets(synthesis.targets))).toEqual([]);
});

describe.each([
  ['rollouts-demo', 'rollouts-demo', 'podinfo', 'argo-rollouts-http-route', 9898],
  ['nginx-canary', 'nginx', 'nginx', 'nginx', 80],
])('%s: Gateway API canary', (target, rolloutName, serviceName, routeName, port) => {
  const rollout = () => one(target, 'Rollout', rolloutName);
  const canary = () => rollout().spec.strategy.canary;

  test('route backends are the Rollout\'s stable then canary Service, weights 100/0, explicit group and kind', () => {
    const route = one(target, 'HTTPRoute', routeName);
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.rules).toHaveLength(1);
    expect(route.spec.rules[0].backendRefs).toEqual([
      { group: '', kind: 'Service', name: canary().stableService, port, weight: 100 },
      { group: '', kind: 'Service', name: canary().canaryService, port, weight: 0 },
    ]);
    expect(route.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
  });

  test('the route\'s parent is the root Service and its port (GAMMA, core group "")', () => {
    const route = one(target, 'HTTPRoute', routeName);
    const root = one(target, 'Service', serviceName);
    expect(route.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: root.metadata.name, port: root.spec.ports[0].port }]);
  });

  test('the Rollout\'s plugin config names the route and its namespace', () => {
    const route = one(target, 'HTTPRoute', routeName);
    expect(canary().trafficRouting.plugins).toEqual({
      'argoproj-labs/gatewayAPI': { httpRoute: route.metadata.name, namespace: route.metadata.namespace },
    });
  });

  test('every Service selects exactly the Rollout\'s pods and targets a declared container port', () => {
    const { selector, template } = rollout().spec;
    const containerPorts = template.spec.containers.flatMap((c: Obj) => c.ports.map((p: Obj) => p.containerPort));
    for (const name of [serviceName, canary().stableService, canary().canaryService]) {
      const service = one(target, 'Service', name);
      expect(service.spec.selector).toEqual(selector.matchLabels);
      expect(service.spec.ports).toEqual([{ name: 'http', port, protocol: 'TCP', targetPort: expect.any(Number) }]);
      expect(containerPorts).toContain(service.spec.ports[0].targetPort);
    }
    expect(template.metadata.labels).toMatchObject(selector.matchLabels);
  });

  test('pods are injected by Linkerd', () => {
    expect(rollout().spec.template.metadata.annotations).toEqual({ [INJECT_ANNOTATION]: 'enabled' });
  });

  test('background analysis args resolve: the Rollout supplies every argument the template declares', () => {
    const analysis = canary().analysis;
    expect(analysis.templates).toHaveLength(1);
    const template = one(target, 'AnalysisTemplate', analysis.templates[0].templateName);
    expect(analysis.args.map((a: Obj) => a.name)).toEqual(template.spec.args.map((a: Obj) => a.name));
    expect(analysis.args).toEqual([
      { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
      { name: 'namespace', value: rollout().metadata.namespace },
    ]);
    for (const metric of template.spec.metrics) {
      for (const [, arg] of metric.provider.prometheus.query.matchAll(/\{\{args\.([-a-z]+)\}\}/g)) {
        expect(template.spec.args.map((a: Obj) => a.name)).toContain(arg);
      }
    }
  });

  test('success conditions are guarded against empty results', () => {
    const template = one(target, 'AnalysisTemplate', canary().analysis.templates[0].templateName);
    for (const metric of template.spec.metrics) {
      expect(metric.successCondition).toMatch(/^len\(result\) > 0 && result\[0\] >= 0\.\d+$/);
      expect(metric.provider.prometheus.address).toBe('http://prometheus.linkerd-viz.svc.cluster.local:9090');
      expect(metric.provider.prometheus.query).toContain('response_total{');
      expect(metric.provider.prometheus.query).toContain('direction="inbound"');
    }
  });

  test('ignoreDifferences points exactly at the two backend weights of the rendered route, and its rules while in progress', () => {
    const route = one(target, 'HTTPRoute', routeName);
    const [entry, ...rest] = charts[target].canary.argoCdIgnoreDifferences;
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: route.metadata.name, namespace: route.metadata.namespace,
      jsonPointers: ['/spec/rules/0/backendRefs/0/weight', '/spec/rules/0/backendRefs/1/weight'],
      // The plugin's documented Argo CD setting: while it labels the route in-progress, its rules are its own.
      jqPathExpressions: ['select(.metadata.labels["rollouts.argoproj.io/gatewayapi-canary"] == "in-progress") | .spec.rules'],
    });
    const resolve = (pointer: string) => pointer.split('/').slice(1).reduce((o: any, k) => o[k], route);
    expect(entry.jsonPointers.map(resolve)).toEqual([100, 0]);
  });
});

test('rollouts-demo: seed 000 steps, replicas and history; the root Service has no copied loadtester labels', () => {
  const rollout = one('rollouts-demo', 'Rollout');
  expect(rollout.metadata).toMatchObject({ name: 'rollouts-demo', namespace: 'test' });
  expect(rollout.spec).toMatchObject({ replicas: 2, revisionHistoryLimit: 2, selector: { matchLabels: { app: 'podinfo' } } });
  expect(rollout.spec.strategy.canary.steps).toEqual([30, 40, 60, 80]
    .flatMap((setWeight) => [{ setWeight }, { pause: { duration: '10s' } }]));
  // Built by cdk8s-plus; the seed's image runs as it ships (its user, writable filesystem, no resources).
  expect(rollout.spec.template.spec.containers).toEqual([{
    name: 'podinfod', image: 'quay.io/stefanprodan/podinfo:1.7.0', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 9898, protocol: 'TCP' }],
    securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: false, runAsNonRoot: false },
  }]);
  expect(rollout.spec.template.spec).toMatchObject({ automountServiceAccountToken: false, securityContext: { runAsNonRoot: false } });
  expect(one('rollouts-demo', 'Service', 'podinfo').metadata.labels).toEqual({ app: 'podinfo' });
  expect(one('rollouts-demo', 'Namespace', 'test').metadata.namespace).toBeUndefined();
});

test('nginx-canary: seed 003 steps, surge and the http-req-check threshold', () => {
  const canary = one('nginx-canary', 'Rollout', 'nginx').spec.strategy.canary;
  expect(canary.steps).toEqual([
    { setWeight: 30 }, { pause: { duration: '30s' } },
    { setWeight: 60 }, { pause: { duration: '30s' } },
    { setWeight: 100 }, { pause: { duration: '10s' } },
  ]);
  expect(canary).toMatchObject({ maxSurge: 1, maxUnavailable: 0 });
  const [metric] = one('nginx-canary', 'AnalysisTemplate', 'http-req-check').spec.metrics;
  expect(metric).toMatchObject({
    name: 'request-success-rate', interval: '1m', failureLimit: 1, successCondition: 'len(result) > 0 && result[0] >= 0.95',
  });
  expect(manifests('nginx-canary').map((m) => m.kind)).not.toContain('Namespace');
});

test('nginx-canary-istio: Istio success rate of the root Service, no traffic router, VirtualService to the root Service', () => {
  const rollout = one('nginx-canary-istio', 'Rollout', 'nginx');
  const canary = rollout.spec.strategy.canary;
  expect(canary.trafficRouting).toBeUndefined();
  expect(canary.stableService).toBeUndefined();
  expect(canary.analysis.args).toEqual([{ name: 'namespace', value: 'default' }, { name: 'service-name', value: 'nginx' }]);
  expect(rollout.spec.template.metadata).toEqual({ labels: { 'app': 'nginx', 'sidecar.istio.io/inject': 'true' } });
  const [metric] = one('nginx-canary-istio', 'AnalysisTemplate', 'http-req-check').spec.metrics;
  expect(metric.provider.prometheus.address).toBe('http://prometheus.istio-system:9090');
  expect(metric.provider.prometheus.query).toContain(
    'istio_requests_total{reporter="source", destination_service="{{args.service-name}}.{{args.namespace}}.svc.cluster.local", response_code!~"5.*"}[5m]');
  expect(metric.successCondition).toBe('len(result) > 0 && result[0] >= 0.95');
  const service = one('nginx-canary-istio', 'Service', 'nginx');
  const route = one('nginx-canary-istio', 'VirtualService', 'nginx').spec.http[0].route[0].destination;
  expect(route).toEqual({ host: 'nginx.default.svc.cluster.local', port: { number: service.spec.ports[0].port } });
  expect(one('nginx-canary-istio', 'VirtualService', 'nginx').spec.gateways).toEqual([one('nginx-canary-istio', 'Gateway').metadata.name]);
  expect(manifests('nginx-canary-istio').map((m) => m.kind)).not.toContain('HTTPRoute');
  expect(charts['nginx-canary-istio'].canary.argoCdIgnoreDifferences).toEqual([]);
});

test('the two renderings of seed 003 roll out the same pods with the same steps and threshold', () => {
  const rolloutOf = (target: string) => {
    const { spec } = one(target, 'Rollout', 'nginx');
    const { steps, maxSurge, maxUnavailable } = spec.strategy.canary;
    return { replicas: spec.replicas, selector: spec.selector, containers: spec.template.spec.containers, steps, maxSurge, maxUnavailable };
  };
  expect(rolloutOf('nginx-canary-istio')).toEqual(rolloutOf('nginx-canary'));
  const metricOf = (target: string) => {
    const { name, interval, failureLimit, successCondition } = one(target, 'AnalysisTemplate', 'http-req-check').spec.metrics[0];
    return { name, interval, failureLimit, successCondition };
  };
  expect(metricOf('nginx-canary-istio')).toEqual(metricOf('nginx-canary'));
});

test('flagger-podinfo: the seed\'s Canary targets the rendered Deployment and its port; Flagger owns the podinfo Services', () => {
  const canary = one('flagger-podinfo', 'Canary', 'podinfo');
  const deployment = one('flagger-podinfo', 'Deployment', canary.spec.targetRef.name);
  expect(canary.spec.targetRef).toEqual({ apiVersion: deployment.apiVersion, kind: 'Deployment', name: 'podinfo' });
  expect(deployment.spec.template.spec.containers[0].ports).toEqual([{ containerPort: canary.spec.service.port }]);
  expect('replicas' in deployment.spec).toBe(false);
  expect(canary.spec.analysis).toEqual({
    interval: '10s', threshold: 5, stepWeight: 10, maxWeight: 100,
    metrics: [
      { name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' },
      { name: 'request-duration', thresholdRange: { max: 500 }, interval: '1m' },
    ],
  });
  const services = manifests('flagger-podinfo').filter((m) => m.kind === 'Service').map((m) => m.metadata.name);
  expect(services).toEqual(['frontend']);
  for (const name of ['load', 'frontend', 'podinfo']) {
    const workload = one('flagger-podinfo', 'Deployment', name);
    expect(workload.spec.template.metadata.annotations).toEqual({ [INJECT_ANNOTATION]: 'enabled' });
    expect(workload.spec.template.metadata.labels).toMatchObject(workload.spec.selector.matchLabels);
  }
});

test('flagger-podinfo: the seed\'s containers as cdk8s-plus renders them, run as their images need (root, writable filesystem)', () => {
  const containerOf = (name: string) => {
    const pod = one('flagger-podinfo', 'Deployment', name).spec.template.spec;
    expect(pod.securityContext).toEqual({ fsGroupChangePolicy: 'Always', runAsNonRoot: false });
    expect(pod.containers).toHaveLength(1);
    return pod.containers[0];
  };
  const asUpstream = {
    imagePullPolicy: 'IfNotPresent',
    securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: false, runAsNonRoot: false },
  };
  expect(containerOf('load')).toEqual({
    ...asUpstream, name: 'slow-cooker', image: 'buoyantio/slow_cooker:1.2.0',
    env: [{ name: 'QPS', value: '10' }, { name: 'CONCURRENCY', value: '1' }],
    command: ['/bin/sh', '-c'], args: ['slow_cooker -qps ${QPS} -concurrency ${CONCURRENCY} http://podinfo:9898'],
  });
  expect(containerOf('frontend')).toEqual({
    ...asUpstream, name: 'nginx', image: 'nginx:alpine',
    volumeMounts: [{ name: 'cfg', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf' }],
  });
  const frontendPod = one('flagger-podinfo', 'Deployment', 'frontend').spec.template.spec;
  expect(frontendPod.volumes).toEqual([{ name: 'cfg', configMap: { name: 'frontend' } }]);
  expect(one('flagger-podinfo', 'ConfigMap', 'frontend').data['nginx.conf']).toContain('proxy_pass http://podinfo:9898;');
  expect(containerOf('podinfo')).toEqual({
    ...asUpstream, name: 'podinfod', image: 'quay.io/stefanprodan/podinfo:1.7.0', ports: [{ containerPort: 9898 }],
    command: ['./podinfo', '--port=9898'],
  });
  expect(Object.fromEntries(['load', 'frontend', 'podinfo'].map((name) => [name, one('flagger-podinfo', 'Deployment', name).spec.replicas])))
    .toEqual({ load: 1, frontend: 1, podinfo: undefined });
  const frontendService = one('flagger-podinfo', 'Service', 'frontend');
  expect(frontendService.spec).toEqual({ type: 'ClusterIP', ports: [{ name: 'service', port: 8080 }], selector: { app: 'frontend' } });
});

test('argo-rollouts-platform: plugin registered in the controller ConfigMap; RBAC explicit, no wildcard, cluster-scoped without namespace', () => {
  const config = one('argo-rollouts-platform', 'ConfigMap', 'argo-rollouts-config');
  expect(config.metadata.namespace).toBe('argo-rollouts');
  expect(yaml.parse(config.data.trafficRouterPlugins)).toEqual([{
    name: 'argoproj-labs/gatewayAPI',
    location: 'https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.6.0/gatewayapi-plugin-linux-amd64',
  }]);
  const role = one('argo-rollouts-platform', 'ClusterRole', 'argo-controller-role');
  const binding = one('argo-rollouts-platform', 'ClusterRoleBinding', 'argo-controller');
  for (const clusterScoped of [role, binding]) expect(clusterScoped.metadata.namespace).toBeUndefined();
  for (const rule of role.rules) {
    for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames']) expect(rule[field] ?? []).not.toContain('*');
  }
  expect(role.rules).toEqual([
    { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: ['get', 'update'] },
    { apiGroups: [''], resources: ['configmaps'], resourceNames: ['argo-gatewayapi-configmap'], verbs: ['get', 'update'] },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
  ]);
  expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
  expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'argo-rollouts', namespace: 'argo-rollouts' }]);
});

test('rollouts-demo and flagger-podinfo are alternatives: separate targets, and one target cannot hold both', () => {
  expect(synthesis.targets.map((t) => t.name)).toEqual(
    ['argo-rollouts-platform', 'rollouts-demo', 'flagger-podinfo', 'nginx-canary', 'nginx-canary-istio']);
  const app = new App({ outdir: '.cdk8s.out' });
  const both = new Chart(app, 'both');
  new RolloutsDemoChart(both, 'rollouts-demo');
  new FlaggerPodinfoChart(both, 'flagger-podinfo');
  expect(() => renderTargets(app)).toThrow(/two objects have the identity .*Namespace.*test/);
});
