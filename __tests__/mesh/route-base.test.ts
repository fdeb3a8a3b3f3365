import { Chart } from 'cdk8s';
import { Service } from 'cdk8s-plus-28';
import {
  EgressNetwork, GrpcMethodMatch, GrpcRoute, HttpBackend, HttpRoute, HttpRouteApi, Network, ProxyProtocol, RouteBase, RouteBaseOptions,
  RouteParent, Server, ServerPort,
} from '../../lib/mesh';
import { errorOf } from '../support/error-of';
import { find, fixture, manifestsOf } from '../support/mesh-fixture';

// HttpRoute and GrpcRoute share one RouteBase: the same props give the same problems, word for word, and the same
// rendering of what they share (parents, backends, host names).

type Fixture = ReturnType<typeof fixture>;
/** Props both kinds take as they are. */
type SharedOptions = RouteBaseOptions & { readonly rules: Array<{ readonly matches?: never[]; readonly backends?: HttpBackend[] }> };

const kinds = {
  HttpRoute: {
    outbound: (f: Fixture, parent: RouteParent, options: SharedOptions): RouteBase => new HttpRoute(f.chart, 'route', { ...options, parent }),
    inbound: (f: Fixture, options: SharedOptions): RouteBase => new Server(f.chart, 'server', {
      metadata: { name: 'api-server' }, workload: f.deployment, port: ServerPort.named('http'),
    }).addHttpRoute('route', options),
  },
  GrpcRoute: {
    outbound: (f: Fixture, parent: RouteParent, options: SharedOptions): RouteBase => new GrpcRoute(f.chart, 'route', { ...options, parent }),
    inbound: (f: Fixture, options: SharedOptions): RouteBase => new Server(f.chart, 'server', {
      metadata: { name: 'api-server' }, workload: f.deployment, port: ServerPort.named('http'), proxyProtocol: ProxyProtocol.GRPC,
    }).addGrpcRoute('route', options),
  },
};
type Kind = (typeof kinds)[keyof typeof kinds];

const toService = (f: Fixture) => RouteParent.service(f.service, 80);

/** Each case: what is built, with either kind, and the whole error text. */
const sharedProblems: Array<[string, (f: Fixture, kind: Kind) => unknown, string]> = [
  ['a metadata.name that is no DNS-1123 subdomain', (f, kind) => kind.outbound(f, toService(f), { metadata: { name: 'Route_1' }, rules: [{}] }),
    '[shop/route] metadata.name "Route_1" is invalid; allowed: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", starting and '
    + 'ending with a letter or digit, at most 253 characters)'],
  ['a parent port the Service lacks', (f, kind) => kind.outbound(f, RouteParent.service(f.service, 81), { rules: [{}] }),
    // The rule's default backend is that parent port: refused as well.
    '[shop/route] parent port 81 is invalid; allowed: a port of Service api (80)\n'
    + '[shop/route] rules[0] port of backend api 81 is invalid; allowed: a port of Service api (80)'],
  ['an EgressNetwork port out of range', (f, kind) => kind.outbound(f, RouteParent.egressNetwork(new EgressNetwork(f.chart, 'egress'), 0),
    { rules: [{}] }), '[shop/route] parent EgressNetwork port 0 is invalid; allowed: integers 1..65535'],
  ['no rules', (f, kind) => kind.outbound(f, toService(f), { rules: [] }), '[shop/route] rules count 0 is invalid; allowed: 1..16 rules'],
  ['an empty matches list', (f, kind) => kind.outbound(f, toService(f), { rules: [{ matches: [] }] }),
    '[shop/route] rules[0] matches count 0 is invalid; allowed: 1..8 matches, or leave matches unset to match every request'],
  ['a host name with a port', (f, kind) => kind.outbound(f, toService(f), { hostnames: ['api:80'], rules: [{}] }),
    '[shop/route] hostname "api:80" is invalid; allowed: a lowercase DNS name of at most 253 characters, optionally starting with "*." '
    + '(no IP address, no port)'],
  ['weights all 0', (f, kind) => kind.outbound(f, toService(f), { rules: [{ backends: [HttpBackend.service(f.service, { weight: 0 })] }] }),
    '[shop/route] rules[0] weights [0] is invalid; allowed: integers 0..1000000, at least one > 0'],
  ['a backend in another namespace', (f, kind) => kind.outbound(f, toService(f), {
    rules: [{ backends: [HttpBackend.service(new Service(new Chart(f.app, 'other', { namespace: 'other' }), 'svc', {
      metadata: { name: 'other-api' }, ports: [{ port: 80 }] }))] }],
  }), '[shop/route] rules[0] namespace of backend other-api "other" is invalid; allowed: the route\'s namespace'],
  ['a parent in another namespace', (f, kind) => kind.outbound(f, RouteParent.service(new Service(new Chart(f.app, 'other', { namespace: 'other' }),
    'svc', { metadata: { name: 'other-api' }, ports: [{ port: 80 }] }), 80), { metadata: { name: 'route' }, rules: [{}] }),
  '[shop/route] parent namespace "other" is invalid; allowed: the route\'s own namespace shop'],
  ['backends on an inbound route', (f, kind) => kind.inbound(f, {
    metadata: { name: 'route' }, rules: [{ backends: [HttpBackend.service(f.service)] }],
  }),
    '[shop/server/route] rules[0] backends ["api"] is invalid; allowed: no backends on an inbound route (parent: a Server); requests go to '
    + 'the Server\'s pods'],
  ['an outbound route as authorization target', (f, kind) => kind.outbound(f, toService(f), { metadata: { name: 'route' }, rules: [{}] })
    .grantNetworkAccess([Network.anyIpv4()]),
  '[shop/route] authorization target "outbound route route" is invalid; allowed: an inbound route (parent: a Server); authorize outbound '
    + 'traffic on the destination\'s Server'],
];

describe.each(Object.keys(kinds) as Array<keyof typeof kinds>)('%s', (kindName) => {
  test.each(sharedProblems)('%s is refused in the shared wording', (_name, build, expected) => {
    const f = fixture();
    expect(errorOf(() => build(f, kinds[kindName])).message).toBe(expected);
  });
});

test('both kinds render parents, host names and backends alike, and are authorization targets of their own API group', () => {
  const f = fixture();
  const options = { hostnames: ['api.shop.example'], rules: [{ backends: [HttpBackend.service(f.service, { weight: 9 }),
    HttpBackend.service(f.canary, { weight: 1 })] }] };
  new HttpRoute(f.chart, 'http', { metadata: { name: 'http' }, parent: toService(f), ...options });
  new GrpcRoute(f.chart, 'grpc', { metadata: { name: 'grpc' }, parent: toService(f), ...options });
  const http = find(manifestsOf(f.chart), 'HTTPRoute', 'http').spec;
  const grpc = find(manifestsOf(f.chart), 'GRPCRoute', 'grpc').spec;
  for (const spec of [http, grpc]) {
    expect(spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'api', port: 80 }]);
    expect(spec.hostnames).toEqual(['api.shop.example']);
    expect(spec.rules[0].backendRefs).toEqual([
      { group: '', kind: 'Service', name: 'api', port: 80, weight: 9 },
      { group: '', kind: 'Service', name: 'api-canary', port: 80, weight: 1 },
    ]);
  }

  const g = fixture();
  const httpServer = new Server(g.chart, 'http-server', { metadata: { name: 'http' }, workload: g.deployment, port: ServerPort.named('http') });
  const grpcServer = new Server(g.chart, 'grpc-server', { metadata: { name: 'grpc' }, workload: g.deployment, port: ServerPort.named('admin'),
    proxyProtocol: ProxyProtocol.GRPC });
  const routes: RouteBase[] = [
    httpServer.addHttpRoute('gateway', { metadata: { name: 'gateway' }, rules: [{}] }),
    httpServer.addHttpRoute('policy', { metadata: { name: 'policy' }, api: HttpRouteApi.POLICY_V1BETA3, rules: [{}] }),
    grpcServer.addGrpcRoute('grpc', { metadata: { name: 'grpc' }, rules: [{ matches: [{ method: GrpcMethodMatch.service('shop.v1.Api') }] }] }),
  ];
  expect(routes.map((route) => [route.isOutbound, route.routeKind, route.authorizationTargetRef])).toEqual([
    [false, 'HTTPRoute', { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'gateway' }],
    [false, 'HTTPRoute', { group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'policy' }],
    [false, 'GRPCRoute', { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: 'grpc' }],
  ]);
  expect(routes[0].metadata).toBe(routes[0].apiObject.metadata);
});
