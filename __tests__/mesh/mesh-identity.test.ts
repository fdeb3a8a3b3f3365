import { Chart } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import {
  GrpcMethodMatch, GrpcRoute, HttpLocalRateLimitPolicy, MeshIdentity, MeshTlsAuthentication, ProxyProtocol, RouteParent, Server, ServerPort,
} from '../../lib/mesh';
import { find, fixture, manifestsOf } from './fixture';

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
  const server = new Server(f.chart, 'server', { metadata: { name: 'api-grpc' }, workload: f.deployment, port: ServerPort.named('admin'), proxyProtocol: ProxyProtocol.GRPC });
  const route = new GrpcRoute(f.chart, 'route', {
    metadata: { name: 'admin-calls' }, parent: RouteParent.server(server), rules: [{ matches: [{ method: GrpcMethodMatch.service('shop.v1.Admin') }] }],
  });
  const namespaceGrant = route.grantIdentityAccess([MeshIdentity.anyInNamespace('ops')]);
  const accountGrant = route.grantIdentityAccess([MeshIdentity.serviceAccountIn('auditor', 'compliance')]);
  expect([namespaceGrant.policy.name, accountGrant.policy.name]).toEqual(['admin-calls-any-in-ops-authz', 'admin-calls-auditor.compliance-authz']);
  const manifests = manifestsOf(f.chart);
  expect(find(manifests, 'MeshTLSAuthentication', 'admin-calls-auditor.compliance-authn').spec.identities).toEqual([identity('auditor', 'compliance')]);
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
  ['an account name that is not a DNS subdomain', (f) => new MeshTlsAuthentication(f.chart, 'authn', { identities: [MeshIdentity.serviceAccountIn('Auditor', 'ops')] }),
    /^\[shop\/authn\] identity ServiceAccount name "Auditor" is invalid; allowed: a DNS-1123 subdomain/],
];

test.each(cases)('%s is refused', (_name, build, expected) => {
  expect(() => build(fixture())).toThrow(expected);
});

test('an import without a namespace is accepted where it means the construct\'s own namespace, default', () => {
  const f = fixture();
  const chart = new Chart(f.app, 'in-default', { namespace: 'default' });
  const authn = new MeshTlsAuthentication(chart, 'authn', { serviceAccounts: [ServiceAccount.fromServiceAccountName(chart, 'imported', 'reporter')] });
  expect(authn.identities).toEqual([identity('reporter', 'default')]);
});

test('a second grant on a Server with the default names says how to name it, instead of a construct-id clash', () => {
  const f = fixture();
  const server = new Server(f.chart, 'server', { metadata: { name: 'api' }, workload: f.deployment, port: ServerPort.named('http') });
  server.grantAccess([f.frontend]);
  expect(() => server.grantIdentityAccess([MeshIdentity.anyInNamespace('ops')])).toThrow(
    /^\[shop\/server\] grant object name "api-authn" is invalid; allowed: a name no other grant on this target uses: grant every client in one call, or give this grant its own policyName and authenticationName$/);
  expect(server.grantIdentityAccess([MeshIdentity.anyInNamespace('ops')], { policyName: 'api-ops-authz', authenticationName: 'api-ops-authn' }).policy.name)
    .toBe('api-ops-authz');
});
