import { Chart, Duration, Testing } from 'cdk8s';
import { ContainerProps, Probe, ServiceAccount } from 'cdk8s-plus-28';
import { CanaryHeaderMatch, CanaryRollout, CanaryRoute, CanaryStep, CanaryTrafficRouting } from '../../lib/delivery';
import {
  AlbIngress, AlbListenPort, CircuitBreaker, FaultInjection, GrpcMethodMatch, GrpcRetryCondition, GrpcRoute, HttpBackend, HttpMethod,
  HttpRetryCondition, HttpRoute, IMeshService, IRetriesAndTimeoutsTarget, IServerWorkload, MeshedDeployment, RetriesAndTimeouts,
  RouteParent, Server, ServerPort,
} from '../../lib/mesh';
import { validatedSynth } from '../support/validated-synth';

type Obj = Record<string, any>;

const CONTAINER: ContainerProps = {
  name: 'checkout', image: 'example/checkout:2.0.0', ports: [{ name: 'http', number: 8080 }],
  readiness: Probe.fromHttpGet('/ready', { port: 8080 }),
};

function checkout(extra: Partial<ConstructorParameters<typeof CanaryRollout>[2]> = {}) {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const account = new ServiceAccount(chart, 'checkout-sa', { metadata: { name: 'checkout' } });
  const canary = new CanaryRollout(chart, 'checkout', {
    selectorLabels: { app: 'checkout' },
    serviceAccount: account,
    containers: [CONTAINER],
    servicePort: 80,
    steps: [CanaryStep.setWeight(20), CanaryStep.pauseUntilPromoted()],
    ...extra,
  });
  return { chart, account, canary };
}

const find = (objects: Obj[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`missing ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};

test('the pods run as the ServiceAccount, built by cdk8s-plus exactly as a MeshedDeployment\'s from the same props', () => {
  const { chart, canary } = checkout();
  const deployment = new MeshedDeployment(chart, 'reference', {
    podLabels: { app: 'reference' }, serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'ref-sa', 'checkout'), containers: [CONTAINER],
  });
  const objects = validatedSynth(chart) as Obj[];
  const pod = find(objects, 'Rollout', 'checkout').spec.template;
  const reference = find(objects, 'Deployment', deployment.name).spec.template;
  expect(pod.spec.serviceAccountName).toBe('checkout');
  expect(pod.spec).toEqual(reference.spec);
  // cdk8s-plus' restrictive defaults, and the probe, are there.
  expect(pod.spec.containers[0]).toMatchObject({
    securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
    readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' } },
  });
  expect(pod.metadata.annotations).toEqual({ 'linkerd.io/inject': 'enabled' });
  // What a Server reads of it, in cdk8s-plus' terms: the selector and the containers with their ports.
  expect(canary.containers.map((c) => [c.name, c.ports.map((p) => [p.name, p.number])])).toEqual([['checkout', [['http', 8080]]]]);
  expect([canary.matchLabels, canary.matchExpressions]).toEqual([{ app: 'checkout' }, []]);
});

test('containers added through the cdk8s-plus pod template after construction are rendered', () => {
  const { chart, canary } = checkout();
  canary.podTemplate.addContainer({ name: 'sidecar', image: 'example/sidecar:1', resources: {} });
  const pod = find(validatedSynth(chart) as Obj[], 'Rollout', 'checkout').spec.template;
  expect(pod.spec.containers.map((c: Obj) => c.name)).toEqual(['checkout', 'sidecar']);
});

test('the Services\' targetPort is the container port as cdk8s-plus declares it, portNumber included', () => {
  const { chart } = checkout({ containers: [{ name: 'checkout', image: 'example/checkout:2.0.0', portNumber: 8080 }] });
  const objects = validatedSynth(chart) as Obj[];
  for (const name of ['checkout', 'checkout-stable', 'checkout-canary']) {
    expect(find(objects, 'Service', name).spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
  }
});

test('several managed routes: GET-only retries on one, gRPC on another; the plugin moves the weights of all of them', () => {
  const { chart, canary } = checkout({
    trafficRouting: CanaryTrafficRouting.gatewayApiPlugin({
      routes: [
        CanaryRoute.http({ name: 'checkout-reads', matches: [{ method: HttpMethod.GET }], headerRouting: true }),
        CanaryRoute.http({ name: 'checkout-writes' }),
        CanaryRoute.grpc({ name: 'checkout-grpc', matches: [{ method: GrpcMethodMatch.service('shop.v1.Checkout') }] }),
      ],
    }),
    steps: [
      CanaryStep.setWeight(10),
      CanaryStep.setHeaderRoute('beta-testers', [CanaryHeaderMatch.exact('x-beta', 'yes'), CanaryHeaderMatch.prefix('x-user', 'qa-')]),
      CanaryStep.pauseUntilPromoted(),
      CanaryStep.removeHeaderRoute('beta-testers'),
      CanaryStep.setWeight(50),
    ],
  });
  const [reads, writes] = canary.httpRoutes;
  new RetriesAndTimeouts(chart, 'reads-retries', { target: reads, retries: { http: [HttpRetryCondition.gatewayErrors()], limit: 2 } });
  new RetriesAndTimeouts(chart, 'grpc-retries', { target: canary.grpcRoutes[0], retries: { grpc: [GrpcRetryCondition.UNAVAILABLE] } });
  const objects = validatedSynth(chart) as Obj[];

  const backends = [
    { group: '', kind: 'Service', name: 'checkout-stable', port: 80, weight: 100 },
    { group: '', kind: 'Service', name: 'checkout-canary', port: 80, weight: 0 },
  ];
  const readRoute = find(objects, 'HTTPRoute', 'checkout-reads');
  expect(readRoute.metadata.annotations).toEqual({ 'retry.linkerd.io/http': 'gateway-error', 'retry.linkerd.io/limit': '2' });
  expect(readRoute.spec).toEqual({
    parentRefs: [{ group: '', kind: 'Service', name: 'checkout', port: 80 }],
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' }, method: 'GET' }], backendRefs: backends }],
  });
  expect(find(objects, 'HTTPRoute', writes.name).metadata.annotations).toBeUndefined();
  expect(find(objects, 'GRPCRoute', 'checkout-grpc').spec.rules).toEqual([
    { matches: [{ method: { type: 'Exact', service: 'shop.v1.Checkout' } }], backendRefs: backends },
  ]);

  const strategy = find(objects, 'Rollout', 'checkout').spec.strategy.canary;
  expect(strategy.trafficRouting).toEqual({
    managedRoutes: [{ name: 'beta-testers' }],
    plugins: { 'argoproj-labs/gatewayAPI': {
      httpRoutes: [{ name: 'checkout-reads', useHeaderRoutes: true }, { name: 'checkout-writes', useHeaderRoutes: false }],
      grpcRoutes: [{ name: 'checkout-grpc', useHeaderRoutes: false }],
      namespace: 'shop',
    } },
  });
  expect(strategy.steps.slice(1, 4)).toEqual([
    { setHeaderRoute: { name: 'beta-testers', match: [
      { headerName: 'x-beta', headerValue: { exact: 'yes' } }, { headerName: 'x-user', headerValue: { prefix: 'qa-' } },
    ] } },
    { pause: {} },
    { setHeaderRoute: { name: 'beta-testers' } },
  ]);
  // Argo CD: per route, the two weights always, and the rules while the plugin's in-progress label is on.
  expect(canary.argoCdIgnoreDifferences.map((d) => [d.kind, d.name, d.jsonPointers, d.jqPathExpressions])).toEqual(
    ['checkout-reads', 'checkout-writes', 'checkout-grpc'].map((name) => [name === 'checkout-grpc' ? 'GRPCRoute' : 'HTTPRoute', name,
      ['/spec/rules/0/backendRefs/0/weight', '/spec/rules/0/backendRefs/1/weight'],
      ['select(.metadata.labels["rollouts.argoproj.io/gatewayapi-canary"] == "in-progress") | .spec.rules']]),
  );
});

test('without the in-progress label the plugin is told so, and only weights are ignored', () => {
  const { chart, canary } = checkout({ trafficRouting: CanaryTrafficRouting.gatewayApiPlugin({ inProgressLabel: false }) });
  const plugin = find(validatedSynth(chart) as Obj[], 'Rollout', 'checkout').spec.strategy.canary.trafficRouting.plugins['argoproj-labs/gatewayAPI'];
  expect(plugin).toEqual({ httpRoute: 'checkout', namespace: 'shop', disableInProgressLabel: true });
  expect(canary.argoCdIgnoreDifferences[0].jqPathExpressions).toBeUndefined();
});

const invalid: Array<[string, Partial<ConstructorParameters<typeof CanaryRollout>[2]>, RegExp]> = [
  ['a header step without a route taking header rules', {
    trafficRouting: CanaryTrafficRouting.gatewayApiPlugin({ routes: [CanaryRoute.http({ name: 'only' })] }),
    steps: [CanaryStep.setHeaderRoute('beta', [CanaryHeaderMatch.exact('x-beta', 'yes')])],
  }, /^\[shop\/checkout\] step 0 setHeaderRoute "beta" is invalid; allowed: a rollout routed by the Gateway API plugin with at least one route whose headerRouting is true/],
  ['a header step with replica-ratio routing', {
    trafficRouting: CanaryTrafficRouting.replicaRatio(), steps: [CanaryStep.setHeaderRoute('beta', [CanaryHeaderMatch.exact('x-beta', 'yes')])],
  }, /step 0 setHeaderRoute "beta" is invalid; allowed: a rollout routed by the Gateway API plugin/],
  ['a prefix the plugin would read as a regex', { steps: [CanaryStep.setHeaderRoute('beta', [CanaryHeaderMatch.prefix('x-user', 'qa.*')])] },
    /step 0 header match x-user prefix "qa\.\*" is invalid; allowed: letters, digits and -_~\/:@ or space .*use CanaryHeaderMatch\.regex/],
  ['a header regex that is not RE2', { steps: [CanaryStep.setHeaderRoute('beta', [CanaryHeaderMatch.regex('x-user', '(?!qa)')])] },
    /step 0 header match x-user regex "\(\?!qa\)" is invalid; allowed: RE2 syntax/],
  ['a header name with a space', { steps: [CanaryStep.setHeaderRoute('beta', [CanaryHeaderMatch.exact('x user', 'a')])] },
    /step 0 header match header "x user" is invalid; allowed: an RFC 7230 token/],
  ['routeName and routes together', {
    trafficRouting: CanaryTrafficRouting.gatewayApiPlugin({ routeName: 'a', routes: [CanaryRoute.http({ name: 'b' })] }),
  }, /routeName "a" is invalid; allowed: routeName or routes, not both/],
  ['the same route twice', {
    trafficRouting: CanaryTrafficRouting.gatewayApiPlugin({ routes: [CanaryRoute.http({ name: 'b' }), CanaryRoute.http({ name: 'b' })] }),
  }, /routes \["HTTPRoute\/b", "HTTPRoute\/b"\] is invalid; allowed: each route name at most once per kind/],
];

test.each(invalid)('%s is refused', (_name, extra, expected) => {
  expect(() => checkout(extra)).toThrow(expected);
});

test('every place that takes a Service or a workload takes the canary\'s (compiles, renders, validates)', () => {
  const { chart, canary } = checkout();
  // Type-level: these assignments are what the constructs below accept.
  const services: IMeshService[] = [canary.rootService, canary.stableService!, canary.canaryService!];
  const targets: IRetriesAndTimeoutsTarget[] = [canary.rootService, canary.httpRoutes[0]];
  const workload: IServerWorkload = canary;
  expect(services.map((s) => s.name)).toEqual(['checkout', 'checkout-stable', 'checkout-canary']);

  new RetriesAndTimeouts(chart, 'retries', { target: canary.rootService, retries: { http: [HttpRetryCondition.serverErrors()] } });
  new RetriesAndTimeouts(chart, 'route-timeouts', { target: targets[1], requestTimeout: Duration.seconds(5) });
  new CircuitBreaker(chart, 'breaker', { service: canary.stableService! });
  new CircuitBreaker(chart, 'canary-breaker', { service: canary.canaryService! });
  new HttpRoute(chart, 'mirror-free-split', {
    metadata: { name: 'checkout-v2' }, parent: RouteParent.service(canary.canaryService!, 80),
    rules: [{ backends: [HttpBackend.service(canary.canaryService!), HttpBackend.service(canary.stableService!, { weight: 0 })] }],
  });
  new GrpcRoute(chart, 'grpc-on-root', { metadata: { name: 'checkout-grpc' }, parent: RouteParent.service(canary.rootService, 80), rules: [{}] });
  new FaultInjection(chart, 'faults', { service: canary.stableService!, errorPercent: 5, image: 'nginx:alpine', routeName: 'checkout-faults' });
  new AlbIngress(chart, 'ingress', { metadata: { name: 'checkout' }, service: canary.rootService, port: 80, hostname: 'shop.example',
    listenPorts: [AlbListenPort.http(80)] });
  new Server(chart, 'server', { metadata: { name: 'checkout' }, workload, port: ServerPort.named('http') });
  const objects = validatedSynth(chart) as Obj[];
  expect(find(objects, 'Service', 'checkout').metadata.annotations).toMatchObject({ 'retry.linkerd.io/http': '5xx' });
  expect(find(objects, 'Service', 'checkout-stable').metadata.annotations).toMatchObject({ 'balancer.linkerd.io/failure-accrual': 'consecutive' });
  expect(find(objects, 'HTTPRoute', 'checkout').metadata.annotations).toEqual({ 'timeout.linkerd.io/request': '5s' });
  expect(find(objects, 'Server', 'checkout').spec.podSelector).toEqual({ matchLabels: { app: 'checkout' } });
});
