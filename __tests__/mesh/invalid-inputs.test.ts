import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  AlbIngress, AlbListenPort, AuthorizationPolicy, CircuitBreaker, FaultInjection, HeaderMatch, HttpBackend,
  HttpLocalRateLimitPolicy, HttpMethod, HttpRoute, HttpRouteApi, HttpRouteFilter, MeshTlsAuthentication, MeshedDeployment,
  MeshedNamespace, Network, NetworkAuthentication, PathMatch, ProxyProtocol, QueryParamMatch, RedirectPath, RetriesAndTimeouts,
  HttpRetryCondition, RouteParent, Server, ServerPort, legacy,
} from '../../lib/mesh';
import { fixture } from './fixture';

type Fixture = ReturnType<typeof fixture>;
const outbound = (f: Fixture) => RouteParent.service(f.service, 80);
const server = (f: Fixture, props: Partial<ConstructorParameters<typeof Server>[2]> = {}) =>
  new Server(f.chart, 'api-server', { metadata: { name: 'api-server' }, workload: f.deployment, port: ServerPort.named('http'), ...props });
const route = (f: Fixture, rules: ConstructorParameters<typeof HttpRoute>[2]['rules'], extra: Partial<ConstructorParameters<typeof HttpRoute>[2]> = {}) =>
  new HttpRoute(f.chart, 'route', { metadata: { name: 'route' }, parent: outbound(f), rules, ...extra });

/** Each case: what is built, and the error text (construct path, bad value, what is allowed). */
const cases: Array<[string, (f: Fixture) => unknown, RegExp]> = [
  // weights and backends
  ['negative weight', (f) => route(f, [{ backends: [HttpBackend.service(f.service, { weight: -1 })] }]),
    /\[shop\/route\] rules\[0\] weight of backend api -1 is invalid; allowed: integers 0\.\.1000000/],
  ['fractional weight', (f) => route(f, [{ backends: [HttpBackend.service(f.service, { weight: 1.5 })] }]), /weight of backend api 1\.5 is invalid; allowed: integers 0\.\.1000000/],
  ['weight above the maximum', (f) => route(f, [{ backends: [HttpBackend.service(f.service, { weight: 1_000_001 })] }]), /1000001 is invalid; allowed: integers 0\.\.1000000/],
  ['all weights zero', (f) => route(f, [{ backends: [HttpBackend.service(f.service, { weight: 0 }), HttpBackend.service(f.canary, { weight: 0 })] }]),
    /\[shop\/route\] rules\[0\] weights \[0, 0\] is invalid; allowed: integers 0\.\.1000000, at least one > 0/],
  ['backend port the Service lacks', (f) => route(f, [{ backends: [HttpBackend.service(f.service, { port: 8080 })] }]),
    /\[shop\/route\] rules\[0\] port of backend api 8080 is invalid; allowed: a port of Service api \(80\)/],
  ['parent port the Service lacks', (f) => new HttpRoute(f.chart, 'route', { parent: RouteParent.service(f.service, 81), rules: [{}] }),
    /\[shop\/route\] parent port 81 is invalid; allowed: a port of Service api \(80\)/],
  ['parent port out of range', (f) => new HttpRoute(f.chart, 'route', { parent: RouteParent.service(f.service, 70000), rules: [{}] }),
    /parent port 70000 is invalid; allowed: integers 1\.\.65535/],
  ['the same backend twice', (f) => route(f, [{ backends: [HttpBackend.service(f.service), HttpBackend.service(f.service)] }]),
    /rules\[0\] backends \["api:80", "api:80"\] is invalid; allowed: each Service port at most once per rule/],
  ['no rules', (f) => route(f, []), /\[shop\/route\] rules count 0 is invalid; allowed: 1\.\.16 rules/],
  // paths, regexes, headers
  ['relative path', (f) => route(f, [{ matches: [{ path: PathMatch.prefix('api') }] }]),
    /\[shop\/route\] PathPrefix path "api" is invalid; allowed: an absolute path starting with "\/"/],
  ['path with //', (f) => route(f, [{ matches: [{ path: PathMatch.exact('/a//b') }] }]), /\[shop\/route\] Exact path "\/a\/\/b" is invalid; allowed: an absolute path .*without "\/\/"/],
  ['path with an encoded slash', (f) => route(f, [{ matches: [{ path: PathMatch.exact('/a%2Fb') }] }]), /\[shop\/route\] Exact path "\/a%2Fb" is invalid; allowed: .*without .*"%2f"/],
  ['path with a space', (f) => route(f, [{ matches: [{ path: PathMatch.exact('/a b') }] }]), /\[shop\/route\] Exact path "\/a b" is invalid; allowed: .*characters of \[-A-Za-z0-9\/\._~/],
  ['regex that does not compile', (f) => route(f, [{ matches: [{ path: PathMatch.regex('/users/(\\d+') }] }]),
    /\[shop\/route\] path regex "\/users\/\(\\\\d\+" is invalid; allowed: a regular expression .*does not compile/],
  ['regex with look-ahead', (f) => route(f, [{ matches: [{ path: PathMatch.regex('/(?!admin).*') }] }]), /path regex .* is invalid; allowed: .*no look-around/],
  ['header name with a space', (f) => route(f, [{ matches: [{ headers: [HeaderMatch.exact('x request', 'a')] }] }]),
    /\[shop\/route\] header name "x request" is invalid; allowed: an RFC 7230 token: 1\.\.256 of the characters A-Z a-z 0-9 ! # \$ % & ' \* \+ - \. \^ _ ` \| ~$/],
  ['query parameter name with brackets', (f) => route(f, [{ matches: [{ queryParams: [QueryParamMatch.exact('filter[name]', 'a')] }] }], { api: HttpRouteApi.GATEWAY_V1 }),
    /\[shop\/route\] query parameter name "filter\[name\]" is invalid; allowed: an RFC 7230 token/],
  ['empty query parameter name', (f) => route(f, [{ matches: [{ queryParams: [QueryParamMatch.exact('', 'a')] }] }]),
    /\[shop\/route\] query parameter name "" is invalid; allowed: an RFC 7230 token: 1\.\.256/],
  ['header regex that does not compile', (f) => route(f, [{ matches: [{ headers: [HeaderMatch.regex('x-id', '[a-')] }] }]), /\[shop\/route\] regex of header x-id "\[a-" is invalid; allowed: a regular expression of 1\.\.4096 characters in RE2 syntax .*does not compile/],
  ['the same header twice in a match', (f) => route(f, [{ matches: [{ headers: [HeaderMatch.exact('x-id', 'a'), HeaderMatch.exact('X-Id', 'b')] }] }]),
    /header matches \["x-id", "X-Id"\] is invalid; allowed: at most 16, each header name at most once/],
  ['empty query parameter value', (f) => route(f, [{ matches: [{ queryParams: [QueryParamMatch.exact('page', '')] }] }]), /value of query parameter page "" is invalid; allowed: 1\.\.1024 characters/],
  ['nine matches in a rule', (f) => route(f, [{ matches: Array.from({ length: 9 }, () => ({ method: HttpMethod.GET })) }]), /matches count 9 is invalid; allowed: 1\.\.8 matches/],
  // timeouts and durations
  ['backendRequest above request', (f) => route(f, [{ timeouts: { request: Duration.seconds(1), backendRequest: Duration.seconds(2) } }]),
    /\[shop\/route\] rules\[0\] timeouts\.backendRequest "2s" is invalid; allowed: a duration not above timeouts\.request 1s/],
  ['sub-millisecond timeout', (f) => route(f, [{ timeouts: { request: Duration.millis(0.5) } }]),
    /rules\[0\] timeouts\.request 0\.5ms is invalid; allowed: a whole number of milliseconds, greater than 0/],
  ['zero timeout', (f) => route(f, [{ timeouts: { backendRequest: Duration.seconds(0) } }]), /\[shop\/route\] rules\[0\] timeouts\.backendRequest 0ms is invalid; allowed: a whole number of milliseconds, greater than 0/],
  ['empty timeouts', (f) => route(f, [{ timeouts: {} }]), /rules\[0\] timeouts "\{\}" is invalid; allowed: request and\/or backendRequest/],
  ['timeouts on an inbound route', (f) => route(f, [{ timeouts: { request: Duration.seconds(1) } }], { parent: RouteParent.server(server(f)) }),
    /rules\[0\] timeouts "set" is invalid; allowed: no timeouts on an inbound route/],
  ['backends on an inbound route', (f) => route(f, [{ backends: [HttpBackend.service(f.service)] }], { parent: RouteParent.server(server(f)) }),
    /rules\[0\] backends \["api"\] is invalid; allowed: no backends on an inbound route/],
  // filters
  ['a filter type twice', (f) => route(f, [{ filters: [HttpRouteFilter.requestHeaderModifier({ set: { a: '1' } }), HttpRouteFilter.requestHeaderModifier({ add: { b: '2' } })] }]),
    /rules\[0\] filters \["RequestHeaderModifier", "RequestHeaderModifier"\] is invalid; allowed: each filter type at most once/],
  ['response header filter on policy.linkerd.io', (f) => route(f, [{ filters: [HttpRouteFilter.responseHeaderModifier({ set: { a: '1' } })] }],
    { api: HttpRouteApi.POLICY_V1BETA3 }),
    /rules\[0\] filter "ResponseHeaderModifier" is invalid; allowed: RequestHeaderModifier or RequestRedirect on policy\.linkerd\.io\/v1beta3/],
  ['empty header modifier', (f) => route(f, [{ filters: [HttpRouteFilter.requestHeaderModifier({})] }]), /RequestHeaderModifier "\{\}" is invalid; allowed: at least one header/],
  ['redirect with backends', (f) => route(f, [{ backends: [HttpBackend.service(f.service)], filters: [HttpRouteFilter.requestRedirect({ hostname: 'example.com' })] }]),
    /rules\[0\] backends \["api"\] is invalid; allowed: no backends in a rule with a RequestRedirect filter/],
  ['prefix redirect without a single prefix match', (f) => route(f, [{ matches: [{ path: PathMatch.exact('/old') }], filters: [HttpRouteFilter.requestRedirect({ path: RedirectPath.prefixMatch('/new') })] }], { api: HttpRouteApi.GATEWAY_V1 }),
    /rules\[0\] matches \["\/old"\] is invalid; allowed: exactly one PathPrefix match/],
  // servers
  ['Server port name not declared', (f) => server(f, { port: ServerPort.named('grpc') }),
    /\[shop\/api-server\] port "grpc" is invalid; allowed: a container port name of shop\/api \(declared: api:http=8080, api:admin=9090\)/],
  ['Server port number not declared', (f) => server(f, { port: ServerPort.number(7000) }), /\[shop\/api-server\] port 7000 is invalid; allowed: a container port of shop\/api/],
  ['HTTP route on an opaque Server', (f) => route(f, [{}], { parent: RouteParent.server(server(f, { proxyProtocol: ProxyProtocol.OPAQUE })) }),
    /\[shop\/route\] parent Server proxyProtocol "opaque" is invalid; allowed: a Server whose traffic is HTTP/],
  // identities and authorization
  ['no ServiceAccounts to authenticate', (f) => new MeshTlsAuthentication(f.chart, 'authn', { serviceAccounts: [] }),
    /\[shop\/authn\] serviceAccounts and identities \[\] is invalid; allowed: at least one ServiceAccount or identity/],
  ['the same ServiceAccount twice', (f) => new MeshTlsAuthentication(f.chart, 'authn', { serviceAccounts: [f.frontend, f.frontend] }),
    /identities \["frontend\.shop\.serviceaccount\.identity\.linkerd\.cluster\.local"\] is invalid; allowed: each identity at most once/],
  ['invalid trust domain', (f) => new MeshTlsAuthentication(f.chart, 'authn', { serviceAccounts: [f.frontend], trustDomain: 'Cluster_Local' }),
    /\[shop\/authn\] trustDomain "Cluster_Local" is invalid; allowed: a DNS-1123 subdomain/],
  ['policy without authentications', (f) => new AuthorizationPolicy(f.chart, 'policy', { target: server(f), requiredAuthentications: [] }),
    /\[shop\/policy\] requiredAuthentications \[\] is invalid; allowed: at least one .*would authorize everyone/],
  ['granting access to an outbound route', (f) => route(f, [{}]).grantAccess([f.frontend]),
    /\[shop\/route\] authorization target "outbound route route" is invalid; allowed: an inbound route \(parent: a Server\)/],
  // networks
  ['CIDR with host bits', (f) => new NetworkAuthentication(f.chart, 'net', { networks: [Network.cidr('10.0.0.1/8')] }),
    /\[shop\/net\] network CIDR "10\.0\.0\.1\/8" is invalid; allowed: an IPv4 or IPv6 network in CIDR notation with no host bits set/],
  ['CIDR without prefix length', (f) => new NetworkAuthentication(f.chart, 'net', { networks: [Network.cidr('10.0.0.0')] }), /\[shop\/net\] network CIDR "10\.0\.0\.0" is invalid; allowed: an IPv4 or IPv6 network in CIDR notation/],
  ['IPv4 octet out of range', (f) => new NetworkAuthentication(f.chart, 'net', { networks: [Network.cidr('10.256.0.0/16')] }), /\[shop\/net\] network CIDR "10\.256\.0\.0\/16" is invalid; allowed: an IPv4 or IPv6 network in CIDR notation/],
  ['malformed IPv6', (f) => new NetworkAuthentication(f.chart, 'net', { networks: [Network.cidr('fd00::1::/64')] }), /\[shop\/net\] network CIDR "fd00::1::\/64" is invalid; allowed: an IPv4 or IPv6 network in CIDR notation/],
  ['exception outside the network', (f) => new NetworkAuthentication(f.chart, 'net', { networks: [Network.cidr('10.0.0.0/8', ['192.168.0.0/16'])] }),
    /exception of 10\.0\.0\.0\/8 "192\.168\.0\.0\/16" is invalid; allowed: a sub-network of 10\.0\.0\.0\/8/],
  // resilience
  ['zero max failures', (f) => new CircuitBreaker(f.chart, 'cb', { service: f.service, maxFailures: 0 }), /\[shop\/cb\] maxFailures 0 is invalid; allowed: integers 1\.\./],
  ['min penalty above max penalty', (f) => new CircuitBreaker(f.chart, 'cb', { service: f.service, minPenalty: Duration.minutes(2), maxPenalty: Duration.minutes(1) }),
    /\[shop\/cb\] minPenalty 120000ms is invalid; allowed: minPenalty <= maxPenalty/],
  ['min penalty above the default max penalty', (f) => new CircuitBreaker(f.chart, 'cb', { service: f.service, minPenalty: Duration.minutes(5) }), /minPenalty 300000ms is invalid; allowed: minPenalty <= maxPenalty .*default to 1s and 1m/],
  ['jitter ratio out of range', (f) => new CircuitBreaker(f.chart, 'cb', { service: f.service, jitterRatio: 101 }), /\[shop\/cb\] jitterRatio 101 is invalid; allowed: a number from 0\.0 to 100\.0/],
  ['retry status out of range', (f) => new RetriesAndTimeouts(f.chart, 'rt', { target: f.service, retries: { http: [HttpRetryCondition.range(500, 600)] } }),
    /\[shop\/rt\] HTTP retry condition "500-600" is invalid; allowed: status codes 100\.\.599/],
  ['retry limit zero', (f) => new RetriesAndTimeouts(f.chart, 'rt', { target: f.service, retries: { http: [HttpRetryCondition.serverErrors()], limit: 0 } }), /retry limit 0 is invalid; allowed: integers 1\.\.100/],
  ['retries on an inbound route', (f) => new RetriesAndTimeouts(f.chart, 'rt', { target: route(f, [{}], { parent: RouteParent.server(server(f)) }), requestTimeout: Duration.seconds(1) }),
    /\[shop\/rt\] target "inbound route route" is invalid; allowed: a Service or an outbound route \(parent: a Service\)/],
  ['rate limit per identity above total', (f) => new HttpLocalRateLimitPolicy(f.chart, 'rl', { server: server(f), totalRequestsPerSecond: 10, requestsPerSecondPerIdentity: 20 }),
    /\[shop\/rl\] requestsPerSecondPerIdentity 20 is invalid; allowed: integers 1\.\.10/],
  ['rate limit without limits', (f) => new HttpLocalRateLimitPolicy(f.chart, 'rl', { server: server(f) }), /\[shop\/rl\] limits "\{\}" is invalid; allowed: a total, a per-identity limit and\/or overrides/],
  ['fault injection of 0%', (f) => new FaultInjection(f.chart, 'fi', { service: f.service, errorPercent: 0, image: 'nginx:1.27-alpine' }),
    /\[shop\/fi\] errorPercent 0 is invalid; allowed: integers 1\.\.100/],
  ['fault injector named like no Service may be', (f) => new FaultInjection(f.chart, 'fi', { service: f.service, errorPercent: 10, image: 'nginx:1.27-alpine', injectorName: '5xx-injector' }),
    /\[shop\/fi\] injectorName "5xx-injector" is invalid; allowed: a DNS-1035 label \(.*starting with a letter/],
  ['namespace name with a dot', (f) => new MeshedNamespace(f.chart, 'ns2', { metadata: { name: 'shop.v2' } }),
    /\[shop\/ns2\] metadata.name "shop\.v2" is invalid; allowed: a DNS-1123 label/],
  // mesh membership
  ['skipping the proxy\'s own port', (f) => new MeshedNamespace(f.chart, 'ns', { metadata: { name: 'shop' }, proxy: { skipInboundPorts: [4191] } }),
    /\[shop\/ns\] skipInboundPorts port 4191 is invalid; allowed: any port except the proxy's own ports/],
  ['opaque and skipped port', (f) => new MeshedNamespace(f.chart, 'ns', { metadata: { name: 'shop' }, proxy: { opaquePorts: [3306], skipInboundPorts: [3306] } }),
    /opaquePorts \[3306\] is invalid; allowed: ports that are not also in skipInboundPorts/],
  ['proxy CPU limit below request', (f) => new MeshedNamespace(f.chart, 'ns', { metadata: { name: 'shop' }, proxy: { cpuRequest: Cpu.millis(200), cpuLimit: Cpu.millis(100) } }),
    /cpuLimit "100m" is invalid; allowed: a quantity not below cpuRequest 200m/],
  ['proxy memory limit below request', (f) => new MeshedNamespace(f.chart, 'ns', { metadata: { name: 'shop' }, proxy: { memoryRequest: Size.mebibytes(64), memoryLimit: Size.mebibytes(32) } }),
    /memoryLimit "32Mi" is invalid; allowed: a size not below memoryRequest 64Mi/],
  ['namespace name with capitals', (f) => new MeshedNamespace(f.chart, 'ns', { metadata: { name: 'Shop' } }), /\[shop\/ns\] metadata.name "Shop" is invalid; allowed: a DNS-1123 label/],
  ['pod label key with two slashes', (f) => new MeshedDeployment(f.chart, 'd', { podLabels: { 'a/b/c': 'x' }, containers: [{ image: 'x' }] }),
    /\[shop\/d\] pod label key "a\/b\/c" is invalid; allowed: a label key: an optional DNS-1123 subdomain prefix and "\/", then 1\.\.63 alphanumerics/],
  ['pod label value ending in a dash', (f) => new MeshedDeployment(f.chart, 'd', { podLabels: { app: 'api-' }, containers: [{ image: 'x' }] }),
    /\[shop\/d\] value of pod label app "api-" is invalid; allowed: a label value: empty, or 1\.\.63 alphanumerics, "-", "_" or "\.", starting and ending alphanumeric/],
  ['regex with a back-reference', (f) => route(f, [{ matches: [{ path: PathMatch.regex('/(a)\\1') }] }]),
    /\[shop\/route\] path regex "\/\(a\)\\\\1" is invalid; allowed: a regular expression of 1\.\.1024 characters in RE2 syntax .*backreferences/],
  ['Deployment without pod labels', (f) => new MeshedDeployment(f.chart, 'd', { podLabels: {}, containers: [{ image: 'x' }] }), /\[shop\/d\] podLabels "\{\}" is invalid; allowed: at least one label/],
  // ingress
  ['Ingress host name not qualified', (f) => new AlbIngress(f.chart, 'ing', { service: f.service, port: 80, hostname: 'shop' }),
    /\[shop\/ing\] hostname "shop" is invalid; allowed: a fully qualified DNS name/],
  ['Ingress to a port the Service lacks', (f) => new AlbIngress(f.chart, 'ing', { service: f.service, port: 8080, hostname: 'shop.example.com' }),
    /\[shop\/ing\] port 8080 is invalid; allowed: a port of Service api \(80\)/],
  ['duplicate listeners', (f) => new AlbIngress(f.chart, 'ing', { service: f.service, port: 80, hostname: 'shop.example.com', listenPorts: [AlbListenPort.http(), AlbListenPort.http()] }),
    /listenPorts \["HTTP:80", "HTTP:80"\] is invalid; allowed: each protocol and port at most once/],
  // legacy kinds
  ['ServiceProfile route regex that does not compile', (f) => new legacy.ServiceProfile(f.chart, 'sp', { service: f.service, routes: [{ name: 'GET /x', pathRegex: '/x(' }] }),
    /\[shop\/sp\] pathRegex of route "GET \/x" "\/x\(" is invalid; allowed: a regular expression .*does not compile/],
  ['retry budget ratio above 1', (f) => new legacy.ServiceProfile(f.chart, 'sp', { service: f.service, routes: [{ name: 'r', pathRegex: '/', isRetryable: true }], retryBudget: { retryRatio: 2, minRetriesPerSecond: 10, ttl: Duration.seconds(10) } }),
    /\[shop\/sp\] retryBudget\.retryRatio 2 is invalid; allowed: a number above 0 and at most 1/],
  ['duplicate ServiceProfile route names', (f) => new legacy.ServiceProfile(f.chart, 'sp', { service: f.service, routes: [{ name: 'r', pathRegex: '/a' }, { name: 'r', pathRegex: '/b' }] }),
    /route names \["r", "r"\] is invalid; allowed: non-empty names, each used once/],
  ['TrafficSplit without positive weight', (f) => new legacy.TrafficSplit(f.chart, 'ts', { service: f.service, backends: [{ service: f.service, weight: 0 }] }),
    /\[shop\/ts\] weights \[0\] is invalid; allowed: integers >= 0, at least one > 0/],
  ['ServerAuthorization without clients', (f) => new legacy.ServerAuthorization(f.chart, 'sa', { server: server(f), serviceAccounts: [] }),
    /\[shop\/sa\] serviceAccounts \[\] is invalid; allowed: at least one ServiceAccount/],
  ['Server port 0', (f) => server(f, { port: ServerPort.number(0) }),
    /\[shop\/api-server\] port 0 is invalid; allowed: integers 1\.\.65535/],
];

test(`the catalogue has at least 30 invalid inputs (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(30));

test.each(cases)('%s', (_name, build, message) => {
  expect(() => build(fixture())).toThrow(message);
  // Whatever the case asserts in detail, every message names the path, the value and what is allowed.
  expect(() => build(fixture())).toThrow(/^\[shop\/[^\]]+\] .+ is invalid; allowed: \S/);
});
