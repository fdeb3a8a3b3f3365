import { BooksappChart } from '../../charts/booksapp';
import { synthesize } from '../../lib/output';
import { DEFAULT_CLUSTER_SETTINGS, serviceAccountIdentity } from '../../lib/policy';
import { reviewReport, reviewReports, rolloutManagedRoutes } from '../../lib/review';
import { meshShop } from '../support/fixtures/mesh-shop';

const synthesis = synthesize((app) => meshShop(app));
const manifests = synthesis.targets[0].objects.map((o) => o.manifest);
const report = reviewReports(synthesis.targets).get('shop.md')!;

/** The authorization matrix as `server | route | client | condition | policy | enforcement` lines without Markdown. */
function matrix(text = report): string[] {
  const section = text.split('## Authorization matrix')[1].split('\n## ')[0].split('### Clients')[0];
  return section.split('### Server ').slice(1).flatMap((part) => {
    const server = part.split('\n')[0].replace(/`/g, '');
    return part.split('\n').slice(1).filter((l) => l.startsWith('| ') && !l.startsWith('| Route') && !l.startsWith('| ---'))
      .map((l) => `${server} | ${l.replace(/`/g, '').slice(2, -2)}`);
  });
}

test('one report per target, named beside its folder', () => {
  expect([...reviewReports(synthesis.targets).keys()]).toEqual(['shop.md']);
});

test('the authorization matrix says who may call which route of which Server, and what is only audited', () => {
  const web = serviceAccountIdentity('shop', 'web', DEFAULT_CLUSTER_SETTINGS);
  expect(web).toBe('web.shop.serviceaccount.identity.linkerd.cluster.local');
  expect(matrix()).toEqual([
    // A NetworkAuthentication of 0.0.0.0/0 and ::/0 admits anyone.
    'shop/api-http | api-probe | anyone | no identity | api-probe-kubelet | enforced',
    'shop/api-http | api-read | web | mTLS | api-read-web | enforced',
    'shop/web-http | (all routes) | any meshed identity | mTLS | web-meshed | **audit** (not enforced)',
    // accessPolicy audit is Linkerd's default authorization "audit": everyone else gets through too, logged.
    'shop/web-http | (all routes) | anyone | no identity | (default audit) | **audit** (not enforced)',
  ]);
  // The identity string is in the legend, not in every row.
  expect(report).toContain(`| web | \`${web}\` |`);
});

test('identities are in the trust domain of the cluster settings, as lib/policy reads them', () => {
  const text = reviewReport('shop', manifests, { trustDomain: 'prod.example.org' });
  expect(text).toContain('Mesh identities assume the trust domain `prod.example.org`.');
  expect(text).toContain('| `shop/web` | `web.shop.serviceaccount.identity.linkerd.prod.example.org` |');
  // The shop's authentication names web by identityRef, which Linkerd resolves in its own trust domain: the legend says which.
  expect(matrix(text)).toContain('shop/api-http | api-read | web | mTLS | api-read-web | enforced');
  expect(text).toContain('| web | `web.shop.serviceaccount.identity.linkerd.prod.example.org` |');
  expect(text).not.toContain('cluster.local');
});

test('routes and Servers that nobody may call are called out', () => {
  expect(report).toContain('### Not authorized by any policy\n\n- route `shop/api-write` of Server `shop/api-http`: no client\n');
});

test('Servers show the workloads they select and their unauthorized-traffic policy', () => {
  expect(report).toContain('| `shop/api-http` | `http` | `Rollout api` | HTTP/1 | denied |');
  expect(report).toContain('| `shop/web-http` | `7000` | `Deployment web` | unknown (detected) | **audit**: allowed and logged (not enforced) |');
  expect(report).toContain('| `shop/api-read` | `shop/api-http` | GET /books.json<br>GET PathPrefix /authors/ |');
});

test('a Server whose selector or port matches no workload is flagged', () => {
  const broken = manifests.map((m) => (m.kind === 'Server' && m.metadata.name === 'api-http'
    ? { ...m, spec: { ...(m.spec as object), port: 9999 } } : m));
  expect(reviewReport('shop', broken)).toContain('| `shop/api-http` | `9999` | `Rollout api` ⚠ no container port 9999 |');
  const orphan = manifests.filter((m) => m.kind !== 'Deployment');
  expect(reviewReport('shop', orphan)).toContain('| `shop/web-http` | `7000` | ⚠ no workload in this target |');
});

test('client-side traffic splits show weights and who owns them', () => {
  expect(report).toContain('| `shop/api-split` | `shop/api` | any method PathPrefix / | `api-stable` (100), `api-canary` (0) | Argo Rollouts |');
  const withoutRollout = manifests.filter((m) => m.kind !== 'Rollout');
  expect(reviewReport('shop', withoutRollout))
    .toContain('| `shop/api-split` | `shop/api` | any method PathPrefix / | `api-stable` (100), `api-canary` (0) | this render |');
});

test('the routes Argo Rollouts owns are read from any rendered Rollout naming them for the Gateway API plugin', () => {
  expect(rolloutManagedRoutes(manifests)).toEqual([{ namespace: 'shop', name: 'api-split' }]);
  const rollout = (name: string, plugins: unknown) => ({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name, namespace: 'a' },
    spec: { strategy: { canary: { trafficRouting: { plugins } } } },
  });
  expect(rolloutManagedRoutes([
    rollout('one', { 'argoproj-labs/gatewayAPI': { httpRoutes: [{ name: 'r2' }, { name: 'r1' }] } }),
    rollout('two', { 'argoproj-labs/gatewayAPI': { httpRoute: 'r3', namespace: 'b' } }),
    rollout('three', { 'other/plugin': { httpRoute: 'r4' } }),
  ])).toEqual([{ namespace: 'a', name: 'r1' }, { namespace: 'a', name: 'r2' }, { namespace: 'b', name: 'r3' }]);
});

test('the Mermaid diagrams draw enforced and audited authorizations differently, one per Server', () => {
  const api = report.split('### Server `shop/api-http`\n\n```mermaid\n')[1].split('```')[0];
  const web = report.split('### Server `shop/web-http`\n\n```mermaid\n')[1].split('```')[0];
  const id = (diagram: string, object: string) => new RegExp(`%% node (n\\d+) = ${object}\n`).exec(diagram)?.[1];
  expect(api).toContain(`  ${id(api, 'Deployment shop/web')} --> ${id(api, 'HTTPRoute shop/api-read')}\n`);
  expect(web).toContain(`  ${id(web, 'identity any meshed identity')} -.->|"audit only"| ${id(web, 'Server shop/web-http')}\n`);
  // The route nobody may call is marked.
  expect(api).toMatch(/n\d+\("api-write<br>[^"]*⛔ no client may call"\)/);
});

test('the report does not depend on the order of the manifests', () => {
  expect(reviewReport('shop', [...manifests].reverse())).toBe(reviewReport('shop', manifests));
});

test('report snapshot', () => {
  expect(report).toMatchSnapshot();
});

describe('the matrix is the evaluator\'s (lib/policy)', () => {
  const meshTls = (name: string, spec: object) => ({
    apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'MeshTLSAuthentication', metadata: { name, namespace: 'shop' }, spec,
  });
  const policy = (name: string, targetRef: object, authn: string) => ({
    apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'AuthorizationPolicy', metadata: { name, namespace: 'shop' },
    spec: { targetRef, requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: authn }] },
  });
  const server = { group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' };
  const matrixOf = (text: string) => text.split('## Authorization matrix')[1].split('\n## ')[0];

  test('a wildcard identity keeps its * in the table and the diagram', () => {
    const text = reviewReport('shop', [...manifests, meshTls('suffix', { identities: ['*.example.org'] }),
      policy('from-other', server, 'suffix')] as never);
    expect(matrix(text)).toContain('shop/api-http | (all routes) | *.example.org | mTLS | from-other | enforced');
    expect(text.split('```mermaid')[1]).toContain('(["*.example.org"])');
  });

  test('identityRefs: a Namespace is its ServiceAccounts; an entry without a name is not "undefined", it is refused', () => {
    const text = reviewReport('shop', [...manifests,
      meshTls('ns', { identityRefs: [{ kind: 'Namespace', name: 'other' }] }), policy('from-ns', server, 'ns'),
      meshTls('nameless', { identityRefs: [{ kind: 'ServiceAccount' }] }), policy('from-nameless', server, 'nameless')] as never);
    expect(matrix(text)).toContain('shop/api-http | (all routes) | every ServiceAccount in namespace other | mTLS | from-ns | enforced');
    expect(text).not.toContain('undefined');
    expect(text).toContain('- `policy.linkerd.io/AuthorizationPolicy shop/from-nameless`: ignored by Linkerd: '
      + 'MeshTLSAuthentication shop/nameless is unusable: '
      + 'spec.identityRefs[0] has no name: Linkerd\'s admission webhook refuses the object');
  });

  test('what Linkerd ignores is left out of the matrix and listed with why', () => {
    const grpc = manifests.map((m) => (m.kind === 'Server' && m.metadata.name === 'api-http'
      ? { ...m, spec: { ...(m.spec as object), proxyProtocol: 'gRPC' } } : m));
    const text = reviewReport('shop', grpc);
    expect(matrixOf(text)).not.toContain('api-read-web');
    expect(text).toContain('| `shop/api-read` ⚠ ignored by Linkerd (see below) | `shop/api-http` |');
    expect(text).toContain('## Ignored by Linkerd\n\n- `policy.linkerd.io/HTTPRoute shop/api-probe` spec.parentRefs: '
      + '[semantic/route-ignored] Server api-http has proxyProtocol gRPC');
  });

  test('rate limits per Server, and client-side timeouts', () => {
    const limit = {
      apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'HTTPLocalRateLimitPolicy', metadata: { name: 'api-limit', namespace: 'shop' },
      spec: { targetRef: server, total: { requestsPerSecond: 100 }, identity: { requestsPerSecond: 10 } },
    };
    const text = reviewReport('shop', [...manifests, limit] as never);
    expect(text).toContain('| `shop/api-http` | `api-limit` | 100/s | 10/s | — |');
    expect(text).toContain('| `shop/web-http` | none | — | — | — |');
  });
});

test('booksapp: probes, each authorized the way Linkerd does it, and the timeouts route', () => {
  const booksapp = synthesize((app) => new BooksappChart(app, 'booksapp')).targets[0];
  const text = reviewReports([booksapp]).get('booksapp.md')!;
  expect(text).toContain('| `Deployment booksapp/authors` | `GET /ping` | `7001` | `booksapp/authors-server` | `authors-probe-route` '
    + '| AuthorizationPolicy `authors-probe-policy` | allow |');
  expect(text).toContain('| `Deployment booksapp/books` | `GET /ping` | `7002` | (default all-unauthenticated) | Linkerd\'s probe route '
    + '| default probe | allow |');
  expect(text).toContain('| `HTTPRoute booksapp/authors-timeout` | rules[0] timeouts | backendRequest 500ms, request 1s |');
});
