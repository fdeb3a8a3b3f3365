import { ApiObject, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import { Probe, ServiceAccount } from 'cdk8s-plus-28';
import {
  AccessPolicy, GrpcMethodMatch, GrpcRetryCondition, GrpcRoute, HeaderMatch, HttpBackend, HttpRetryCondition, HttpRouteFilter,
  MeshedDeployment, MeshedNamespace, MeshedService, Network, ProxyProtocol, RetriesAndTimeouts, RouteParent, Server, ServerPort, legacy,
} from '../../lib/mesh';
import { Manifest, renderTargets, synthesize } from '../../lib/output';
import { formatProblem, validateTargets } from '../../lib/validation';
import { find, manifestsOf } from '../support/mesh-fixture';

/** A gRPC payments service in namespace `pay`: Deployment `payments` (port grpc=9090), Service `payments`, a v2 Service, clients. */
function grpcFixture(options: { proxyProtocol?: ProxyProtocol; httpProbe?: boolean } = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'pay', { namespace: 'pay' });
  const checkout = new ServiceAccount(chart, 'checkout-sa', { metadata: { name: 'checkout' } });
  const refunds = new ServiceAccount(chart, 'refunds-sa', { metadata: { name: 'refunds' } });
  const deployment = new MeshedDeployment(chart, 'payments', {
    metadata: { name: 'payments' },
    podLabels: { app: 'payments' },
    serviceAccount: new ServiceAccount(chart, 'payments-sa', { metadata: { name: 'payments' } }),
    containers: [{
      name: 'payments', image: 'example/payments:1.0.0', ports: [{ name: 'grpc', number: 9090 }], resources: {},
      readiness: options.httpProbe ? Probe.fromHttpGet('/ready', { port: 9090 }) : undefined,
    }],
  });
  const service = new MeshedService(chart, 'payments-svc', { metadata: { name: 'payments' }, selector: deployment, ports: [{ name: 'grpc',
    port: 9090 }] });
  const v2 = new MeshedService(chart, 'payments-v2-svc', { metadata: { name: 'payments-v2' }, selector: deployment, ports: [{ name: 'grpc',
    port: 9090 }] });
  const server = new Server(chart, 'server', {
    metadata: { name: 'payments-grpc' }, workload: deployment, port: ServerPort.named('grpc'),
      proxyProtocol: options.proxyProtocol ?? ProxyProtocol.GRPC,
  });
  return { app, chart, checkout, refunds, deployment, service, v2, server };
}

const SERVICE = 'shop.payments.v1.PaymentService';

test('an inbound GRPCRoute names methods; each grant authorizes its ServiceAccounts on them only', () => {
  const f = grpcFixture();
  const charge = f.server.addGrpcRoute('charge', {
    metadata: { name: 'payments-charge' },
    rules: [{ matches: [{ method: GrpcMethodMatch.exact(SERVICE, 'Charge') }, { method: GrpcMethodMatch.exact(SERVICE, 'Authorize') }] }],
  });
  const refund = f.server.addGrpcRoute('refund', {
    metadata: { name: 'payments-refund' },
    rules: [{ matches: [{ method: GrpcMethodMatch.exact(SERVICE, 'Refund'), headers: [HeaderMatch.regex('x-tenant', '^[a-z]+$')] }] }],
  });
  const chargeGrant = charge.grantAccess([f.checkout]);
  // A second grant on the same route gets its own objects: ids and names derive from the grantees.
  const refundsOnCharge = charge.grantAccess([f.refunds]);
  refund.grantAccess([f.refunds]);
  const manifests = manifestsOf(f.chart);

  const rendered = find(manifests, 'GRPCRoute', 'payments-charge');
  expect(rendered.apiVersion).toBe('gateway.networking.k8s.io/v1');
  expect(rendered.spec).toEqual({
    parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'payments-grpc' }],
    rules: [{ matches: [
      { method: { type: 'Exact', service: SERVICE, method: 'Charge' } },
      { method: { type: 'Exact', service: SERVICE, method: 'Authorize' } },
    ] }],
  });
  expect(find(manifests, 'GRPCRoute', 'payments-refund').spec.rules[0].matches[0].headers)
    .toEqual([{ name: 'x-tenant', type: 'RegularExpression', value: '^[a-z]+$' }]);
  expect(chargeGrant.policy.name).toBe('payments-charge-checkout-authz');
  expect(refundsOnCharge.policy.name).toBe('payments-charge-refunds-authz');

  // Who may call which method: each policy targets one route and requires one identity.
  const callers = (route: string) => manifests
    .filter((m) => m.kind === 'AuthorizationPolicy' && (m as any).spec.targetRef.name === route)
    .map((m) => {
      expect((m as any).spec.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: route });
      const authn = (m as any).spec.requiredAuthenticationRefs.map((ref: any) => find(manifests, ref.kind, ref.name).spec.identities);
      return authn.flat();
    }).flat().sort();
  expect(callers('payments-charge')).toEqual([
    'checkout.pay.serviceaccount.identity.linkerd.cluster.local', 'refunds.pay.serviceaccount.identity.linkerd.cluster.local',
  ]);
  expect(callers('payments-refund')).toEqual(['refunds.pay.serviceaccount.identity.linkerd.cluster.local']);
  // Probes: a gRPC Server gets no HTTP probe route.
  expect(manifests.filter((m) => m.kind === 'HTTPRoute')).toEqual([]);
});

test('an outbound GRPCRoute splits by weight; retries and timeouts are the annotations Linkerd reads on it', () => {
  const f = grpcFixture();
  const route = new GrpcRoute(f.chart, 'split', {
    metadata: { name: 'payments-split' },
    parent: RouteParent.service(f.service, 9090),
    hostnames: ['payments.pay.svc.cluster.local', '*.payments.example'],
    rules: [
      {
        matches: [{ method: GrpcMethodMatch.service(SERVICE), headers: [HeaderMatch.exact('x-canary', 'true')] }],
          backends: [HttpBackend.service(f.v2)],
        filters: [HttpRouteFilter.requestHeaderModifier({ set: { 'x-route': 'v2' } })],
      },
      { backends: [HttpBackend.service(f.service, { weight: 9 }), HttpBackend.service(f.v2, { weight: 1 })] },
    ],
  });
  new RetriesAndTimeouts(f.chart, 'resilience', {
    target: route,
    retries: { grpc: [GrpcRetryCondition.UNAVAILABLE, GrpcRetryCondition.DEADLINE_EXCEEDED], limit: 2, timeout: Duration.millis(250) },
    requestTimeout: Duration.seconds(3),
  });
  const rendered = find(manifestsOf(f.chart), 'GRPCRoute', 'payments-split');
  expect(rendered.metadata.annotations).toEqual({
    'retry.linkerd.io/grpc': 'unavailable,deadline-exceeded', 'retry.linkerd.io/limit': '2', 'retry.linkerd.io/timeout': '250ms',
    'timeout.linkerd.io/request': '3s',
  });
  expect(rendered.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'payments', port: 9090 }]);
  expect(rendered.spec.hostnames).toEqual(['payments.pay.svc.cluster.local', '*.payments.example']);
  expect(rendered.spec.rules).toEqual([
    {
      matches: [{ method: { type: 'Exact', service: SERVICE }, headers: [{ name: 'x-canary', type: 'Exact', value: 'true' }] }],
      filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-route', value: 'v2' }] } }],
      backendRefs: [{ group: '', kind: 'Service', name: 'payments-v2', port: 9090, weight: 1 }],
    },
    { backendRefs: [
      { group: '', kind: 'Service', name: 'payments', port: 9090, weight: 9 },
      { group: '', kind: 'Service', name: 'payments-v2', port: 9090, weight: 1 },
    ] },
  ]);
});

type GrpcFixture = ReturnType<typeof grpcFixture>;
const inbound = (f: GrpcFixture, match: GrpcMethodMatch) =>
  f.server.addGrpcRoute('route', { metadata: { name: 'route' }, rules: [{ matches: [{ method: match }] }] });

const invalidCases: Array<[string, (f: GrpcFixture) => unknown, RegExp, Parameters<typeof grpcFixture>[0]?]> = [
  ['a GRPCRoute on an HTTP/2 Server', (f) => inbound(f, GrpcMethodMatch.service(SERVICE)),
    /^\[pay\/server\/route\] parent Server proxyProtocol "HTTP\/2" is invalid; allowed: gRPC \(Linkerd serves a Server's traffic by GRPCRoutes only when its proxyProtocol is gRPC\); give Server payments-grpc proxyProtocol: ProxyProtocol\.GRPC, or use an HttpRoute$/,
    { proxyProtocol: ProxyProtocol.HTTP2 }],
  ['an HTTPRoute on a gRPC Server', (f) => f.server.addHttpRoute('route', { rules: [{}] }),
    /^\[pay\/server\/route\] parent Server proxyProtocol "gRPC" is invalid; allowed: a Server whose traffic is HTTP \(Linkerd serves a gRPC Server by its GRPCRoutes only and ignores HTTPRoutes on it\); use a GrpcRoute$/],
  ['a RegularExpression method match', (f) => inbound(f, GrpcMethodMatch.regex({ service: SERVICE, method: 'Charge.*' })),
    /^\[pay\/server\/route\] rules\[0\] method match "shop\.payments\.v1\.PaymentService\/Charge\.\*" is invalid; allowed: Exact matches: Linkerd ignores a GRPCRoute with a RegularExpression method match; match the whole service \(GrpcMethodMatch\.service\) or list its methods \(GrpcMethodMatch\.exact\), up to 8 per rule$/],
  ['a method regex that is not RE2', (f) => inbound(f, GrpcMethodMatch.regex({ method: '(?<!Get)Charge' })),
    /^\[pay\/server\/route\] gRPC method regex "\(\?<!Get\)Charge" is invalid; allowed: a regular expression of 1\.\.1024 characters in RE2 syntax \(no look-around, no back-references\); the .+\n\[pay\/server\/route\] rules\[0\] method match "\*\/\(\?<!Get\)Charge" is invalid; allowed: Exact matches: .+$/],
  ['a service name with a slash', (f) => inbound(f, GrpcMethodMatch.exact('shop/payments', 'Charge')),
    /^\[pay\/server\/route\] gRPC service "shop\/payments" is invalid; allowed: a fully qualified protobuf service name of at most 1024 characters: dot-separated identifiers/],
  ['a method name starting with a digit', (f) => inbound(f, GrpcMethodMatch.exact(SERVICE, '1Charge')),
    /^\[pay\/server\/route\] gRPC method of shop\.payments\.v1\.PaymentService "1Charge" is invalid; allowed: a protobuf method name/],
  ['a match with neither method nor headers', (f) => f.server.addGrpcRoute('route', { rules: [{ matches: [{}] }] }),
    /^\[pay\/server\/route\] rules\[0\] match "\{\}" is invalid; allowed: a method and\/or headers; leave matches unset to match every call$/],
  ['a redirect filter', (f) => new GrpcRoute(f.chart, 'route', {
    parent: RouteParent.service(f.service, 9090), rules: [{ filters: [HttpRouteFilter.requestRedirect({ hostname: 'example.com' })] }],
  }), /^\[pay\/route\] rules\[0\] filters \["RequestRedirect"\] is invalid; allowed: RequestHeaderModifier and\/or ResponseHeaderModifier/],
  ['a host name with a port', (f) => new GrpcRoute(f.chart, 'route', { parent: RouteParent.service(f.service, 9090), hostnames: ['payments:9090'],
    rules: [{}] }),
    /^\[pay\/route\] hostname "payments:9090" is invalid; allowed: a lowercase DNS name of at most 253 characters, optionally starting with "\*\." \(no IP address, no port\)$/],
  ['backends on an inbound route', (f) => f.server.addGrpcRoute('route', { rules: [{ backends: [HttpBackend.service(f.v2)] }] }),
    /^\[pay\/server\/route\] rules\[0\] backends \["payments-v2"\] is invalid; allowed: no backends on an inbound route/],
  ['HTTP retries on a GRPCRoute', (f) => new RetriesAndTimeouts(f.chart, 'retries', {
    target: new GrpcRoute(f.chart, 'route', { metadata: { name: 'route' }, parent: RouteParent.service(f.service, 9090), rules: [{}] }),
    retries: { http: [HttpRetryCondition.serverErrors()] },
  }), /^\[pay\/retries\] HTTP retry conditions on GrpcRoute "route" is invalid; allowed: gRPC retry conditions only/],
  ['an outbound route as authorization target', (f) => new GrpcRoute(f.chart, 'route', { parent: RouteParent.service(f.service, 9090), rules: [{}] })
    .grantNetworkAccess([Network.anyIpv4()]),
  /^\[pay\/route\] authorization target "outbound route pay-route-c8[0-9a-f]+" is invalid; allowed: an inbound route/],
];

// Every row has its options (jest would take a 4th parameter missing from a row for `done`).
test.each(invalidCases.map(([name, build, expected, options]) => [name, build, expected, options ?? {}] as const))('%s is refused', (_name, build,
  expected, options) => {
  const f = grpcFixture(options);
  expect(() => build(f)).toThrow(expected);
});

describe('the validator on hand-written GRPCRoutes', () => {
  const problemsOf = (manifests: Manifest[]) => validateTargets([{
    name: 'pay', subjects: manifests.map((m, i) => ({ manifest: m as unknown as Record<string, unknown>, source: `pay#${i}` })),
  }]).map(formatProblem);
  const route = (spec: Record<string, unknown>, extra: Manifest[] = []): Manifest[] => [
    ...extra, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'r', namespace: 'pay' },
      spec } as unknown as Manifest,
  ];
  const server = (proxyProtocol: string) => ({
    apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'payments', namespace: 'pay' },
    spec: { podSelector: { matchLabels: { app: 'payments' } }, port: 9090, proxyProtocol },
  }) as unknown as Manifest;

  test('parents and backends must be in the target', () => {
    const problems = problemsOf(route({
      parentRefs: [{ group: '', kind: 'Service', name: 'payments', port: 9090 }],
      rules: [{ backendRefs: [{ name: 'payments-v2', port: 9090 }] }],
    }));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/spec\.parentRefs\[0\].*ref\/httproute-parent.*parent Service "pay\/payments" is not in this target/),
      expect.stringMatching(/spec\.rules\[0\]\.backendRefs\[0\].*ref\/httproute-backend.*backend Service "pay\/payments-v2" is not in this target/),
    ]));
  });

  test('a GRPCRoute on a non-gRPC Server, or with a regex method match, is reported as ignored by Linkerd (one policy-model finding)', () => {
    const onHttpServer = problemsOf(route({ parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'payments' }], rules: [{}] },
      [server('HTTP/2')]));
    expect(onHttpServer).toEqual(expect.arrayContaining([
      expect.stringMatching(/GRPCRoute pay\/r spec\.parentRefs: \[semantic\/route-ignored\] Server payments has proxyProtocol HTTP\/2, for which Linkerd serves only HTTP routes/),
    ]));
    const regex = problemsOf(route({
      parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'payments' }],
      rules: [{ matches: [{ method: { type: 'RegularExpression', service: 'shop\\..*' } }] }],
    }, [server('gRPC')]));
    expect(regex.filter((p) => /route-ignored|grpc-method-regex/.test(p))).toEqual([
      expect.stringMatching(/\[semantic\/route-ignored\] spec\.rules\[0\]\.matches\[0\]\.method is a RegularExpression match, which Linkerd's inbound policy does not support/),
    ]);
  });

  test('a regex method match on an outbound (Service-parented) GRPCRoute is reported by the route check', () => {
    const problems = problemsOf(route({
      parentRefs: [{ group: '', kind: 'Service', name: 'payments', port: 9090 }],
      rules: [{ matches: [{ method: { type: 'RegularExpression', service: 'shop\\..*' } }] }],
    }));
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/spec\.rules\[0\]\.matches\[0\]\.method\.type.*semantic\/grpc-method-regex/)]));
  });

  test('an HTTPRoute on a gRPC Server is reported as ignored', () => {
    const problems = problemsOf([server('gRPC'), {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'h', namespace: 'pay' },
      spec: { parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'payments' }], rules: [{}] },
    } as unknown as Manifest]);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/HTTPRoute pay\/h spec\.parentRefs: \[semantic\/route-ignored\] Server payments has proxyProtocol gRPC, for which Linkerd serves only GRPCRoutes/)]));
  });
});

test('annotations another construct set are added to, never overwritten', () => {
  const f = grpcFixture();
  new RetriesAndTimeouts(f.chart, 'first', { target: f.service, retries: { grpc: [GrpcRetryCondition.UNAVAILABLE] } });
  // A different setting on the same Service is an addition; the same setting again with another value is refused.
  new RetriesAndTimeouts(f.chart, 'timeouts', { target: f.service, requestTimeout: Duration.seconds(2) });
  expect(() => new RetriesAndTimeouts(f.chart, 'second', { target: f.service, retries: { grpc: [GrpcRetryCondition.INTERNAL] } }))
    .toThrow(/^\[pay\/second\] annotation retry\.linkerd\.io\/grpc on pay\/payments-svc "internal" is invalid; allowed: the value it already has, "unavailable" \(set each setting of an object once\)$/);
  expect(find(manifestsOf(f.chart), 'Service', 'payments').metadata.annotations)
    .toEqual({ 'retry.linkerd.io/grpc': 'unavailable', 'timeout.linkerd.io/request': '2s' });
});

describe('probes on a gRPC Server\'s port', () => {
  const build = (probe: { grpc?: Record<string, unknown>; http?: boolean }, accessPolicy?: AccessPolicy) => synthesize((app) => {
    const chart = new Chart(app, 'pay', { namespace: 'pay' });
    new MeshedNamespace(chart, 'ns', { metadata: { name: 'pay' } });
    const deployment = new MeshedDeployment(chart, 'payments', {
      metadata: { name: 'payments' }, podLabels: { app: 'payments' },
      containers: [{
        name: 'payments', image: 'example/payments:1', ports: [{ name: 'grpc', number: 9090 }], resources: {},
        readiness: probe.http ? Probe.fromHttpGet('/ready', { port: 9090 }) : undefined,
      }],
    });
    // cdk8s-plus has no gRPC probe handler: the escape hatch, as a user would write it.
    if (probe.grpc) ApiObject.of(deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/readinessProbe', probe));
    new Server(chart, 'server', { metadata: { name: 'payments-grpc' }, workload: deployment, port: ServerPort.named('grpc'),
      proxyProtocol: ProxyProtocol.GRPC,
      accessPolicy });
  });

  test('a gRPC probe is refused where Linkerd would refuse the kubelet, accepted where unauthenticated clients are allowed', () => {
    expect(() => build({ grpc: { port: 9090 } })).toThrow(
      /\[pay\/server\] gRPC probes of pay\/payments on port 9090 of the gRPC Server payments-grpc are invalid: Linkerd authorizes kubelet probes on HTTP ports only, so accessPolicy deny refuses them/);
    expect(() => build({ grpc: { port: 9090 } }, AccessPolicy.ALL_UNAUTHENTICATED)).not.toThrow();
  });

  test('an HTTP probe cannot be answered on a port served as gRPC', () => {
    expect(() => build({ http: true }, AccessPolicy.ALL_UNAUTHENTICATED)).toThrow(
      /HTTP probes of pay\/payments on port 9090 of the gRPC Server payments-grpc are invalid: the port is served as gRPC/);
  });
});

test('a ServiceProfile and an outbound GRPCRoute on the same Service are refused: Linkerd uses the profile', () => {
  const f = grpcFixture();
  new legacy.ServiceProfile(f.chart, 'profile', { service: f.service, routes: [{ name: 'all', pathRegex: '/.*' }] });
  new GrpcRoute(f.chart, 'route', { metadata: { name: 'payments-route' }, parent: RouteParent.service(f.service, 9090), rules: [{}] });
  expect(() => renderTargets(f.app)).toThrow(/ServiceProfile payments\.pay\.svc\.cluster\.local and outbound GRPCRoute payments-route .* Linkerd uses the profile and ignores the route/);
});
