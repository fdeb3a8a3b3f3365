import { Chart } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import {
  GrpcMethodMatch, HttpLocalRateLimitPolicy, MeshIdentity, MeshTlsAuthentication, PathMatch, ProxyProtocol, Server, ServerPort,
} from '../../lib/mesh';
import { find, fixture, manifestsOf } from '../support/mesh-fixture';

const identity = (account: string, namespace: string, trustDomain = 'cluster.local') =>
  `${account}.${namespace}.serviceaccount.identity.linkerd.${trustDomain}`;

test('identities people ask for: a namespace, any meshed client, another namespace\'s ServiceAccount by name', () => {
  const f = fixture();
  const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
  const imported = ServiceAccount.fromServiceAccountName(f.chart, 'reporting', 'reporter', { namespaceName: 'reporting' });
  server.grantIdentityAccess([
    MeshIdentity.anyInNamespace('storefront'),
    MeshIdentity.serviceAccountIn('billing', 'payments'),
    MeshIdentity.serviceAccount(imported),
    MeshIdentity.serviceAccount(f.frontend),
  ], { trustDomain: 'prod.example', policyName: 'api-partners-authz', authenticationName: 'api-partners-authn' });
  new MeshTlsAuthentication(f.chart, 'meshed', { metadata: { name: 'any-meshed' }, identities: [MeshIdentity.anyMeshed()] });
  const manifests = manifestsOf(f.chart);
  expect(find(manifests, 'MeshTLSAuthentication', 'api-partners-authn').spec).toEqual({ identities: [
    '*.storefront.serviceaccount.identity.linkerd.prod.example',
    identity('billing', 'payments', 'prod.example'),
    identity('reporter', 'reporting', 'prod.example'),
    identity('frontend', 'shop', 'prod.example'),
  ] });
  expect(find(manifests, 'AuthorizationPolicy', 'api-partners-authz').spec.requiredAuthenticationRefs)
    .toEqual([{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'api-partners-authn' }]);
  expect(find(manifests, 'MeshTLSAuthentication', 'any-meshed').spec).toEqual({ identities: ['*'] });
});

test('grants on a GrpcRoute name their objects after the identities', () => {
  const f = fixture();
  const server = new Server(f.chart, 'server', { metadata: { name: 'api-grpc' }, workload: f.deployment, port: ServerPort.named('admin'),
    proxyProtocol: ProxyProtocol.GRPC });
  const route = server.addGrpcRoute('route', {
    metadata: { name: 'admin-calls' }, rules: [{ matches: [{ method: GrpcMethodMatch.service('shop.v1.Admin') }] }],
  });
  const namespaceGrant = route.grantIdentityAccess([MeshIdentity.anyInNamespace('ops')]);
  const accountGrant = route.grantIdentityAccess([MeshIdentity.serviceAccountIn('auditor', 'compliance')]);
  expect([namespaceGrant.policy.name, accountGrant.policy.name]).toEqual(['admin-calls-any-in-ops-authz', 'admin-calls-auditor.compliance-authz']);
  const manifests = manifestsOf(f.chart);
  expect(find(manifests, 'MeshTLSAuthentication', 'admin-calls-auditor.compliance-authn').spec.identities).toEqual([identity('auditor',
    'compliance')]);
});

const cases: Array<[string, (f: ReturnType<typeof fixture>) => unknown, RegExp]> = [
  ['an imported ServiceAccount without a namespace (cdk8s-plus would say "default")', (f) => new MeshTlsAuthentication(f.chart, 'authn', {
    serviceAccounts: [ServiceAccount.fromServiceAccountName(f.chart, 'imported', 'reporter')],
  }), /^\[shop\/authn\] namespace of imported ServiceAccount reporter "default" is invalid; allowed: an import that names its namespace: ServiceAccount\.fromServiceAccountName\(scope, id, name, \{ namespaceName \}\) \(without it cdk8s-plus assumes "default"\), MeshIdentity\.serviceAccountIn\(name, namespace\), or the ServiceAccount construct itself$/],
  ['the same import in a grant', (f) => new Server(f.chart, 'server', { workload: f.deployment, port: ServerPort.named('http') })
    .grantAccess([ServiceAccount.fromServiceAccountName(f.chart, 'imported', 'reporter')]),
  /namespace of imported ServiceAccount reporter "default" is invalid/],
  ['the same import as a rate-limit override client', (f) => new HttpLocalRateLimitPolicy(f.chart, 'limit', {
    server: new Server(f.chart, 'server', { workload: f.deployment, port: ServerPort.named('http') }),
    totalRequestsPerSecond: 100,
    overrides: [{ requestsPerSecond: 10, clients: [ServiceAccount.fromServiceAccountName(f.chart, 'imported', 'reporter')] }],
  }), /^\[shop\/limit\] namespace of imported ServiceAccount reporter "default" is invalid/],
  ['a namespace that is not a DNS label', (f) => new MeshTlsAuthentication(f.chart, 'authn', { identities: [MeshIdentity.anyInNamespace('Ops')] }),
    /^\[shop\/authn\] identity namespace "Ops" is invalid; allowed: a DNS-1123 label/],
  ['an account name that is not a DNS subdomain', (f) => new MeshTlsAuthentication(f.chart, 'authn',
    { identities: [MeshIdentity.serviceAccountIn('Auditor', 'ops')] }),
    /^\[shop\/authn\] identity ServiceAccount name "Auditor" is invalid; allowed: a DNS-1123 subdomain/],
];

test.each(cases)('%s is refused', (_name, build, expected) => {
  expect(() => build(fixture())).toThrow(expected);
});

test('an import without a namespace is accepted where it means the construct\'s own namespace, default', () => {
  const f = fixture();
  const chart = new Chart(f.app, 'in-default', { namespace: 'default' });
  const authn = new MeshTlsAuthentication(chart, 'authn', { serviceAccounts: [ServiceAccount.fromServiceAccountName(chart, 'imported',
    'reporter')] });
  expect(authn.identities).toEqual([identity('reporter', 'default')]);
});

test('grants name their objects and construct ids after the grantees: a second unnamed grant gets its own pair', () => {
  const f = fixture();
  const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
  const frontend = server.grantAccess([f.frontend]);
  const ops = server.grantIdentityAccess([MeshIdentity.anyInNamespace('ops')]);
  expect([frontend.policy.name, ops.policy.name]).toEqual(['api-frontend-authz', 'api-any-in-ops-authz']);
  expect([frontend.policy.node.path, ops.authentication.node.path]).toEqual(['shop/server/Grant-api-frontend-authz',
    'shop/server/Grant-api-any-in-ops-authn']);
  const manifests = manifestsOf(f.chart);
  expect(manifests.filter((m) => m.kind === 'AuthorizationPolicy').map((m) => m.metadata.name).sort()).toEqual(['api-any-in-ops-authz',
    'api-frontend-authz']);
  expect(find(manifests, 'MeshTLSAuthentication',
    'api-any-in-ops-authn').spec.identities).toEqual(['*.ops.serviceaccount.identity.linkerd.cluster.local']);
});

test('the same grant twice is one grant; another grant under names already used is refused with how to name it', () => {
  const f = fixture();
  const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
  const first = server.grantAccess([f.frontend]);
  expect(server.grantAccess([f.frontend])).toBe(first);
  const route = server.addHttpRoute('route', { metadata: { name: 'admin' }, rules: [{ matches: [{ path: PathMatch.prefix('/admin') }] }] });
  const named = route.grantAccess([f.admin], { policyName: 'admin-policy', authenticationName: 'admin-authn' });
  expect(route.grantAccess([f.admin], { policyName: 'admin-policy', authenticationName: 'admin-authn' })).toBe(named);
  expect(() => route.grantAccess([f.frontend], { policyName: 'admin-policy', authenticationName: 'admin-authn' })).toThrow(
    /^\[shop\/server\/route\] grant object name "admin-authn" is invalid; allowed: a name no other grant on this target uses: grant every client in one call, or give this grant its own policyName and authenticationName$/);
  expect(manifestsOf(f.chart).filter((m) => m.kind === 'AuthorizationPolicy').map((m) => m.metadata.name).sort())
    .toEqual(['admin-policy', 'api-frontend-authz', 'api-probe-policy']);
});
