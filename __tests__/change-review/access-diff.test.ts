import { ApiObject, App, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { BooksappChart } from '../../charts/booksapp';
import { FlaggerPodinfoChart } from '../../charts/flagger-podinfo';
import { RolloutsDemoChart } from '../../charts/rollouts-demo';
import { ShopChart } from '../../charts/shop';
import {
  AccessDiff, accessLine, diffAccess, enforcementLine, formatAccessDiff, formatAccessDiffMarkdown, trafficLine,
} from '../../lib/change-review';
import { prepareRender } from '../../lib/gitops';

/** The rendered branch's files for an app (the same synthesis and checks as a publish). */
function renderOf(build: (app: App) => void): ReadonlyMap<string, string> {
  return prepareRender(build, undefined, { branch: 'rendered' }).files;
}

/** Edits one rendered object of a chart the way a chart author would patch it: by its kind and name. */
function patch(scope: Construct, kind: string, name: string, ...patches: JsonPatch[]): void {
  const found = scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && c.kind === kind && c.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  found[0].addJsonPatch(...patches);
}

function booksapp(edit?: (chart: BooksappChart) => void): (app: App) => void {
  return (app) => {
    const chart = new BooksappChart(app, 'booksapp');
    edit?.(chart);
  };
}

/** Every line of a diff: enforcement, access, traffic. */
function linesOf(diff: AccessDiff): string[] {
  return [...diff.enforcement.map(enforcementLine), ...diff.access.map(accessLine), ...diff.traffic.map(trafficLine)];
}

const original = renderOf(booksapp());

test('an unchanged render has an empty access diff', () => {
  const diff = diffAccess(original, renderOf(booksapp()));
  expect(diff).toEqual({ access: [], enforcement: [], traffic: [], widened: false });
  expect(formatAccessDiff(diff)).toEqual(['Access and traffic: no changes']);
  expect(formatAccessDiffMarkdown(diff)).toContain('No access or traffic changes.');
});

test('a change that does not touch access or traffic (an image) has an empty access diff', () => {
  const diff = diffAccess(original, renderOf(booksapp((c) =>
    patch(c, 'Deployment', 'books', JsonPatch.replace('/spec/template/spec/containers/0/image', 'buoyantio/booksapp:v0.0.6')))));
  expect(linesOf(diff)).toEqual([]);
});

test('books may also modify authors: exactly one widened access line, nothing else', () => {
  const diff = diffAccess(original, renderOf(booksapp((c) => patch(c, 'MeshTLSAuthentication', 'authors-modify-authn',
    JsonPatch.add('/spec/identities/0', 'books.booksapp.serviceaccount.identity.linkerd.cluster.local')))));

  expect(diff.access).toEqual([{
    change: 'gained', target: 'booksapp', clients: ['booksapp/books'], everyone: false, destination: 'Deployment booksapp/authors:7001',
    server: 'booksapp/authors-server', route: 'authors-modify-route',
    requests: ['DELETE PathPrefix /authors/', 'PUT PathPrefix /authors/', 'POST Exact /authors.json'], before: 'deny', after: 'allow',
  }]);
  expect(diff.widened).toBe(true);
  expect(linesOf(diff)).toEqual(['+ booksapp/books → Server booksapp/authors-server route authors-modify-route (Deployment booksapp/authors:7001): '
    + 'DELETE PathPrefix /authors/, PUT PathPrefix /authors/, POST Exact /authors.json [widened]']);
});

test('an identity dropped from an authentication: lost access for that client only, not widened', () => {
  const diff = diffAccess(original, renderOf(booksapp((c) => patch(c, 'MeshTLSAuthentication', 'authors-get-authn',
    JsonPatch.replace('/spec/identities', ['books.booksapp.serviceaccount.identity.linkerd.cluster.local'])))));

  expect(linesOf(diff)).toEqual(['- booksapp/webapp → Server booksapp/authors-server route authors-get-route (Deployment booksapp/authors:7001): '
    + 'GET Exact /authors.json, GET PathPrefix /authors/']);
  expect(diff.widened).toBe(false);
});

test('a widened PathPrefix: the clients of the route gain the paths it now matches', () => {
  const diff = diffAccess(original, renderOf(booksapp((c) => patch(c, 'HTTPRoute', 'authors-get-route',
    JsonPatch.replace('/spec/rules/0/matches/1/path/value', '/')))));

  expect(linesOf(diff)).toEqual(['+ booksapp/books, booksapp/webapp → Server booksapp/authors-server route authors-get-route '
    + '(Deployment booksapp/authors:7001): GET PathPrefix / [widened]']);
});

test('a Server flipped to audit is one widened enforcement line, not one line per client; and back to deny', () => {
  const audit = renderOf(booksapp((c) => patch(c, 'Server', 'authors-server', JsonPatch.add('/spec/accessPolicy', 'audit'))));

  const flipped = diffAccess(original, audit);
  expect(linesOf(flipped)).toEqual(['! Server booksapp/authors-server: deny → audit (denials are only logged) [widened]']);
  expect(flipped.widened).toBe(true);
  const back = diffAccess(audit, original);
  expect(linesOf(back)).toEqual(['! Server booksapp/authors-server: audit → deny (denials are enforced)']);
  expect(back.widened).toBe(false);
});

test('a dropped probe route: the kubelet (and everyone it admitted) loses GET /ping', () => {
  const diff = diffAccess(original, renderOf(booksapp((c) => {
    // The Server's probe authorization (its routes are children of the Server too, and stay).
    c.node.findChild('authors-server').node.tryRemoveChild('ProbeAuthorization');
  })));

  expect(linesOf(diff)).toEqual(['- anyone (all 8 client classes) → Server booksapp/authors-server route authors-probe-route '
    + '(Deployment booksapp/authors:7001): GET Exact /ping']);
  expect(diff.access[0].clients).toContain('unmeshed client in the cluster (e.g. the kubelet)');
  expect(diff.enforcement).toEqual([]);
  expect(diff.traffic).toEqual([]);
});

test('a client-side route weight and timeouts: traffic lines old → new, no access line', () => {
  const diff = diffAccess(original, renderOf(booksapp((c) => {
    patch(c, 'HTTPRoute', 'error-split', JsonPatch.replace('/spec/rules/0/backendRefs/1/weight', 25));
    patch(c, 'HTTPRoute', 'authors-timeout', JsonPatch.replace('/spec/rules/0/timeouts/request', '2s'));
  })));

  expect(linesOf(diff)).toEqual([
    '~ HTTPRoute booksapp/authors-timeout rule 0 timeout request: 1s → 2s',
    '~ HTTPRoute booksapp/error-split rule 0 backend error-injector:8080 weight: 10 → 25',
  ]);
  expect(diff.widened).toBe(false);
});

test('retries, failure accrual, rate limits, canary steps and analysis thresholds of the shop: one traffic line each', () => {
  const shop = (edit?: (chart: ShopChart) => void) => (app: App) => {
    const chart = new ShopChart(app, 'shop');
    edit?.(chart);
  };
  const diff = diffAccess(renderOf(shop()), renderOf(shop((c) => {
    patch(c, 'HTTPRoute', 'checkout-reads', JsonPatch.replace('/metadata/annotations/retry.linkerd.io~1limit', '3'));
    patch(c, 'Service', 'checkout-stable',
      JsonPatch.replace('/metadata/annotations/balancer.linkerd.io~1failure-accrual-consecutive-max-failures', '7'));
    patch(c, 'HTTPLocalRateLimitPolicy', 'checkout-rate-limit', JsonPatch.replace('/spec/overrides/0/requestsPerSecond', 80));
    patch(c, 'Rollout', 'checkout', JsonPatch.replace('/spec/strategy/canary/steps/2/setWeight', 25));
    patch(c, 'AnalysisTemplate', 'checkout-success-rate',
      JsonPatch.replace('/spec/metrics/0/successCondition', 'len(result) > 0 && result[0] >= 0.95'));
  })));

  expect(linesOf(diff)).toEqual([
    '~ AnalysisTemplate shop/checkout-success-rate metric success-rate successCondition: '
      + 'len(result) > 0 && result[0] >= 0.99 → len(result) > 0 && result[0] >= 0.95',
    '~ HTTPLocalRateLimitPolicy shop/checkout-rate-limit requests per second for ServiceAccount shop/storefront: 60 → 80',
    '~ HTTPRoute shop/checkout-reads annotation retry.linkerd.io/limit: 2 → 3',
    '~ Rollout shop/checkout steps[2]: setWeight 30 → setWeight 25',
    '~ Service shop/checkout-stable annotation balancer.linkerd.io/failure-accrual-consecutive-max-failures: 5 → 7',
  ]);
});

test('canary steps added to a Rollout are listed as added', () => {
  const demo = (extra: boolean) => (app: App) => {
    const chart = new RolloutsDemoChart(app, 'rollouts-demo');
    if (extra) patch(chart, 'Rollout', 'rollouts-demo', JsonPatch.add('/spec/strategy/canary/steps/-', { setWeight: 100 }));
  };
  const diff = diffAccess(renderOf(demo(false)), renderOf(demo(true)));
  expect(linesOf(diff)).toEqual(['~ Rollout test/rollouts-demo steps[8]: added setWeight 100']);
});

test('a Flagger Canary analysis threshold is a traffic line', () => {
  const podinfo = (threshold?: number) => (app: App) => {
    const chart = new FlaggerPodinfoChart(app, 'flagger-podinfo');
    if (threshold !== undefined) patch(chart, 'Canary', 'podinfo', JsonPatch.replace('/spec/analysis/threshold', threshold));
  };
  expect(linesOf(diffAccess(renderOf(podinfo()), renderOf(podinfo(3))))).toEqual(['~ Canary test/podinfo analysis threshold: 5 → 3']);
});

test('the Markdown for a pull request marks widened access', () => {
  const diff = diffAccess(original, renderOf(booksapp((c) => patch(c, 'Server', 'authors-server', JsonPatch.add('/spec/accessPolicy', 'audit')))));
  expect(formatAccessDiffMarkdown(diff)).toBe([
    '### Access and traffic', '',
    '> [!WARNING]', '> This change **widens access**: someone may call something they could not before.', '',
    '#### `booksapp`', '',
    '- **enforcement** Server booksapp/authors-server: deny → audit (denials are only logged) [widened]', '',
  ].join('\n'));
});
