/**
 * Scenarios of Linkerd's end-to-end policy tests (linkerd/linkerd2 edge-26.8.3, policy-test/tests/*.rs), each an
 * upstream test function: the objects it creates and the outcome of each curl it runs (exit code 0 or HTTP 2xx:
 * allow; a failed connection, 403 or 404: deny), as the test asserts them.
 */
import { LinkerdPolicyModel } from '../../../lib/policy';
import {
  authnRef,
  curl,
  expectDecision,
  Json,
  mkAuthorizationPolicy,
  mkHttpRoute,
  mkMeshTls,
  mkNetworkAuthentication,
  mkServerAuthorization,
  targetRef,
  web,
} from './builders';

const ns = 'test-ns';
const toWeb = { workload: `${ns}/web`, port: 8080 };
const get = (path = '/') => ({ method: 'GET', path });
const namespace = (annotations: Record<string, string> = {}): Json => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, annotations } });
/** e2e_authorization_policy.rs `all_authenticated`, `ns_authenticated`, `allow_ips`. */
const allAuthenticated = mkMeshTls(ns, 'all-authenticated', { identities: ['*'] });
const nsAuthenticated = mkMeshTls(ns, 'all-authenticated', { identityRefs: [{ kind: 'Namespace', name: ns }] });
const allowIps = (...ips: string[]) =>
  mkNetworkAuthentication(
    ns,
    'allow-pod',
    ips.map((cidr) => ({ cidr })),
  );
const model = (...objects: Json[]) => new LinkerdPolicyModel([namespace(), web.pod(ns), ...objects]);
const BLESSED = '10.42.0.30';
const CURSED = '10.42.0.31';

describe('policy-test/tests/e2e_authorization_policy.rs', () => {
  test('meshtls: a policy requiring MeshTLSAuthentication "*" admits injected curl, not uninjected', () => {
    const m = model(
      web.server(ns),
      allAuthenticated,
      mkAuthorizationPolicy(ns, 'web', targetRef.server('web'), [authnRef.meshTls('all-authenticated')]),
    );
    expectDecision(m, { client: curl.injected(ns), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected(), destination: toWeb, http: get() }, 'deny', 'unauthorized');
  });

  test('targets_route: route policy admits /, unmatched path is 404, route without policy is 403', () => {
    const objects = [
      web.server(ns),
      allAuthenticated,
      mkHttpRoute(ns, 'root', 'web', [{ matches: [{ path: { type: 'Exact', value: '/' } }] }]),
      mkHttpRoute(ns, 'roux', 'web', [{ matches: [{ path: { type: 'Exact', value: '/roux' } }] }]),
      mkAuthorizationPolicy(ns, 'root-authz', targetRef.httpRoute('root'), [authnRef.meshTls('all-authenticated')]),
    ];
    const m = model(...objects);
    expectDecision(m, { client: curl.injected(ns), destination: toWeb, http: get('/') }, 'allow');
    expectDecision(m, { client: curl.injected(ns), destination: toWeb, http: get('/noroute') }, 'deny', 'route-not-found');
    expectDecision(m, { client: curl.uninjected(), destination: toWeb, http: get('/') }, 'deny', 'unauthorized');
    expectDecision(m, { client: curl.injected(ns), destination: toWeb, http: get('/roux') }, 'deny', 'unauthorized');
  });

  test('targets_route: a Server-wide policy then admits the route that has none', () => {
    const m = model(
      web.server(ns),
      allAuthenticated,
      mkHttpRoute(ns, 'root', 'web', [{ matches: [{ path: { type: 'Exact', value: '/' } }] }]),
      mkHttpRoute(ns, 'roux', 'web', [{ matches: [{ path: { type: 'Exact', value: '/roux' } }] }]),
      mkAuthorizationPolicy(ns, 'root-authz', targetRef.httpRoute('root'), [authnRef.meshTls('all-authenticated')]),
      mkAuthorizationPolicy(ns, 'server-authz', targetRef.server('web'), [authnRef.meshTls('all-authenticated')]),
    );
    const verdict = expectDecision(m, { client: curl.injected(ns), destination: toWeb, http: get('/roux') }, 'allow');
    expect(verdict.authorization).toEqual({ kind: 'AuthorizationPolicy', name: 'server-authz' });
  });

  test('targets_namespace: a policy on the namespace covers its Servers', () => {
    const m = model(
      web.server(ns),
      allAuthenticated,
      mkAuthorizationPolicy(ns, 'web', targetRef.namespace(ns), [authnRef.meshTls('all-authenticated')]),
    );
    expectDecision(m, { client: curl.injected(ns), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected(), destination: toWeb, http: get() }, 'deny');
  });

  test("meshtls_namespace: identityRefs kind Namespace admits the namespace's ServiceAccounts", () => {
    const m = model(
      web.server(ns),
      nsAuthenticated,
      mkAuthorizationPolicy(ns, 'web', targetRef.server('web'), [authnRef.meshTls('all-authenticated')]),
    );
    expectDecision(m, { client: curl.injected(ns), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected(), destination: toWeb, http: get() }, 'deny');
    // Not in the upstream test, but what its identity suffix means: another namespace's account is not admitted.
    expectDecision(m, { client: { serviceAccount: 'other/default' }, destination: toWeb, http: get() }, 'deny');
  });

  test("network: a NetworkAuthentication of the blessed pod's address admits it and nobody else", () => {
    const m = model(web.server(ns), allowIps(BLESSED), mkAuthorizationPolicy(ns, 'web', targetRef.server('web'), [authnRef.network('allow-pod')]));
    expectDecision(m, { client: curl.uninjected(BLESSED), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected(CURSED), destination: toWeb, http: get() }, 'deny');
  });

  test('both: network and mesh authentication in one policy require both', () => {
    const m = model(
      web.server(ns),
      allowIps(BLESSED, '10.42.0.32'),
      allAuthenticated,
      mkAuthorizationPolicy(ns, 'web', targetRef.server('web'), [authnRef.network('allow-pod'), authnRef.meshTls('all-authenticated')]),
    );
    expectDecision(m, { client: curl.injected(ns, BLESSED), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected('10.42.0.32'), destination: toWeb, http: get() }, 'deny');
    expectDecision(m, { client: curl.injected(ns, CURSED), destination: toWeb, http: get() }, 'deny');
    expectDecision(m, { client: curl.uninjected(CURSED), destination: toWeb, http: get() }, 'deny');
  });

  test('either: two policies on one Server admit a client satisfying either', () => {
    const m = model(
      web.server(ns),
      allowIps(BLESSED),
      allAuthenticated,
      mkAuthorizationPolicy(ns, 'web-from-ip', targetRef.server('web'), [authnRef.network('allow-pod')]),
      mkAuthorizationPolicy(ns, 'web-from-id', targetRef.server('web'), [authnRef.meshTls('all-authenticated')]),
    );
    expectDecision(m, { client: curl.injected(ns, '10.42.0.33'), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected(BLESSED), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.injected(ns, CURSED), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected(CURSED), destination: toWeb, http: get() }, 'deny');
  });

  test('empty_authentications: a policy requiring nothing admits everyone', () => {
    const m = model(web.server(ns), mkAuthorizationPolicy(ns, 'web', targetRef.server('web'), []));
    expectDecision(m, { client: curl.injected(ns), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected(), destination: toWeb, http: get() }, 'allow');
    expect(m.index.findings.map((f) => f.rule)).toEqual(['semantic/authorization-allows-everyone']);
  });
});

describe('policy-test/tests/e2e_audit.rs', () => {
  test('server_audit: a Server without policies denies everyone; accessPolicy audit lets everyone through, audited', () => {
    const denying = model(web.server(ns));
    expectDecision(denying, { client: curl.injected(ns), destination: toWeb, http: get() }, 'deny');
    expectDecision(denying, { client: curl.uninjected(), destination: toWeb, http: get() }, 'deny');
    const audited = model(web.server(ns, 'audit'));
    expectDecision(audited, { client: curl.injected(ns), destination: toWeb, http: get() }, 'audit');
    expectDecision(audited, { client: curl.uninjected(), destination: toWeb, http: get() }, 'audit');
  });

  test('ns_audit: the namespace default-inbound-policy reaches pods (cluster-authenticated, then audit)', () => {
    const annotated = (policy: string) => new LinkerdPolicyModel([namespace({ 'config.linkerd.io/default-inbound-policy': policy }), web.pod(ns)]);
    const clusterAuthenticated = annotated('cluster-authenticated');
    expectDecision(clusterAuthenticated, { client: curl.injected(ns), destination: toWeb, http: get() }, 'allow');
    expectDecision(clusterAuthenticated, { client: curl.uninjected(), destination: toWeb, http: get() }, 'deny');
    const audit = annotated('audit');
    expectDecision(audit, { client: curl.injected(ns), destination: toWeb, http: get() }, 'audit');
    expectDecision(audit, { client: curl.uninjected(), destination: toWeb, http: get() }, 'audit');
  });
});

describe('policy-test/tests/e2e_server_authorization.rs', () => {
  const serverRef = { name: 'web' };
  test('meshtls: a ServerAuthorization of identity "*" admits injected curl only', () => {
    const m = model(web.server(ns), mkServerAuthorization(ns, 'web', serverRef, { meshTLS: { identities: ['*'] } }));
    expectDecision(m, { client: curl.injected(ns), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected(), destination: toWeb, http: get() }, 'deny');
  });

  test('network: an unauthenticated ServerAuthorization of the blessed address admits it only', () => {
    const m = model(web.server(ns), mkServerAuthorization(ns, 'web', serverRef, { unauthenticated: true, networks: [{ cidr: `${BLESSED}/32` }] }));
    expectDecision(m, { client: curl.uninjected(BLESSED), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected(CURSED), destination: toWeb, http: get() }, 'deny');
  });

  test('both: mesh identity from the blessed addresses', () => {
    const m = model(
      web.server(ns),
      mkServerAuthorization(ns, 'web', serverRef, {
        meshTLS: { identities: ['*'] },
        networks: [{ cidr: `${BLESSED}/32` }, { cidr: '10.42.0.32/32' }],
      }),
    );
    expectDecision(m, { client: curl.injected(ns, BLESSED), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected('10.42.0.32'), destination: toWeb, http: get() }, 'deny');
    expectDecision(m, { client: curl.injected(ns, CURSED), destination: toWeb, http: get() }, 'deny');
    expectDecision(m, { client: curl.uninjected(CURSED), destination: toWeb, http: get() }, 'deny');
  });

  test('either: one ServerAuthorization per kind of client', () => {
    const m = model(
      web.server(ns),
      mkServerAuthorization(ns, 'web-from-ip', serverRef, {
        unauthenticated: true,
        networks: [{ cidr: '10.42.0.33/32' }, { cidr: `${BLESSED}/32` }],
      }),
      mkServerAuthorization(ns, 'web-from-id', serverRef, { meshTLS: { identities: ['*'] } }),
    );
    expectDecision(m, { client: curl.injected(ns, '10.42.0.33'), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected(BLESSED), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.injected(ns, CURSED), destination: toWeb, http: get() }, 'allow');
    expectDecision(m, { client: curl.uninjected(CURSED), destination: toWeb, http: get() }, 'deny');
  });
});

describe('policy-test/tests/inbound_api.rs', () => {
  test('server_with_audit_policy: the only authorization of an audit Server is default "audit", unauthenticated', () => {
    const m = model(web.server(ns, 'audit'));
    const server = m.index.inboundServer(m.workload(`${ns}/web`), 8080);
    expect(server.authorizations.map((a) => [a.source, a.authentication])).toEqual([
      [{ kind: 'default', name: 'audit' }, { kind: 'unauthenticated' }],
    ]);
  });

  test('default_http_routes: a pod without Server gets the default policy and the default route', () => {
    const m = model();
    const server = m.index.inboundServer(m.workload(`${ns}/web`), 8080);
    expect(server.server).toEqual({ kind: 'default', policy: 'all-unauthenticated' });
    expect(server.protocol).toBe('Detect');
    expect(server.httpRoutes.map((r) => r.ref)).toEqual([{ kind: 'default', name: 'default' }]);
  });
});
