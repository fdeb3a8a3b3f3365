/**
 * Misconfigurations Linkerd accepts but does not do what they say, each built from a real chart (booksapp, through
 * its constructs and their escape hatches): synthesis fails with the construct path, what Linkerd would do and what
 * to write instead.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { BooksappChart } from '../../charts/booksapp';
import {
  HttpLocalRateLimitPolicy, HttpRouteApi, MeshedDeployment, PathMatch, ProxyProtocol, Server, ServerPort,
} from '../../lib/mesh';
import { synthesize } from '../../lib/output';

/** The synthesis error of booksapp after `change`, or '' when it synthesizes. */
function synthesisError(change: (chart: BooksappChart) => void): string {
  try {
    synthesize((app) => change(new BooksappChart(app, 'booksapp')));
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

function apiObject(scope: Construct, kind: string, name: string): ApiObject {
  const found = scope.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === kind && c.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

const authorsServer = (chart: BooksappChart) => chart.node.findChild('authors-server') as Server;

test('booksapp itself has none of these problems', () => {
  expect(synthesisError(() => undefined)).toBe('');
});

test('HTTPRoutes on a gRPC Server: ignored, with their policies', () => {
  const message = synthesisError((chart) =>
    apiObject(chart, 'Server', 'authors-server').addJsonPatch(JsonPatch.replace('/spec/proxyProtocol', 'gRPC')),
  );
  for (const [route, path] of [
    ['authors-get-route', 'authors-server/authors-get-route'],
    ['authors-modify-route', 'authors-server/authors-modify-route'],
    ['authors-probe-route', 'authors-server/ProbeAuthorization/Route'],
  ]) {
    expect(message).toContain(
      `booksapp booksapp/${path}/Resource policy.linkerd.io/HTTPRoute booksapp/${route} spec.parentRefs: [semantic/route-ignored] ` +
        'Server authors-server has proxyProtocol gRPC, for which Linkerd serves only GRPCRoutes: this HTTPRoute and the policies targeting ' +
        'it are ignored, ' +
        "and every call is authorized by the Server's policies alone; allowed: a GRPCRoute (gateway.networking.k8s.io/v1) with parentRef " +
        'Server authors-server, ' +
        'or proxyProtocol HTTP/2 for HTTP routes',
    );
  }
});

test("a GRPCRoute on an HTTP/1 Server: ignored, and it makes the Server's HTTPRoutes Conflicted", () => {
  const message = synthesisError(
    (chart) =>
      new ApiObject(chart, 'authors-grpc', {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'GRPCRoute',
        metadata: { name: 'authors-grpc' },
        spec: {
          parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'authors-server' }],
          rules: [{ matches: [{ method: { service: 'authors.v1.Authors' } }] }],
        },
      }),
  );
  expect(message).toContain(
    'booksapp/authors-grpc gateway.networking.k8s.io/GRPCRoute booksapp/authors-grpc spec.parentRefs: [semantic/route-ignored] ' +
      'Server authors-server has proxyProtocol HTTP/1, for which Linkerd serves only HTTP routes: this GRPCRoute and the policies targeting ' +
      'it are ignored ' +
      "(and it makes the Server's HTTPRoutes Conflicted); allowed: proxyProtocol gRPC on the Server",
  );
  expect(message).toContain(
    'booksapp/authors-server/authors-get-route/Resource policy.linkerd.io/HTTPRoute booksapp/authors-get-route ' +
      'spec.parentRefs: [semantic/route-ignored] ' +
      "Server authors-server also has a GRPCRoute, so Linkerd's status controller marks this HTTPRoute Conflicted (GEP-1426) and ignores it",
  );
});

test('a rate limit on a Server Linkerd does not rate-limit: the construct refuses gRPC, the validator catches the rest', () => {
  expect(
    synthesisError(
      (chart) =>
        new HttpLocalRateLimitPolicy(chart, 'limit', {
          server: new Server(chart, 'grpc-server', {
            metadata: { name: 'grpc-server' },
            workload: chart.node.findChild('authors') as MeshedDeployment,
            port: ServerPort.named('service'),
            proxyProtocol: ProxyProtocol.GRPC,
          }),
          totalRequestsPerSecond: 100,
        }),
    ),
  ).toMatch(/\[booksapp\/limit\] server proxyProtocol "gRPC" is invalid; allowed: a protocol Linkerd rate-limits \(unknown, HTTP\/1, HTTP\/2\)/);
  const message = synthesisError((chart) => {
    new HttpLocalRateLimitPolicy(chart, 'authors-limit', { metadata: { name: 'authors-limit' }, server: authorsServer(chart),
      totalRequestsPerSecond: 100 });
    apiObject(chart, 'Server', 'authors-server').addJsonPatch(JsonPatch.replace('/spec/proxyProtocol', 'opaque'));
  });
  expect(message).toContain(
    'booksapp/authors-limit/Resource policy.linkerd.io/HTTPLocalRateLimitPolicy booksapp/authors-limit spec.targetRef: ' +
    '[semantic/ratelimit-ignored] ' +
      'Server authors-server has proxyProtocol opaque, for which Linkerd applies no HTTP local rate limit: nothing is limited; ' +
      'allowed: a Server with proxyProtocol unknown, HTTP/1 or HTTP/2',
  );
});

test('an identity naming a ServiceAccount the namespace does not have (a typo) never matches', () => {
  const message = synthesisError((chart) =>
    apiObject(chart, 'MeshTLSAuthentication', 'authors-modify-authn').addJsonPatch(
      JsonPatch.replace('/spec/identities/0', 'webap.booksapp.serviceaccount.identity.linkerd.cluster.local'),
    ),
  );
  expect(message).toContain(
    'booksapp/authors-server/authors-modify-route/Grant-authors-modify-authn/Resource ' +
      'policy.linkerd.io/MeshTLSAuthentication booksapp/authors-modify-authn ' +
      'spec.identities[0]: [semantic/meshtls-unknown-identity] identity "webap.booksapp.serviceaccount.identity.linkerd.cluster.local" ' +
      'names ServiceAccount ' +
      'booksapp/webap, which namespace booksapp of this target does not have, so no client can present it and the authorization never matches; ' +
      'allowed: the identity of a ServiceAccount of the target (authors, books, traffic, webapp), or declare "booksapp/webap" in ' +
      'externalServiceAccounts',
  );
});

test("a malformed identity (trailing dot) is refused by Linkerd's admission webhook", () => {
  const message = synthesisError((chart) =>
    apiObject(chart, 'MeshTLSAuthentication', 'authors-modify-authn').addJsonPatch(
      JsonPatch.replace('/spec/identities/0', 'webapp.booksapp.serviceaccount.identity.linkerd.cluster.local.'),
    ),
  );
  expect(message).toContain(
    'policy.linkerd.io/MeshTLSAuthentication booksapp/authors-modify-authn spec.identities[0]: [semantic/meshtls-identity] ' +
      '"webapp.booksapp.serviceaccount.identity.linkerd.cluster.local." is not a Linkerd identity; allowed:',
  );
});

test('a policy with no required authentications admits everyone: an error naming the explicit ways', () => {
  const message = synthesisError((chart) =>
    apiObject(chart, 'AuthorizationPolicy', 'authors-modify-policy').addJsonPatch(JsonPatch.replace('/spec/requiredAuthenticationRefs', [])),
  );
  expect(message).toContain(
    'booksapp/authors-server/authors-modify-route/Grant-authors-modify-policy/Resource ' +
      'policy.linkerd.io/AuthorizationPolicy booksapp/authors-modify-policy ' +
      'spec.requiredAuthenticationRefs: [semantic/authorization-allows-everyone] requiredAuthenticationRefs is empty, so Linkerd authorizes ' +
      'every client, ' +
      'unauthenticated ones from any network included; allowed: at least one MeshTLSAuthentication, NetworkAuthentication or ServiceAccount ' +
      '(to admit everyone on purpose, require a NetworkAuthentication of 0.0.0.0/0 and ::/0, as grantPublicAccess() of lib/mesh renders it, ' +
      "or set the Server's accessPolicy: all-unauthenticated)",
  );
});

test('a glob in a PathPrefix is matched literally', () => {
  const message = synthesisError(
    (chart) =>
      authorsServer(chart).addHttpRoute('authors-glob', {
        metadata: { name: 'authors-glob' },
        rules: [{ matches: [{ path: PathMatch.prefix('/authors/*') }] }],
      }),
  );
  expect(message).toContain(
    'booksapp/authors-server/authors-glob/Resource gateway.networking.k8s.io/HTTPRoute booksapp/authors-glob spec.rules[0].matches[0].path.value: ' +
      '[semantic/route-path-glob] PathPrefix "/authors/*" contains a glob character, which Linkerd matches literally (a request path must contain ' +
      '"/authors/*" itself); allowed: a literal path (PathPrefix "/authors" for everything below it) or type RegularExpression',
  );
});

test('a Gateway API parentRef without group defaults to gateway.networking.k8s.io and misses the Server', () => {
  const message = synthesisError((chart) => {
    const route = authorsServer(chart).addHttpRoute('authors-gateway', {
      metadata: { name: 'authors-gateway' },
      api: HttpRouteApi.GATEWAY_V1,
      rules: [{}],
    });
    apiObject(route, 'HTTPRoute', 'authors-gateway').addJsonPatch(JsonPatch.remove('/spec/parentRefs/0/group'));
  });
  expect(message).toContain(
    'booksapp/authors-server/authors-gateway/Resource gateway.networking.k8s.io/HTTPRoute booksapp/authors-gateway spec.parentRefs[0]: ' +
      '[semantic/route-parent-defaults] parentRef {"kind":"Server","name":"authors-server"} means gateway.networking.k8s.io/Server ' +
      'authors-server once the ' +
      "CRD's defaults (group gateway.networking.k8s.io, kind Gateway) apply, so the route does not attach to Server authors-server; " +
      'allowed: group: policy.linkerd.io and kind: Server, both written out',
  );
});

test('a parentRef with a port makes Linkerd ignore the whole route', () => {
  const message = synthesisError((chart) =>
    apiObject(chart, 'HTTPRoute', 'authors-get-route').addJsonPatch(JsonPatch.add('/spec/parentRefs/0/port', 7001)),
  );
  expect(message).toContain(
    'policy.linkerd.io/HTTPRoute booksapp/authors-get-route spec.parentRefs[0]: [semantic/route-ignored] parentRef Server ' +
      'authors-server with port 7001: Linkerd ignores the whole route; allowed: a Server parentRef with name only',
  );
});

test("reference checks apply the CRD defaults: Linkerd's HTTPRoute parentRef without group is a Server reference", () => {
  const message = synthesisError((chart) =>
    apiObject(chart, 'HTTPRoute', 'authors-get-route').addJsonPatch(
      JsonPatch.remove('/spec/parentRefs/0/group'),
      JsonPatch.replace('/spec/parentRefs/0/name', 'authors-srv'),
    ),
  );
  expect(message).toContain(
    'policy.linkerd.io/HTTPRoute booksapp/authors-get-route spec.parentRefs[0]: [ref/httproute-parent] parent Server "booksapp/authors-srv" ' +
      'is not in this target; allowed: authors-server',
  );
});
