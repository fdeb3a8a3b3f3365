/**
 * The evaluator's own rules beyond the ported upstream cases: what it reports as ignored (the basis of the
 * validator's semantic problems) and the proxy behaviours a chart meets (localhost, opaque ports, unmeshed pods,
 * skipped ports, Rollouts with a workloadRef, the `/` probe path).
 */
import { accessMatrix, describeClientClass, LinkerdPolicyModel, policyWorkloads } from '../../lib/policy';
import {
  authnRef,
  expectDecision,
  Json,
  mkAuthorizationPolicy,
  mkGrpcRoute,
  mkHttpRoute,
  mkMeshTls,
  mkPod,
  mkServer,
  targetRef,
} from './upstream/builders';

const pod = mkPod('ns', 'app', { labels: { app: 'app' }, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] });
const server = mkServer('ns', 'srv', 'http', { app: 'app' }, 'HTTP/1');
const findings = (...objects: Json[]) =>
  new LinkerdPolicyModel([pod, server, ...objects]).index.findings.map((f) => [f.rule, f.field, f.message.split(';')[0]]);
const to = { workload: 'ns/app', port: 8080 };

describe('findings: what Linkerd ignores or reads differently', () => {
  test('an AuthorizationPolicy targeting HTTPRoute without a group targets the core group: unsupported', () => {
    expect(findings(mkAuthorizationPolicy('ns', 'p', { kind: 'HTTPRoute', name: 'r' }, [authnRef.serviceAccount('a')]))).toEqual([
      [
        'semantic/authorization-target',
        'spec.targetRef',
        'targetRef core/HTTPRoute r is not a target Linkerd supports (an omitted group means the core group, where there is no HTTPRoute), ' +
        'so Linkerd ignores the policy',
      ],
    ]);
  });

  test('identityRefs ServiceAccount "*" is an exact identity nobody has', () => {
    expect(findings(mkMeshTls('ns', 'm', { identityRefs: [{ kind: 'ServiceAccount', name: '*' }] }))).toEqual([
      [
        'semantic/meshtls-identity-ref',
        'spec.identityRefs[0].name',
        'ServiceAccount "*" becomes the exact identity "*.ns.serviceaccount.identity.linkerd.cluster.local", which no client has',
      ],
    ]);
  });

  test('a RequestMirror filter makes Linkerd ignore the inbound route', () => {
    const route = mkHttpRoute(
      'ns',
      'r',
      'srv',
      [{ filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'x', port: 80 } } }] }],
      'gateway.networking.k8s.io',
    );
    expect(findings(route)).toEqual([
      [
        'semantic/route-ignored',
        'spec.rules',
        "spec.rules[0] has a RequestMirror filter, which Linkerd's inbound policy does not support: Linkerd ignores the whole route on Server srv",
      ],
    ]);
  });

  test('a parentRef Server in another namespace makes Linkerd ignore the route', () => {
    const route = mkHttpRoute('ns', 'r', 'srv', [{}]);
    route.spec.parentRefs[0].namespace = 'other';
    expect(findings(route)).toEqual([
      [
        'semantic/route-ignored',
        'spec.parentRefs[0]',
        "parentRef Server srv with namespace other (Servers must be in the route's namespace ns): Linkerd ignores the whole route",
      ],
    ]);
  });

  test('a second HTTPLocalRateLimitPolicy on one Server is not accepted', () => {
    const limit = (name: string) => ({
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'HTTPLocalRateLimitPolicy',
      metadata: { namespace: 'ns', name },
      spec: { targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'srv' }, total: { requestsPerSecond: 1 } },
    });
    expect(findings(limit('b'), limit('a'))).toEqual([
      ['semantic/ratelimit-ignored', 'spec.targetRef', 'Server srv already has HTTPLocalRateLimitPolicy a'],
    ]);
  });

  test('a well-formed policy set has no findings', () => {
    expect(
      findings(
        mkHttpRoute('ns', 'r', 'srv', [{}]),
        mkMeshTls('ns', 'm', { identities: ['*'] }),
        mkAuthorizationPolicy('ns', 'p', targetRef.server('srv'), [authnRef.meshTls('m')]),
      ),
    ).toEqual([]);
  });
});

describe('proxy behaviours', () => {
  test('localhost is always authorized, even by a Server that admits no one', () => {
    const m = new LinkerdPolicyModel([pod, server]);
    expectDecision(m, { client: { ip: '127.0.0.1' }, destination: to, http: { method: 'GET', path: '/' } }, 'allow');
    expectDecision(m, { client: { ip: '10.0.0.9' }, destination: to, http: { method: 'GET', path: '/' } }, 'deny', 'unauthorized');
  });

  test('an opaque port is authorized per connection: no routes, no HTTP denials', () => {
    const opaque = mkPod('ns', 'db', {
      labels: { app: 'db' },
      annotations: { 'config.linkerd.io/opaque-ports': '5432', 'config.linkerd.io/default-inbound-policy': 'all-authenticated' },
    });
    const m = new LinkerdPolicyModel([opaque]);
    expectDecision(m, { client: { serviceAccount: 'ns/app' }, destination: { workload: 'ns/db', port: 5432 } }, 'allow');
    expectDecision(
      m,
      { client: { ip: '10.0.0.9' }, destination: { workload: 'ns/db', port: 5432 }, http: { method: 'GET', path: '/' } },
      'deny',
      'connection-refused',
    );
  });

  test('an unmeshed workload and a skipped port have no proxy in the way', () => {
    const unmeshed = { ...mkPod('ns', 'plain', {}), metadata: { namespace: 'ns', name: 'plain', annotations: {} } };
    const skipped = mkPod('ns', 'skip', { labels: { app: 'app' }, annotations: { 'config.linkerd.io/skip-inbound-ports': '8080' } });
    const m = new LinkerdPolicyModel([unmeshed, skipped, server]);
    expect(
      expectDecision(m, { client: { ip: '10.0.0.9' }, destination: { workload: 'ns/plain', port: 80 }, http: { method: 'GET', path: '/' } }, 'allow')
        .reasons[1],
    ).toContain('is not meshed');
    expect(
      expectDecision(m, { client: { ip: '10.0.0.9' }, destination: { workload: 'ns/skip', port: 8080 }, http: { method: 'GET', path: '/' } }, 'allow')
        .reasons[1],
    ).toContain('skip-inbound-ports');
  });

  test("a Rollout with a workloadRef uses its Deployment's pod template", () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { namespace: 'ns', name: 'base' },
      spec: { replicas: 0, template: { metadata: pod.metadata, spec: pod.spec } },
    };
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { namespace: 'ns', name: 'app' },
      spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'base' } },
    };
    const m = new LinkerdPolicyModel([deployment, rollout, server]);
    expect(
      m.evaluate({ client: { ip: '10.0.0.9' }, destination: { workload: 'Rollout/ns/app', port: 'http' }, http: { method: 'GET', path: '/' } })
        .server,
    ).toEqual({ group: 'policy.linkerd.io', kind: 'Server', namespace: 'ns', name: 'srv' });
  });

  test('a workloadRef names the last object of that kind, namespace and name, as a Map of all of them would', () => {
    const base = (app: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'ns', name: 'base' },
      spec: { replicas: 0, template: { metadata: { labels: { app } }, spec: { containers: [] } } } });
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { namespace: 'ns', name: 'r' },
      spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'base' } } };
    const labelsOfRollout = (manifests: Json[]) => policyWorkloads(manifests).find((w) => w.kind === 'Rollout')?.labels;
    expect(labelsOfRollout([base('first'), rollout, base('last')])).toEqual({ app: 'last' });
    expect(labelsOfRollout([rollout])).toBeUndefined();
  });

  test('only objects whose kind is that string are read as that kind', () => {
    const listKind = { ...mkServer('ns', 'as-list', 'http', { app: 'app' }, 'HTTP/1'), kind: ['Server'] };
    // Read as a Server, "as-list" would select the pod port before "srv" (the first by name wins).
    const m = new LinkerdPolicyModel([pod, listKind, server]);
    expect(m.index.findings.map((f) => f.object.name)).not.toContain('as-list');
    expect(m.evaluate({ client: { ip: '10.0.0.9' }, destination: to, http: { method: 'GET', path: '/' } }).server)
      .toEqual({ group: 'policy.linkerd.io', kind: 'Server', namespace: 'ns', name: 'srv' });
    const asServer = new LinkerdPolicyModel([pod, { ...listKind, kind: 'Server' }, server]);
    expect(asServer.evaluate({ client: { ip: '10.0.0.9' }, destination: to, http: { method: 'GET', path: '/' } }).server)
      .toEqual({ group: 'policy.linkerd.io', kind: 'Server', namespace: 'ns', name: 'as-list' });
  });

  test('a probe on "/" beats the default route by its method match; other methods on "/" take the default policy', () => {
    const probed = mkPod('ns', 'p', {
      annotations: { 'config.linkerd.io/default-inbound-policy': 'deny' },
      containers: [{ name: 'c', readinessProbe: { httpGet: { path: '/', port: 8080 } }, livenessProbe: { httpGet: { path: '/live', port: 8080 } } }],
    });
    const m = new LinkerdPolicyModel([probed]);
    expectDecision(
      m,
      { client: { ip: '172.18.0.2' }, destination: { workload: 'ns/p', port: 8080 }, http: { method: 'GET', path: '/live' } },
      'allow',
    );
    expect(
      expectDecision(m, { client: { ip: '172.18.0.2' }, destination: { workload: 'ns/p', port: 8080 }, http: { method: 'GET', path: '/' } }, 'allow')
        .route,
    ).toEqual({ kind: 'default', name: 'probe' });
    expectDecision(
      m,
      { client: { ip: '172.18.0.2' }, destination: { workload: 'ns/p', port: 8080 }, http: { method: 'POST', path: '/' } },
      'deny',
      'unauthorized',
    );
  });

  test('an explicit policy is reported before audit: audit only when nothing else admits the client', () => {
    const m = new LinkerdPolicyModel([
      pod,
      mkServer('ns', 'srv', 'http', { app: 'app' }, 'HTTP/1', { accessPolicy: 'audit' }),
      mkMeshTls('ns', 'm', { identities: ['*'] }),
      mkAuthorizationPolicy('ns', 'p', targetRef.server('srv'), [authnRef.meshTls('m')]),
    ]);
    expectDecision(m, { client: { serviceAccount: 'ns/web' }, destination: to, http: { method: 'GET', path: '/' } }, 'allow');
    expectDecision(m, { client: { ip: '10.0.0.9' }, destination: to, http: { method: 'GET', path: '/' } }, 'audit');
  });
});

describe('accessMatrix: the rows a review report shows and an access diff compares', () => {
  test('route grants, Server grants and audit, in a stable order', () => {
    const objects = [
      pod,
      mkServer('ns', 'srv', 'http', { app: 'app' }, 'HTTP/1', { accessPolicy: 'audit' }),
      mkHttpRoute('ns', 'read', 'srv', [{ matches: [{ method: 'GET', path: { type: 'PathPrefix', value: '/books' } }] }]),
      mkMeshTls('ns', 'm', { identities: ['web.ns.serviceaccount.identity.linkerd.cluster.local'] }),
      mkAuthorizationPolicy('ns', 'read-web', targetRef.httpRoute('read'), [authnRef.meshTls('m')]),
    ];
    const rows = accessMatrix(new LinkerdPolicyModel(objects)).map((e) => [
      e.server.name,
      e.route && 'namespace' in e.route.ref ? `${e.route.ref.name}: ${e.route.matches.join(', ')}` : '(all routes)',
      `${e.authorization.kind} ${e.authorization.name}`,
      e.clients.map(describeClientClass).join(', '),
      e.audit,
      e.workloads.join(', '),
    ]);
    expect(rows).toEqual([
      [
        'srv',
        'read: GET PathPrefix /books',
        'AuthorizationPolicy read-web',
        'web.ns.serviceaccount.identity.linkerd.cluster.local',
        true,
        'Pod ns/app',
      ],
      ['srv', '(all routes)', 'default audit', 'anyone', true, 'Pod ns/app'],
    ]);
  });
});

describe('gRPC: GRPCRoutes on a gRPC Server, per-method policy', () => {
  const grpcPod = mkPod('ns', 'payments', {
    labels: { app: 'payments' },
    containers: [{ name: 'c', ports: [{ name: 'grpc', containerPort: 9090 }] }],
  });
  const objects = [
    grpcPod,
    mkServer('ns', 'payments', 'grpc', { app: 'payments' }, 'gRPC'),
    mkGrpcRoute('ns', 'charge', 'payments', [{ matches: [{ method: { service: 'payments.v1.Payments', method: 'Charge' } }] }]),
    mkGrpcRoute('ns', 'any-payments', 'payments', [{ matches: [{ method: { service: 'payments.v1.Payments' } }] }]),
    mkAuthorizationPolicy('ns', 'charge-checkout', { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: 'charge' }, [
      authnRef.serviceAccount('checkout'),
    ]),
  ];
  const m = new LinkerdPolicyModel(objects);
  const call = (from: string, method: string) => ({
    client: { serviceAccount: from },
    destination: { workload: 'ns/payments', port: 'grpc' },
    grpc: { service: 'payments.v1.Payments', method },
  });

  test('the policy on the Charge route admits checkout to Charge only', () => {
    expect(expectDecision(m, call('ns/checkout', 'Charge'), 'allow').route).toEqual({
      group: 'gateway.networking.k8s.io',
      kind: 'GRPCRoute',
      namespace: 'ns',
      name: 'charge',
    });
    expectDecision(m, call('ns/web', 'Charge'), 'deny', 'unauthorized');
    // The service-wide route matches Refund (its service name is the longest match), and nothing authorizes it.
    expect(expectDecision(m, call('ns/checkout', 'Refund'), 'deny', 'unauthorized').route?.name).toBe('any-payments');
  });

  test('a plain HTTP request to a gRPC Server matches no gRPC route', () => {
    expectDecision(
      m,
      { client: { serviceAccount: 'ns/checkout' }, destination: { workload: 'ns/payments', port: 9090 }, http: { method: 'GET', path: '/healthz' } },
      'deny',
      'route-not-found',
    );
  });
});
