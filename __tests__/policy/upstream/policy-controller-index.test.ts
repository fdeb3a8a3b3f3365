/**
 * Cases of the policy controller's inbound index tests (linkerd/linkerd2 edge-26.8.3,
 * policy-controller/k8s/index/src/inbound/tests/*.rs and tests.rs), each an upstream test function: the objects it
 * applies and the InboundServer it expects for the pod port, compared on what the proxy uses (server reference,
 * protocol, authorizations, the routes of the protocol, rate limit).
 */
import { DEFAULT_INBOUND_POLICIES, InboundServer, LinkerdPolicyModel } from '../../../lib/policy';
import {
  authnRef,
  Json,
  mkAuthorizationPolicy,
  mkGrpcRoute,
  mkHttpRoute,
  mkMeshTls,
  mkNetworkAuthentication,
  mkPod,
  mkServer,
  mkServerAuthorization,
} from './builders';

/** tests.rs `TestConfig`: cluster network 192.0.2.0/24, identity domain cluster.example.com, default cluster-unauthenticated. */
const testConfig = (defaultInboundPolicy = 'cluster-unauthenticated', probeNetworks: string[] = []) => ({
  defaultInboundPolicy,
  clusterNetworks: ['192.0.2.0/24'],
  trustDomain: 'cluster.example.com',
  probeNetworks,
});
const model = (objects: Json[], config = testConfig()) => new LinkerdPolicyModel(objects, config);
const serverOf = (m: LinkerdPolicyModel, port: number, pod = 'ns-0/pod-0'): InboundServer => m.index.inboundServer(m.workload(pod), port);
const pod0 = (extra: Parameters<typeof mkPod>[2] = {}) => mkPod('ns-0', 'pod-0', { labels: { app: 'app-0' }, ...extra });
const routeRefs = (server: InboundServer) =>
  server.httpRoutes.map((r) => ('group' in r.ref ? `${r.ref.kind}/${r.ref.name}` : `default:${r.ref.name}`));
/** tests.rs `mk_default_policy`: the default authorization a policy name stands for. */
const defaultAuthorizations = (policy: string) =>
  serverOf(model([pod0()], testConfig(policy)), 2222).authorizations.map((a) => ({
    source: a.source,
    networks: a.networks,
    authentication: a.authentication,
  }));

describe('policy-controller/k8s/index/src/inbound/tests/annotation.rs', () => {
  test.each(DEFAULT_INBOUND_POLICIES.map((p) => [p]))('default_policy_annotated: pod annotation %s overrides the cluster default', (policy) => {
    const inverted = policy === 'deny' ? 'all-unauthenticated' : 'deny';
    expect(serverOf(model([pod0()], testConfig(inverted)), 2222).server).toEqual({ kind: 'default', policy: inverted });
    const annotated = pod0({ annotations: { 'config.linkerd.io/default-inbound-policy': policy } });
    expect(serverOf(model([annotated], testConfig(inverted)), 2222).server).toEqual({ kind: 'default', policy });
  });

  test('default_policy_annotated_invalid: an invalid annotation is ignored for the cluster default', () => {
    const server = serverOf(model([pod0({ annotations: { 'config.linkerd.io/default-inbound-policy': 'bogus' } })]), 2222);
    expect(server.server).toEqual({ kind: 'default', policy: 'cluster-unauthenticated' });
    expect(server.authorizations.map((a) => a.networks)).toEqual([[{ cidr: '192.0.2.0/24', except: [] }]]);
  });

  test.each(DEFAULT_INBOUND_POLICIES.map((p) => [p]))('opaque_annotated: an opaque port of a %s pod is opaque, policy unchanged', (policy) => {
    const server = serverOf(model([pod0({ annotations: { 'config.linkerd.io/opaque-ports': '2222' } })], testConfig(policy)), 2222);
    expect(server.protocol).toBe('opaque');
    expect(server.server).toEqual({ kind: 'default', policy });
  });

  test.each(DEFAULT_INBOUND_POLICIES.map((p) => [p]))('authenticated_annotated: a require-identity port turns %s authenticated', (policy) => {
    const server = serverOf(
      model([pod0({ annotations: { 'config.linkerd.io/proxy-require-identity-inbound-ports': '2222' } })], testConfig(policy)),
      2222,
    );
    const expected = policy.endsWith('-unauthenticated') ? policy.replace('unauthenticated', 'authenticated') : policy;
    expect(server.server).toEqual({ kind: 'default', policy: expected });
    expect(server.authorizations.map((a) => ({ source: a.source, networks: a.networks, authentication: a.authentication }))).toEqual(
      defaultAuthorizations(expected),
    );
  });
});

describe('policy-controller/k8s/index/src/inbound/tests.rs mk_default_policy', () => {
  test.each([
    ['deny', []],
    ['all-authenticated', [{ networks: ['0.0.0.0/0', '::/0'], authentication: 'mesh-tls *' }]],
    ['all-unauthenticated', [{ networks: ['0.0.0.0/0', '::/0'], authentication: 'unauthenticated' }]],
    ['cluster-authenticated', [{ networks: ['192.0.2.0/24'], authentication: 'mesh-tls *' }]],
    ['cluster-unauthenticated', [{ networks: ['192.0.2.0/24'], authentication: 'unauthenticated' }]],
    ['audit', [{ networks: ['0.0.0.0/0', '::/0'], authentication: 'unauthenticated' }]],
  ])('default policy %s authorizes %j', (policy, expected) => {
    const summary = defaultAuthorizations(policy).map((a) => ({
      networks: a.networks.map((n) => n.cidr),
      authentication:
        a.authentication.kind === 'mesh-tls'
          ? `mesh-tls ${a.authentication.identities.map((i) => (i.kind === 'suffix' ? ['*', ...i.parts].join('.') : i.identity)).join(',')}`
          : a.authentication.kind,
    }));
    expect(summary).toEqual(expected);
  });
});

describe('policy-controller/k8s/index/src/inbound/tests/server.rs', () => {
  test('links_named_server_port: a Server on port name "admin" selects the pod\'s port 8080', () => {
    const pod = pod0({ containers: [{ name: 'container-0', ports: [{ name: 'admin', containerPort: 8080, protocol: 'TCP' }] }] });
    expect(serverOf(model([pod]), 8080).server).toEqual({ kind: 'default', policy: 'cluster-unauthenticated' });
    const server = serverOf(model([pod, mkServer('ns-0', 'srv-admin', 'admin', { app: 'app-0' }, 'HTTP/1')]), 8080);
    expect([server.server, server.protocol, server.authorizations]).toEqual([
      { group: 'policy.linkerd.io', kind: 'Server', namespace: 'ns-0', name: 'srv-admin' },
      'HTTP/1',
      [],
    ]);
  });

  test('links_unnamed_server_port: a Server on port number 8080 selects it', () => {
    const server = serverOf(model([pod0(), mkServer('ns-0', 'srv-8080', 8080, { app: 'app-0' }, 'HTTP/1')]), 8080);
    expect([server.server, server.protocol]).toEqual([{ group: 'policy.linkerd.io', kind: 'Server', namespace: 'ns-0', name: 'srv-8080' }, 'HTTP/1']);
  });

  test('server_update_deselects_pod: a Server whose selector no longer matches leaves the default policy', () => {
    const pod = mkPod('ns-0', 'pod-0');
    expect(serverOf(model([pod, mkServer('ns-0', 'srv-0', 2222, {}, 'HTTP/2')]), 2222).protocol).toBe('HTTP/2');
    expect(serverOf(model([pod, mkServer('ns-0', 'srv-0', 2222, { label: 'value' }, 'HTTP/2')]), 2222).server).toEqual({
      kind: 'default',
      policy: 'cluster-unauthenticated',
    });
  });
});

describe('policy-controller/k8s/index/src/inbound/tests/grpc_routes.rs', () => {
  test('server_with_default_route: a gRPC Server without GRPCRoutes serves the default gRPC route', () => {
    const server = serverOf(model([pod0(), mkServer('ns-0', 'srv-8080', 8080, { app: 'app-0' }, 'gRPC')]), 8080);
    expect(server.protocol).toBe('gRPC');
    expect(server.grpcRoutes.map((r) => r.ref)).toEqual([{ kind: 'default', name: 'default' }]);
    // grpc/src/inbound.rs `to_server`: a gRPC server sends the proxy only its gRPC routes.
    expect(server.httpRoutes).toEqual([]);
  });
});

describe('policy-controller/k8s/index/src/inbound/tests/http_routes.rs', () => {
  const srv = mkServer('ns-0', 'srv-8080', 8080, { app: 'app-0' }, 'HTTP/1');
  const route = mkHttpRoute('ns-0', 'route-foo', 'srv-8080', [{ matches: [{ path: { type: 'PathPrefix', value: '/foo' } }] }]);
  test("route_attaches_to_server: default route, then the route, then the route's policy", () => {
    expect(routeRefs(serverOf(model([pod0(), srv]), 8080))).toEqual(['default:default']);
    expect(routeRefs(serverOf(model([pod0(), srv, route]), 8080))).toEqual(['HTTPRoute/route-foo']);
    const withPolicy = serverOf(
      model([
        pod0(),
        srv,
        route,
        mkAuthorizationPolicy('ns-0', 'authz-foo', { group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'route-foo' }, [
          authnRef.serviceAccount('foo', 'ns-0'),
        ]),
      ]),
      8080,
    );
    expect(withPolicy.httpRoutes[0].authorizations.map((a) => [a.source, a.authentication])).toEqual([
      [
        { kind: 'AuthorizationPolicy', name: 'authz-foo' },
        { kind: 'mesh-tls', identities: [{ kind: 'exact', identity: 'foo.ns-0.serviceaccount.identity.linkerd.cluster.example.com' }] },
      ],
    ]);
    // A policy on a route is the route's, not the Server's.
    expect(withPolicy.authorizations).toEqual([]);
  });

  test('routes_created_for_probes: probe paths are authorized from the probe networks until the Server has routes', () => {
    const container = {
      name: 'c',
      livenessProbe: { httpGet: { path: '/liveness-container-1', port: 5432 } },
      readinessProbe: { httpGet: { path: '/ready-container-1', port: 5432 } },
    };
    const pod = pod0({ containers: [container] });
    const config = testConfig('cluster-unauthenticated', ['10.0.0.1/24']);
    const probeRoute = (server: InboundServer) => server.httpRoutes.find((r) => r.ref.kind === 'default' && r.ref.name === 'probe');
    for (const objects of [[pod], [pod, mkServer('ns-0', 'srv-5432', 5432, { app: 'app-0' }, 'HTTP/1')]]) {
      const probes = probeRoute(serverOf(model(objects, config), 5432));
      expect(probes?.rules[0].matches.map((m) => [m.method, m.path])).toEqual([
        ['GET', { type: 'Exact', value: '/liveness-container-1' }],
        ['GET', { type: 'Exact', value: '/ready-container-1' }],
      ]);
      expect(probes?.authorizations.map((a) => [a.source, a.networks, a.authentication])).toEqual([
        [{ kind: 'default', name: 'probe' }, [{ cidr: '10.0.0.1/24', except: [] }], { kind: 'unauthenticated' }],
      ]);
    }
    const withRoute = serverOf(
      model([pod, mkServer('ns-0', 'srv-5432', 5432, { app: 'app-0' }, 'HTTP/1'), mkHttpRoute('ns-0', 'route-foo', 'srv-5432', [{}])], config),
      5432,
    );
    expect(probeRoute(withRoute)).toBeUndefined();
  });
});

describe('policy-controller/k8s/index/src/inbound/tests/authorization_policy.rs', () => {
  const srv = mkServer('ns-0', 'srv-8080', 8080, { app: 'app-0' }, 'HTTP/1');
  const expectedAuthz = {
    source: { kind: 'AuthorizationPolicy', name: 'authz-foo' },
    networks: [{ cidr: '10.0.0.0/8', except: [] }],
    authentication: { kind: 'mesh-tls', identities: [{ kind: 'exact', identity: 'foo.bar' }] },
  };
  const summary = (server: InboundServer) =>
    server.authorizations.map((a) => ({ source: a.source, networks: a.networks, authentication: a.authentication }));
  const authns = [mkNetworkAuthentication('ns-0', 'net-foo', [{ cidr: '10.0.0.0/8' }]), mkMeshTls('ns-1', 'mtls-bar', { identities: ['foo.bar'] })];
  const refs = [authnRef.network('net-foo'), authnRef.meshTls('mtls-bar', 'ns-1')];

  test('links_authorization_policy_with_mtls_name: network and cross-namespace MeshTLSAuthentication combine', () => {
    expect(
      summary(
        serverOf(
          model([
            pod0(),
            srv,
            ...authns,
            mkAuthorizationPolicy('ns-0', 'authz-foo', { group: 'policy.linkerd.io', kind: 'Server', name: 'srv-8080' }, refs),
          ]),
          8080,
        ),
      ),
    ).toEqual([expectedAuthz]);
  });

  test('authorization_targets_namespace: a Namespace target applies to the Server', () => {
    expect(
      summary(serverOf(model([pod0(), srv, ...authns, mkAuthorizationPolicy('ns-0', 'authz-foo', { kind: 'Namespace', name: 'ns-0' }, refs)]), 8080)),
    ).toEqual([expectedAuthz]);
  });

  test('links_authorization_policy_with_service_account: a ServiceAccount reference is its exact identity', () => {
    const policy = mkAuthorizationPolicy('ns-0', 'authz-foo', { group: 'policy.linkerd.io', kind: 'Server', name: 'srv-8080' }, [
      authnRef.serviceAccount('foo', 'ns-0'),
    ]);
    expect(summary(serverOf(model([pod0(), srv, policy]), 8080))).toEqual([
      {
        source: { kind: 'AuthorizationPolicy', name: 'authz-foo' },
        networks: [
          { cidr: '0.0.0.0/0', except: [] },
          { cidr: '::/0', except: [] },
        ],
        authentication: {
          kind: 'mesh-tls',
          identities: [{ kind: 'exact', identity: 'foo.ns-0.serviceaccount.identity.linkerd.cluster.example.com' }],
        },
      },
    ]);
  });
});

describe('policy-controller/k8s/index/src/inbound/tests/meshtls_authentication.rs', () => {
  test('delete_meshtls_authn_removes_authorization: without its MeshTLSAuthentication a policy authorizes nothing', () => {
    const srv = mkServer('ns-0', 'srv-8080', 8080, { app: 'app-0' }, 'HTTP/1');
    const policy = mkAuthorizationPolicy('ns-0', 'authz-policy-0', { group: 'policy.linkerd.io', kind: 'Server', name: 'srv-8080' }, [
      authnRef.meshTls('mtls-authn-0'),
    ]);
    const withAuthn = serverOf(model([pod0(), srv, policy, mkMeshTls('ns-0', 'mtls-authn-0', { identities: ['identity-0'] })]), 8080);
    expect(withAuthn.authorizations.map((a) => a.authentication)).toEqual([
      { kind: 'mesh-tls', identities: [{ kind: 'exact', identity: 'identity-0' }] },
    ]);
    const m = model([pod0(), srv, policy]);
    expect(serverOf(m, 8080).authorizations).toEqual([]);
    expect(m.index.ignoredPolicies().map((p) => p.reason)).toEqual(['MeshTLSAuthentication ns-0/mtls-authn-0 does not exist']);
  });
});

describe('policy-controller/k8s/index/src/inbound/tests/server_authorization.rs', () => {
  const srv = mkServer('ns-0', 'srv-8080', 8080, { app: 'app-0' }, 'HTTP/1', { labels: { app: 'app-0' } });
  test.each([
    ['links_server_authz_by_name', { name: 'srv-8080' }],
    ['links_server_authz_by_label', { selector: { matchLabels: { app: 'app-0' } } }],
  ])('%s', (_name, serverSelector) => {
    const saz = mkServerAuthorization('ns-0', 'authz-foo', serverSelector, {
      meshTLS: { identities: ['foo.bar'] },
      networks: [{ cidr: '10.0.0.0/8' }],
    });
    const server = serverOf(model([pod0(), srv, saz]), 8080);
    expect(server.authorizations.map((a) => [a.source, a.networks, a.authentication])).toEqual([
      [
        { kind: 'ServerAuthorization', name: 'authz-foo' },
        [{ cidr: '10.0.0.0/8', except: [] }],
        { kind: 'mesh-tls', identities: [{ kind: 'exact', identity: 'foo.bar' }] },
      ],
    ]);
  });
});

describe('policy-controller/k8s/index/src/inbound/tests/ratelimit_policy.rs', () => {
  test("ratelimit_policy_with_server: the Server's rate limit with an override per ServiceAccount", () => {
    const srv = mkServer('ns-0', 'srv-8080', 8080, { app: 'app-0' }, 'HTTP/1');
    const limit = {
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'HTTPLocalRateLimitPolicy',
      metadata: { namespace: 'ns-0', name: 'ratelimit-0' },
      spec: {
        targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'srv-8080' },
        total: { requestsPerSecond: 1000 },
        overrides: [{ requestsPerSecond: 500, clientRefs: [{ kind: 'ServiceAccount', name: 'client-0' }] }],
      },
    };
    expect(serverOf(model([pod0(), srv]), 8080).rateLimit).toBeUndefined();
    expect(serverOf(model([pod0(), srv, limit]), 8080).rateLimit).toEqual({
      policy: 'ratelimit-0',
      total: 1000,
      identity: undefined,
      overrides: [{ requestsPerSecond: 500, identities: ['client-0.ns-0.serviceaccount.identity.linkerd.cluster.example.com'] }],
    });
  });
});

describe('policy-controller/k8s/status/src/index.rs parent_has_conflicting_routes (GEP-1426)', () => {
  test('an HTTPRoute on a Server that also has a GRPCRoute is not accepted', () => {
    const srv = mkServer('ns-0', 'srv-8080', 8080, { app: 'app-0' }, 'HTTP/2');
    const server = serverOf(model([pod0(), srv, mkHttpRoute('ns-0', 'http', 'srv-8080', [{}]), mkGrpcRoute('ns-0', 'grpc', 'srv-8080', [{}])]), 8080);
    expect(routeRefs(server)).toEqual(['default:default']);
  });
});
