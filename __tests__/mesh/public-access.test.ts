/**
 * `grantPublicAccess`: the explicit way to admit every client, rendered as Linkerd documents it (a NetworkAuthentication of
 * 0.0.0.0/0 and ::/0), checked with the evaluator, the validator and the review report; an empty list stays an error.
 */
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import {
  AuthorizationPolicy, GrpcMethodMatch, MeshedDeployment, PathMatch, ProxyProtocol, Server, ServerPort,
} from '../../lib/mesh';
import { synthesize } from '../../lib/output';
import { accessMatrix, describeClientClass, expectRequest, LinkerdPolicyModel } from '../../lib/policy';
import { formatProblem, validateTargets } from '../../lib/validation';
import { find, fixture, manifestsOf } from '../support/mesh-fixture';

const EVERYWHERE = [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }];
const OUTSIDER = '203.0.113.7';

test('Server.grantPublicAccess renders a NetworkAuthentication of every address and a policy requiring it', () => {
  const f = fixture();
  const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
  const grant = server.grantPublicAccess();
  // manifestsOf runs the validator: nothing to flag, semantic/authorization-allows-everyone included.
  const manifests = manifestsOf(f.chart);

  expect(find(manifests, 'NetworkAuthentication', 'api-public-authn').spec).toEqual({ networks: EVERYWHERE });
  expect(find(manifests, 'AuthorizationPolicy', 'api-public-authz').spec).toEqual({
    targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api' },
    requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'api-public-authn' }],
  });
  expect([grant.policy.name, grant.authentication.authenticationRef.name]).toEqual(['api-public-authz', 'api-public-authn']);
  expect([grant.policy.node.path, grant.authentication.node.path])
    .toEqual(['shop/server/Grant-api-public-authz', 'shop/server/Grant-api-public-authn']);

  expectRequest(manifests, { fromNetwork: OUTSIDER, to: 'shop/api:8080', http: 'POST /anything' }).toBeAllowed();
  expectRequest(manifests, { fromNetwork: 'fd00::7', to: 'shop/api:http', http: 'GET /' }).toBeAllowed();
  expectRequest(manifests, { from: 'shop/frontend', to: 'shop/api:8080', http: 'DELETE /orders/1' }).toBeAllowed();
  const { verdict } = expectRequest(manifests, { fromNetwork: OUTSIDER, to: 'shop/api:8080', http: 'GET /' });
  expect(verdict.reasons.join('\n')).toContain('api-public-authz');
});

test('without the grant the same deny Server refuses an unauthenticated client (the control case)', () => {
  const f = fixture();
  new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
  expectRequest(manifestsOf(f.chart), { fromNetwork: OUTSIDER, to: 'shop/api:8080', http: 'GET /' }).toBeDenied();
});

test('HttpRoute.grantPublicAccess admits everyone on that route only, beside other grants on the Server', () => {
  const f = fixture();
  const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
  const publicRoute = server.addHttpRoute('public', { metadata: { name: 'api-public' },
    rules: [{ matches: [{ path: PathMatch.prefix('/public') }] }] });
  const privateRoute = server.addHttpRoute('private', { metadata: { name: 'api-private' },
    rules: [{ matches: [{ path: PathMatch.prefix('/admin') }] }] });
  publicRoute.grantPublicAccess();
  privateRoute.grantAccess([f.admin]);
  const manifests = manifestsOf(f.chart);

  expect(find(manifests, 'AuthorizationPolicy', 'api-public-public-authz').spec.targetRef)
    .toEqual({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'api-public' });
  expect(find(manifests, 'NetworkAuthentication', 'api-public-public-authn').spec.networks).toEqual(EVERYWHERE);
  expectRequest(manifests, { fromNetwork: OUTSIDER, to: 'shop/api:8080', http: 'GET /public/logo.png' }).toBeAllowed();
  expectRequest(manifests, { fromNetwork: OUTSIDER, to: 'shop/api:8080', http: 'GET /admin/users' }).toBeDenied();
  expectRequest(manifests, { from: 'shop/admin', to: 'shop/api:8080', http: 'GET /admin/users' }).toBeAllowed();
});

test('GrpcRoute.grantPublicAccess names its pair after the route, like the route\'s other grants', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'pay', { namespace: 'pay' });
  const deployment = new MeshedDeployment(chart, 'payments', {
    metadata: { name: 'payments' }, podLabels: { app: 'payments' },
    serviceAccount: new ServiceAccount(chart, 'payments-sa', { metadata: { name: 'payments' } }),
    containers: [{ name: 'payments', image: 'example/payments:1.0.0', ports: [{ name: 'grpc', number: 9090 }], resources: {} }],
  });
  const server = new Server(chart, 'server', {
    metadata: { name: 'payments-grpc' }, workload: deployment, port: ServerPort.named('grpc'), proxyProtocol: ProxyProtocol.GRPC,
  });
  const route = server.addGrpcRoute('status', { metadata: { name: 'payments-status' },
    rules: [{ matches: [{ method: GrpcMethodMatch.exact('grpc.health.v1.Health', 'Check') }] }] });
  route.grantPublicAccess();
  const manifests = manifestsOf(chart);

  expect(find(manifests, 'AuthorizationPolicy', 'payments-status-public-authz').spec.targetRef)
    .toEqual({ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: 'payments-status' });
  expectRequest(manifests, { fromNetwork: OUTSIDER, to: 'pay/payments:9090', grpc: 'grpc.health.v1.Health/Check' }).toBeAllowed();
  expectRequest(manifests, { fromNetwork: OUTSIDER, to: 'pay/payments:9090', grpc: 'grpc.health.v1.Health/Watch' }).toBeDenied();
});

test('the review report and the access matrix show the public grant as "anyone"', () => {
  const { targets, files } = synthesize((app) => {
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const deployment = new MeshedDeployment(chart, 'api', {
      metadata: { name: 'api' }, podLabels: { app: 'api' },
      serviceAccount: new ServiceAccount(chart, 'api-sa', { metadata: { name: 'api' } }),
      containers: [{ name: 'api', image: 'example/api:1.0.0', ports: [{ name: 'http', number: 8080 }], resources: {} }],
    });
    new Server(chart, 'server', { metadata: { name: 'api' }, workload: deployment, port: ServerPort.named('http') }).grantPublicAccess();
  });
  const model = new LinkerdPolicyModel(targets[0].objects.map((o) => o.manifest as unknown as Record<string, unknown>));
  const entry = accessMatrix(model).find((e) => e.authorization.name === 'api-public-authz');
  expect(entry?.clients.map(describeClientClass)).toEqual(['anyone']);
  // The matrix is one table per Server: the row sits under the heading of shop/api.
  const lines = files.get('shop.md')!.split('\n');
  const at = lines.findIndex((line) => line.includes('`api-public-authz`'));
  expect(lines[at]).toMatch(/^\| \(all routes\) \| anyone \| no identity \| `api-public-authz` \| enforced \|$/);
  expect(lines.slice(0, at).reverse().find((line) => line.startsWith('### '))).toBe('### Server `shop/api`');
});

describe('an empty list of authentications stays an error, naming grantPublicAccess', () => {
  const grantHint = (what: string) =>
    `[shop/server] grant ${what} [] is invalid; allowed: one or more ${what} (to admit every client on purpose, call grantPublicAccess())`;
  test.each<[string, (f: ReturnType<typeof fixture>, server: Server) => unknown, string]>([
    ['AuthorizationPolicy without authentications',
      (f, server) => new AuthorizationPolicy(f.chart, 'policy', { target: server, requiredAuthentications: [] }),
      '[shop/policy] requiredAuthentications [] is invalid; allowed: at least one MeshTlsAuthentication or NetworkAuthentication '
      + '(an empty list would authorize everyone; to admit every client on purpose, call grantPublicAccess() on the Server or route)'],
    ['a grant to no ServiceAccounts', (_f, server) => server.grantAccess([]), grantHint('ServiceAccounts')],
    ['a grant to no identities', (_f, server) => server.grantIdentityAccess([]), grantHint('identities')],
    ['a grant to no networks', (_f, server) => server.grantNetworkAccess([]), grantHint('networks')],
  ])('%s', (_name, build, message) => {
    const f = fixture();
    const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
    expect(() => build(f, server)).toThrow(new Error(message));
  });

  test('a rendered policy patched to require nothing fails validation, pointing to the explicit option', () => {
    const f = fixture();
    const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
    const grant = server.grantPublicAccess();
    ApiObject.of(grant.policy.node.defaultChild!).addJsonPatch(JsonPatch.replace('/spec/requiredAuthenticationRefs', []));
    const problems = validateTargets([{ name: 'shop', subjects: Testing.synth(f.chart).map((manifest, i) => ({ manifest, source: `shop#${i}` })) }]);
    expect(problems.filter((p) => p.rule.startsWith('semantic/')).map(formatProblem)).toEqual([
      expect.stringContaining('AuthorizationPolicy shop/api-public-authz spec.requiredAuthenticationRefs: [semantic/authorization-allows-everyone] '),
    ]);
    expect(problems.find((p) => p.rule === 'semantic/authorization-allows-everyone')?.message)
      .toContain('require a NetworkAuthentication of 0.0.0.0/0 and ::/0, as grantPublicAccess() of lib/mesh renders it');
  });
});
