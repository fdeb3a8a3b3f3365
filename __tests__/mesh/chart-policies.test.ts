/**
 * What the charts' Linkerd policies let through, stated as requests and checked with the inbound policy evaluator
 * (lib/policy), on the targets exactly as the pipeline renders them.
 */
import { BooksappChart } from '../../charts/booksapp';
import { CircuitBreakingDemoChart } from '../../charts/circuit-breaking-demo';
import { EmojivotoChart } from '../../charts/emojivoto';
import { PodinfoDynamicRoutingChart } from '../../charts/podinfo-dynamic-routing';
import { RolloutsDemoChart } from '../../charts/rollouts-demo';
import { RenderTarget, synthesize } from '../../lib/output';
import { expectRequest, KUBELET_ADDRESS } from '../../lib/policy';

const { targets } = synthesize((app) => {
  new BooksappChart(app, 'booksapp');
  new CircuitBreakingDemoChart(app, 'circuit-breaking-demo');
  new EmojivotoChart(app, 'emojivoto');
  new PodinfoDynamicRoutingChart(app, 'podinfo-dynamic-routing', { createNamespace: false });
  new RolloutsDemoChart(app, 'rollouts-demo');
});
const target = (name: string): RenderTarget => targets.find((t) => t.name === name)!;

describe('booksapp: authors is default-deny, per-route grants', () => {
  const booksapp = target('booksapp');
  const authors = 'booksapp/authors:7001';

  test('webapp may create, update and delete authors', () => {
    expectRequest(booksapp, { from: 'booksapp/webapp', to: authors, http: 'DELETE /authors/1' }).toBeAllowed();
    expectRequest(booksapp, { from: 'booksapp/webapp', to: authors, http: 'PUT /authors/1' }).toBeAllowed();
    expectRequest(booksapp, { from: 'booksapp/webapp', to: authors, http: 'POST /authors.json' }).toBeAllowed();
  });

  test('books may read authors but not modify them', () => {
    expectRequest(booksapp, { from: 'booksapp/books', to: authors, http: 'GET /authors.json' }).toBeAllowed();
    expectRequest(booksapp, { from: 'booksapp/books', to: authors, http: 'GET /authors/7.json' }).toBeAllowed();
    expectRequest(booksapp, { from: 'booksapp/books', to: authors, http: 'DELETE /authors/1' }).toBeDenied();
    expectRequest(booksapp, { from: 'booksapp/books', to: authors, http: 'POST /authors.json' }).toBeDenied();
  });

  test('the kubelet may GET /ping, and nothing else', () => {
    expectRequest(booksapp, { fromNetwork: KUBELET_ADDRESS, to: authors, http: 'GET /ping' }).toBeAllowed();
    expectRequest(booksapp, { fromNetwork: KUBELET_ADDRESS, to: authors, http: 'GET /authors.json' }).toBeDenied();
  });

  test('traffic may not call authors', () => {
    expectRequest(booksapp, { from: 'booksapp/traffic', to: authors, http: 'GET /authors.json' }).toBeDenied();
    expectRequest(booksapp, { from: 'booksapp/traffic', to: authors, http: 'DELETE /authors/1' }).toBeDenied();
  });

  test('a request no route matches is a 404, whoever sends it', () => {
    const { verdict } = expectRequest(booksapp, { from: 'booksapp/webapp', to: authors, http: 'GET /metrics' });
    expect([verdict.decision, verdict.denial]).toEqual(['deny', 'route-not-found']);
  });

  test('webapp, without a Server, takes the cluster default: everyone', () => {
    expectRequest(booksapp, { from: 'booksapp/traffic', to: 'booksapp/webapp:7000', http: 'GET /' }).toBeAllowed();
    expectRequest(booksapp, { fromNetwork: '10.9.9.9', to: 'booksapp/webapp:7000', http: 'GET /' }).toBeAllowed();
  });

  test('a failed expectation says why, with the reason chain', () => {
    expect(() => expectRequest(booksapp, { from: 'booksapp/books', to: authors, http: 'DELETE /authors/1' }).toBeAllowed()).toThrow(
      'expected DELETE /authors/1 from booksapp/books to booksapp/authors:7001 to be allowed, but Linkerd would deny it (unauthorized):\n' +
        '  client identity books.booksapp.serviceaccount.identity.linkerd.cluster.local → Deployment booksapp/authors port 7001\n' +
        '  Server booksapp/authors-server selects port 7001 (port name "service"), proxyProtocol HTTP/1\n' +
        '  DELETE /authors/1 matches route policy.linkerd.io/HTTPRoute booksapp/authors-modify-route (rule 0: DELETE PathPrefix /authors/)\n' +
        '  no authorization admits the client; tried AuthorizationPolicy authors-modify-policy (targets HTTPRoute authors-modify-route; ' +
        'requires MeshTLSAuthentication authors-modify-authn (webapp.booksapp.serviceaccount.identity.linkerd.cluster.local)): the proxy answers 403',
    );
  });
});

describe('emojivoto: only web may call voting', () => {
  const emojivoto = target('emojivoto');
  const vote = 'emojivoto.v1.VotingService/VoteDoughnut';

  test('web may vote; emoji and vote-bot may not; unmeshed clients may not', () => {
    expectRequest(emojivoto, { from: 'emojivoto/web', to: 'emojivoto/voting:8080', grpc: vote }).toBeAllowed();
    expectRequest(emojivoto, { from: 'emojivoto/emoji', to: 'emojivoto/voting:8080', grpc: vote }).toBeDenied();
    expectRequest(emojivoto, { from: 'emojivoto/default', to: 'emojivoto/voting:8080', grpc: vote }).toBeDenied();
    expectRequest(emojivoto, { fromNetwork: '10.1.2.3', to: 'emojivoto/voting:8080', grpc: vote }).toBeDenied();
  });

  test('only vote-bot may call web; only web may call emoji, per method', () => {
    expectRequest(emojivoto, { from: 'emojivoto/vote-bot', to: 'emojivoto/web:8080', http: 'GET /api/list' }).toBeAllowed();
    expectRequest(emojivoto, { from: 'emojivoto/default', to: 'emojivoto/web:8080', http: 'GET /api/list' }).toBeDenied();
    expectRequest(emojivoto, { from: 'emojivoto/web', to: 'emojivoto/emoji:8080', grpc: 'emojivoto.v1.EmojiService/ListAll' }).toBeAllowed();
    expectRequest(emojivoto, { from: 'emojivoto/vote-bot', to: 'emojivoto/emoji:8080', grpc: 'emojivoto.v1.EmojiService/ListAll' }).toBeDenied();
  });
});

describe('charts without Servers', () => {
  test('circuit-breaking-demo: meshed, no Server: all-unauthenticated', () => {
    const { verdict } = expectRequest(target('circuit-breaking-demo'), {
      fromNetwork: '10.0.0.9',
      to: 'circuit-breaking-demo/bad:8080',
      http: 'GET /',
    });
    expect([verdict.decision, verdict.server]).toEqual(['allow', { kind: 'default', policy: 'all-unauthenticated' }]);
  });

  test('podinfo-dynamic-routing: backends admit anyone by the cluster default', () => {
    expectRequest(target('podinfo-dynamic-routing'), { from: 'test/default', to: 'test/backend-a-podinfo:9898', http: 'GET /' }).toBeAllowed();
  });

  test("rollouts-demo: the Rollout's pods take the cluster default", () => {
    const { verdict } = expectRequest(target('rollouts-demo'), { from: 'test/default', to: 'test/rollouts-demo:8080', http: 'GET /' });
    expect([verdict.decision, verdict.server]).toEqual(['allow', { kind: 'default', policy: 'all-unauthenticated' }]);
  });
});
