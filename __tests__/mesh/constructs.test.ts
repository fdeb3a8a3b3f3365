import { ApiObject, Duration, Size, Testing } from 'cdk8s';
import { ConnectionScheme, Cpu, Probe, ServiceType } from 'cdk8s-plus-28';
import {
  AccessPolicy, AuthorizationPolicy, AuthorizationTarget, CircuitBreaker, GrpcRetryCondition, HttpBackend, HttpLocalRateLimitPolicy,
  HttpRetryCondition, HttpRoute, HttpRouteApi, HttpRouteFilter, MeshTlsAuthentication, MeshedNamespace, MeshedService, Network, PathMatch,
  HttpMethod, ProxyLogLevel, ProxyProtocol, RedirectPath, RetriesAndTimeouts, RouteParent, Server, ServerPort, legacy,
} from '../../lib/mesh';
import { renderTargets } from '../../lib/output';
import { find, fixture, manifestsOf } from '../support/mesh-fixture';

test('a namespace is meshed with validated proxy settings and no namespace of its own', () => {
  const f = fixture();
  new MeshedNamespace(f.chart, 'ns', {
    metadata: { name: 'shop' },
    proxy: {
      opaquePorts: [5432, 3306], skipOutboundPorts: [25], cpuRequest: Cpu.millis(100), cpuLimit: Cpu.units(1),
      memoryRequest: Size.mebibytes(20), memoryLimit: Size.mebibytes(250), logLevel: ProxyLogLevel.DEBUG, defaultInboundPolicy: AccessPolicy.DENY,
    },
  });
  const ns = find(manifestsOf(f.chart), 'Namespace', 'shop');
  expect(ns.metadata.namespace).toBeUndefined();
  expect(ns.metadata.annotations).toEqual({
    'linkerd.io/inject': 'enabled',
    'config.linkerd.io/opaque-ports': '3306,5432',
    'config.linkerd.io/skip-outbound-ports': '25',
    'config.linkerd.io/proxy-cpu-request': '100m',
    'config.linkerd.io/proxy-cpu-limit': '1',
    'config.linkerd.io/proxy-memory-request': '20Mi',
    'config.linkerd.io/proxy-memory-limit': '250Mi',
    'config.linkerd.io/proxy-log-level': 'debug',
    'config.linkerd.io/default-inbound-policy': 'deny',
  });
});

test('MeshedService renders no empty externalIPs, and keeps given ones', () => {
  const f = fixture();
  new MeshedService(f.chart, 'plain', { metadata: { name: 'plain' }, selector: f.deployment, ports: [{ port: 80, targetPort: 8080 }] });
  new MeshedService(f.chart, 'external', { metadata: { name: 'external' }, selector: f.deployment, ports: [{ port: 80 }],
    externalIPs: ['192.0.2.10'] });
  new MeshedService(f.chart, 'alias', { metadata: { name: 'alias' }, type: ServiceType.EXTERNAL_NAME, externalName: 'api.example.com' });
  const manifests = manifestsOf(f.chart);
  expect(find(manifests, 'Service', 'plain').spec).toEqual({ type: 'ClusterIP', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] });
  expect(find(manifests, 'Service', 'external').spec.externalIPs).toEqual(['192.0.2.10']);
  expect(find(manifests, 'Service', 'alias').spec).toEqual({ type: 'ExternalName', externalName: 'api.example.com' });
  // A plain cdk8s-plus Service (the fixture's) still renders the empty list this class removes.
  expect(find(manifests, 'Service', 'api').spec.externalIPs).toEqual([]);
});

test('a Server can be introduced in audit mode; without routes no probe route is created', () => {
  const f = fixture();
  new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.number(8080),
    accessPolicy: AccessPolicy.AUDIT });
  const manifests = manifestsOf(f.chart);
  expect(find(manifests, 'Server', 'api').spec).toEqual({
    podSelector: { matchLabels: { app: 'api' } }, port: 8080, proxyProtocol: 'unknown', accessPolicy: 'audit',
  });
  expect(manifests.filter((m) => m.kind === 'HTTPRoute')).toEqual([]);
});

test('the first route derives probe authorization for every HTTP probe path on the Server port, once', () => {
  const f = fixture();
  const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
  for (const id of ['a', 'b']) server.addHttpRoute(id, { metadata: { name: id }, rules: [{}] });
  const manifests = manifestsOf(f.chart);
  expect(find(manifests, 'HTTPRoute', 'api-probe-route').spec.rules[0].matches).toEqual([
    { method: 'GET', path: { type: 'Exact', value: '/healthz' } },
    { method: 'GET', path: { type: 'Exact', value: '/ready' } },
  ]);
  expect(find(manifests, 'AuthorizationPolicy', 'api-probe-policy').spec.requiredAuthenticationRefs)
    .toEqual([{ group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'api-probe-authn' }]);
  expect(manifests.filter((m) => m.kind === 'HTTPRoute').map((m) => m.metadata.name).sort()).toEqual(['a', 'api-probe-route', 'b']);
});

test('probe authorization is skipped on other ports and can be opted out of', () => {
  const f = fixture();
  const admin = new Server(f.chart, 'admin', { metadata: { name: 'admin' }, workload: f.deployment, port: ServerPort.named('admin') });
  const http = new Server(f.chart, 'http', { metadata: { name: 'http' }, workload: f.deployment, port: ServerPort.named('http'),
    probeAuthorization: { enabled: false } });
  admin.addHttpRoute('a', { metadata: { name: 'a' }, rules: [{}] });
  http.addHttpRoute('b', { metadata: { name: 'b' }, rules: [{}] });
  expect(admin.probePaths).toEqual([]);
  expect(http.probePaths).toEqual(['/healthz', '/ready']);
  expect(manifestsOf(f.chart).filter((m) => m.kind === 'HTTPRoute').map((m) => m.metadata.name).sort()).toEqual(['a', 'b']);
});

test('probe paths are read from the rendered probes: default port included, HTTPS and other ports left out', () => {
  const f = fixture();
  f.deployment.addContainer({
    // Probes without a port probe the container's portNumber.
    name: 'sidecar', image: 'example/sidecar:1.0.0', portNumber: 9100, resources: {},
    readiness: Probe.fromHttpGet('/sidecar-ready'),
    liveness: Probe.fromHttpGet('/tls-health', { port: 9100, scheme: ConnectionScheme.HTTPS }),
    startup: Probe.fromHttpGet('/started', { port: 8080 }),
  });
  const metrics = new Server(f.chart, 'metrics', { metadata: { name: 'metrics' }, workload: f.deployment, port: ServerPort.number(9100) });
  const http = new Server(f.chart, 'http', { metadata: { name: 'http' }, workload: f.deployment, port: ServerPort.named('http') });
  expect(metrics.probePaths).toEqual(['/sidecar-ready']);
  expect(http.probePaths).toEqual(['/healthz', '/ready', '/started']);
});

test('a container added after the first route would go unauthorized and is refused', () => {
  const f = fixture();
  const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
  server.addHttpRoute('route', { metadata: { name: 'route' }, rules: [{}] });
  expect(server.probeAuthorization?.paths).toEqual(['/healthz', '/ready']);
  f.deployment.addContainer({ name: 'late', image: 'example/late:1.0.0', resources: {}, startup: Probe.fromHttpGet('/warm', { port: 8080 }) });
  expect(() => renderTargets(f.app)).toThrow(/\[shop\/server\] containers \[late\] of shop\/api are invalid: they were added after the Server read the workload's probes \(for its routes or its checks\); allowed: every container of the workload before the first addHttpRoute/);
});

test('RE2 syntax JavaScript lacks is accepted: named groups (?P<n>...) and leading inline flags', () => {
  const f = fixture();
  new HttpRoute(f.chart, 'route', {
    metadata: { name: 'api' }, parent: RouteParent.service(f.service, 80),
    rules: [{ matches: [{ path: PathMatch.regex('/users/(?P<id>[0-9]+)') }, { path: PathMatch.regex('(?i)/API/.*') }] }],
  });
  expect(find(manifestsOf(f.chart), 'HTTPRoute', 'api').spec.rules[0].matches.map((m: any) => m.path.value))
    .toEqual(['/users/(?P<id>[0-9]+)', '(?i)/API/.*']);
});

test('Server grants: network access, and a namespace-wide policy', () => {
  const f = fixture();
  const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
  server.grantNetworkAccess([Network.cidr('10.0.0.0/8', ['10.1.0.0/16']), Network.cidr('fd00::/8')]);
  const authn = new MeshTlsAuthentication(f.chart, 'all-clients', { metadata: { name: 'clients' }, serviceAccounts: [f.frontend, f.admin],
    trustDomain: 'prod.example' });
  new AuthorizationPolicy(f.chart, 'ns-policy', { metadata: { name: 'shop-clients' }, target: AuthorizationTarget.namespace(f.chart, 'shop'),
    requiredAuthentications: [authn] });
  const manifests = manifestsOf(f.chart);
  expect(find(manifests, 'NetworkAuthentication', 'api-networks-authn').spec.networks).toEqual([{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] },
    { cidr: 'fd00::/8' }]);
  expect(find(manifests, 'AuthorizationPolicy', 'api-networks-authz').spec.targetRef).toEqual({ group: 'policy.linkerd.io', kind: 'Server',
    name: 'api' });
  expect(find(manifests, 'MeshTLSAuthentication', 'clients').spec.identities).toEqual([
    'frontend.shop.serviceaccount.identity.linkerd.prod.example', 'admin.shop.serviceaccount.identity.linkerd.prod.example',
  ]);
  expect(find(manifests, 'AuthorizationPolicy', 'shop-clients').spec.targetRef).toEqual({ group: '', kind: 'Namespace', name: 'shop' });
});

test('new routes are Gateway API v1 unless policy.linkerd.io is chosen: inbound, outbound and the derived probe route', () => {
  const f = fixture();
  const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
  server.addHttpRoute('inbound', { metadata: { name: 'inbound' }, rules: [{ matches: [{ path: PathMatch.prefix('/api') }] }] });
  new HttpRoute(f.chart, 'outbound', { metadata: { name: 'outbound' }, parent: RouteParent.service(f.service, 80),
    hostnames: ['api.shop.example'], rules: [{}] });
  new HttpRoute(f.chart, 'legacy', { metadata: { name: 'legacy' }, api: HttpRouteApi.POLICY_V1BETA3, parent: RouteParent.service(f.canary, 80),
    rules: [{}] });
  const manifests = manifestsOf(f.chart);
  const apiOf = (name: string) => find(manifests, 'HTTPRoute', name).apiVersion;
  expect(['inbound', 'outbound', 'api-probe-route', 'legacy'].map(apiOf))
    .toEqual(['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1', 'policy.linkerd.io/v1beta3']);
  // The core group of a Service parent as each API spells it; Linkerd reads both.
  expect(find(manifests, 'HTTPRoute', 'outbound').spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'api', port: 80 }]);
  expect(find(manifests, 'HTTPRoute', 'outbound').spec.hostnames).toEqual(['api.shop.example']);
  expect(find(manifests, 'HTTPRoute', 'legacy').spec.parentRefs).toEqual([{ group: 'core', kind: 'Service', name: 'api-canary', port: 80 }]);
  // The probe policy targets the Gateway API route it was derived with.
  const probePolicy = manifests.find((m) => m.kind === 'AuthorizationPolicy' && (m as any).spec.targetRef.name === 'api-probe-route') as any;
  expect(probePolicy.spec.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'api-probe-route' });
});

test('Gateway API v1 routes render filters and explicit backend group and kind', () => {
  const f = fixture();
  const route = new HttpRoute(f.chart, 'route', {
    metadata: { name: 'api' }, api: HttpRouteApi.GATEWAY_V1, parent: RouteParent.service(f.service, 80),
    rules: [
      {
        matches: [{ path: PathMatch.prefix('/v2') }],
        filters: [HttpRouteFilter.requestHeaderModifier({ set: { 'x-canary': 'true' } }),
          HttpRouteFilter.responseHeaderModifier({ remove: ['server'] })],
        backends: [HttpBackend.service(f.service, { weight: 3 }), HttpBackend.service(f.canary, { weight: 1 })],
        timeouts: { request: Duration.seconds(90), backendRequest: Duration.millis(1500) },
      },
      { matches: [{ path: PathMatch.prefix('/old') }], filters: [HttpRouteFilter.requestRedirect({ path: RedirectPath.prefixMatch('/v2') })] },
    ],
  });
  new RetriesAndTimeouts(f.chart, 'retries', {
    target: route,
    retries: { http: [HttpRetryCondition.gatewayErrors(), HttpRetryCondition.status(429)], grpc: [GrpcRetryCondition.UNAVAILABLE], limit: 3,
      timeout: Duration.millis(300) },
    idleTimeout: Duration.minutes(5),
  });
  const rendered = find(manifestsOf(f.chart), 'HTTPRoute', 'api');
  expect(rendered.apiVersion).toBe('gateway.networking.k8s.io/v1');
  expect(rendered.metadata.annotations).toEqual({
    'retry.linkerd.io/http': 'gateway-error,429', 'retry.linkerd.io/grpc': 'unavailable', 'retry.linkerd.io/limit': '3',
    'retry.linkerd.io/timeout': '300ms', 'timeout.linkerd.io/idle': '5m',
  });
  const [split, redirect] = rendered.spec.rules;
  expect(split.backendRefs).toEqual([
    { group: '', kind: 'Service', name: 'api', port: 80, weight: 3 },
    { group: '', kind: 'Service', name: 'api-canary', port: 80, weight: 1 },
  ]);
  expect(split.timeouts).toEqual({ request: '1m30s', backendRequest: '1s500ms' });
  expect(split.filters).toEqual([
    { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-canary', value: 'true' }] } },
    { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['server'] } },
  ]);
  expect(redirect.backendRefs).toBeUndefined();
  expect(redirect.filters).toEqual([{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' },
    statusCode: 302 } }]);
});

test('circuit breaker parameters and Service-level retries are annotations on the Service', () => {
  const f = fixture();
  new CircuitBreaker(f.chart, 'cb', { service: f.service, maxFailures: 5, minPenalty: Duration.seconds(2), maxPenalty: Duration.seconds(30),
    jitterRatio: 0.25 });
  new RetriesAndTimeouts(f.chart, 'rt', { target: f.service, retries: { http: [HttpRetryCondition.serverErrors()] },
    requestTimeout: Duration.seconds(10), responseTimeout: Duration.seconds(5) });
  expect(find(manifestsOf(f.chart), 'Service', 'api').metadata.annotations).toEqual({
    'balancer.linkerd.io/failure-accrual': 'consecutive',
    'balancer.linkerd.io/failure-accrual-consecutive-max-failures': '5',
    'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '2s',
    'balancer.linkerd.io/failure-accrual-consecutive-max-penalty': '30s',
    'balancer.linkerd.io/failure-accrual-consecutive-jitter-ratio': '0.25',
    'retry.linkerd.io/http': '5xx',
    'timeout.linkerd.io/request': '10s',
    'timeout.linkerd.io/response': '5s',
  });
});

test('rate limits target the Server with total, per-identity and per-client limits', () => {
  const f = fixture();
  const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
  new HttpLocalRateLimitPolicy(f.chart, 'rl', {
    metadata: { name: 'api-rate-limit' }, server, totalRequestsPerSecond: 100, requestsPerSecondPerIdentity: 20,
    overrides: [{ requestsPerSecond: 50, clients: [f.admin] }],
  });
  expect(find(manifestsOf(f.chart), 'HTTPLocalRateLimitPolicy', 'api-rate-limit').spec).toEqual({
    targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api' },
    total: { requestsPerSecond: 100 },
    identity: { requestsPerSecond: 20 },
    overrides: [{ requestsPerSecond: 50, clientRefs: [{ kind: 'ServiceAccount', name: 'admin', namespace: 'shop' }] }],
  });
});

describe('legacy kinds', () => {
  test('ServerAuthorization names the Server and its ServiceAccounts', () => {
    const f = fixture();
    const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
    new legacy.ServerAuthorization(f.chart, 'authz', { metadata: { name: 'api-frontend' }, server, serviceAccounts: [f.frontend],
      networks: [Network.cidr('10.0.0.0/8')] });
    const authz = find(manifestsOf(f.chart), 'ServerAuthorization', 'api-frontend');
    expect(authz.apiVersion).toBe('policy.linkerd.io/v1beta1');
    expect(authz.spec).toEqual({ server: { name: 'api' }, client: { meshTLS: { serviceAccounts: [{ name: 'frontend', namespace: 'shop' }] },
      networks: [{ cidr: '10.0.0.0/8' }] } });
  });

  test('TrafficSplit renders weighted backends', () => {
    const f = fixture();
    new legacy.TrafficSplit(f.chart, 'split', { metadata: { name: 'api-split' }, service: f.service, backends: [{ service: f.service, weight: 90 },
      { service: f.canary, weight: 10 }] });
    const split = find(manifestsOf(f.chart), 'TrafficSplit', 'api-split');
    expect(split.apiVersion).toBe('split.smi-spec.io/v1alpha2');
    expect(split.spec).toEqual({ service: 'api', backends: [{ service: 'api', weight: 90 }, { service: 'api-canary', weight: 10 }] });
  });

  test('a ServiceProfile and an outbound HTTPRoute on the same Service are refused', () => {
    const f = fixture();
    new legacy.ServiceProfile(f.chart, 'profile', { service: f.service, routes: [{ name: 'all', pathRegex: '/.*' }] });
    new HttpRoute(f.chart, 'route', { metadata: { name: 'api-route' }, parent: RouteParent.service(f.service, 80), rules: [{}] });
    expect(() => renderTargets(f.app)).toThrow(/ServiceProfile api\.shop\.svc\.cluster\.local and outbound HTTPRoute api-route .* Linkerd uses the profile and ignores the route/);
  });

  test('a TrafficSplit next to a ServiceProfile of its apex is refused', () => {
    const f = fixture();
    new legacy.ServiceProfile(f.chart, 'profile', { service: f.service, routes: [{ name: 'all', pathRegex: '/.*' }] });
    new legacy.TrafficSplit(f.chart, 'split', { metadata: { name: 'api-split' }, service: f.service, backends: [{ service: f.canary, weight: 1 }] });
    expect(() => renderTargets(f.app)).toThrow(/TrafficSplit api-split and ServiceProfile api\.shop\.svc\.cluster\.local .* would overwrite the profile's dstOverrides/);
  });
});

test('identities are derived from ServiceAccounts and the trust domain', () => {
  const f = fixture();
  expect(MeshTlsAuthentication.identityOf(f.frontend)).toBe('frontend.shop.serviceaccount.identity.linkerd.cluster.local');
  expect(Testing.synth(f.chart).length).toBeGreaterThan(0);
});

test('an annotation another construct set is not overwritten: a second CircuitBreaker, or a retry on an outbound route', () => {
  const f = fixture();
  new CircuitBreaker(f.chart, 'cb', { service: f.service, maxFailures: 5 });
  // The same value again is an addition, not an overwrite.
  new CircuitBreaker(f.chart, 'same', { service: f.service, maxFailures: 5 });
  expect(() => new CircuitBreaker(f.chart, 'other', { service: f.service, maxFailures: 3 })).toThrow(
    /^\[shop\/other\] annotation balancer\.linkerd\.io\/failure-accrual-consecutive-max-failures on shop\/api-svc "3" is invalid; allowed: the value it already has, "5" \(set each setting of an object once\)$/);
  const route = new HttpRoute(f.chart, 'route', { metadata: { name: 'api' }, parent: RouteParent.service(f.service, 80), rules: [{}] });
  new RetriesAndTimeouts(f.chart, 'rt', { target: route, requestTimeout: Duration.seconds(2) });
  expect(() => new RetriesAndTimeouts(f.chart, 'rt2', { target: route, requestTimeout: Duration.seconds(3) })).toThrow(
    /^\[shop\/rt2\] annotation timeout\.linkerd\.io\/request on shop\/route "3s" is invalid; allowed: the value it already has, "2s"/);
  const manifests = manifestsOf(f.chart);
  expect(find(manifests, 'Service', 'api').metadata.annotations?.['balancer.linkerd.io/failure-accrual-consecutive-max-failures']).toBe('5');
  expect(find(manifests, 'HTTPRoute', 'api').metadata.annotations).toEqual({ 'timeout.linkerd.io/request': '2s' });
});

test('a Server rendered elsewhere is imported by name: routes and grants attach to it, without a probe route', () => {
  const f = fixture();
  new MeshedNamespace(f.chart, 'namespace', { metadata: { name: 'shop' } });
  const imported = Server.fromServerName(f.chart, 'api-server', 'api-http', { proxyProtocol: ProxyProtocol.HTTP1 });
  imported.addHttpRoute('reads', { metadata: { name: 'api-reads' }, rules: [{ matches: [{ method: HttpMethod.GET }] }] }).grantAccess([f.frontend]);
  imported.grantNetworkAccess([Network.cidr('10.0.0.0/8')]);
  expect(() => imported.addGrpcRoute('calls', { rules: [{}] }))
    .toThrow(/^\[shop\/api-server\/calls\] parent Server proxyProtocol "HTTP\/1" is invalid/);
  const manifests = manifestsOf(f.chart);
  expect(manifests.filter((m) => m.kind === 'Server')).toEqual([]);
  expect(find(manifests, 'HTTPRoute', 'api-reads').spec.parentRefs).toEqual([{ group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' }]);
  expect(find(manifests, 'AuthorizationPolicy', 'api-reads-frontend-authz').spec.targetRef)
    .toEqual({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'api-reads' });
  expect(find(manifests, 'AuthorizationPolicy', 'api-http-networks-authz').spec.targetRef).toEqual({ group: 'policy.linkerd.io', kind: 'Server',
    name: 'api-http' });
  expect(manifests.map((m) => m.metadata.name)).not.toContain('api-http-probe-route');
});

test('the probes are read from one rendering of the workload, however many Servers, routes and checks ask', () => {
  const f = fixture();
  const render = jest.spyOn(ApiObject.of(f.deployment), 'toJson');
  const http = new Server(f.chart, 'http', { metadata: { name: 'http' }, workload: f.deployment, port: ServerPort.named('http') });
  const admin = new Server(f.chart, 'admin', { metadata: { name: 'admin' }, workload: f.deployment, port: ServerPort.named('admin') });
  for (const server of [http, admin]) ['a', 'b'].forEach((id) => server.addHttpRoute(id, { metadata: { name: `${server.name}-${id}` },
    rules: [{}] }));
  expect([http.probePaths, admin.probePaths, http.probeAuthorization?.paths]).toEqual([['/healthz', '/ready'], [], ['/healthz', '/ready']]);
  expect(render).toHaveBeenCalledTimes(1);
});
