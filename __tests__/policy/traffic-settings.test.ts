import { trafficChanges } from '../../lib/change-review';
import { Json, trafficSettingsOf } from '../../lib/policy';
import { reviewReport } from '../../lib/review';

/** Every place a client-side resilience setting is written, and an annotation Linkerd does not read (on a Deployment). */
const MANIFESTS = [
  {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop', annotations: {
      'balancer.linkerd.io/failure-accrual': 'consecutive', 'retry.linkerd.io/http': '5xx', 'app.example.com/owner': 'team-a',
    } },
    spec: { selector: { app: 'api' }, ports: [{ port: 80 }] },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'api', namespace: 'shop', annotations: {
      'timeout.linkerd.io/request': '2s', 'balancer.linkerd.io/failure-accrual': 'consecutive',
    } },
    spec: {
      parentRefs: [{ group: 'core', kind: 'Service', name: 'api', port: 80 }],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/slow' } }], timeouts: { request: '10s', backendRequest: '5s' },
          backendRefs: [{ name: 'api', port: 80 }] },
        { backendRefs: [{ name: 'api', port: 80, weight: 90 }, { name: 'api-canary', port: 80, weight: 10 }], timeouts: { request: '1s' } },
      ],
    },
  },
  {
    apiVersion: 'linkerd.io/v1alpha2', kind: 'ServiceProfile', metadata: { name: 'api.shop.svc.cluster.local', namespace: 'shop' },
    spec: {
      routes: [
        { name: 'GET /books', condition: { method: 'GET', pathRegex: '/books' }, timeout: '300ms', isRetryable: true },
        { name: 'POST /books', condition: { method: 'POST', pathRegex: '/books' }, isRetryable: false },
      ],
      retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: '10s' },
    },
  },
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop', annotations: { 'retry.linkerd.io/http': '5xx' } },
    spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [] } } },
  },
];

/** The resilience table of a report, `object | setting | value` without Markdown. */
function resilienceTable(manifests: readonly object[]): string[] {
  const section = reviewReport('shop', manifests as never).split('## Timeouts, retries and failure accrual (client side)\n')[1].split('\n## ')[0];
  return section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Object') && !l.startsWith('| ---'))
    .map((l) => l.replace(/`/g, '').slice(2, -2));
}

test('the review report and the change review read the same settings: a Linkerd annotation where Linkerd reads it, timeouts per rule', () => {
  expect(resilienceTable(MANIFESTS)).toEqual([
    'HTTPRoute shop/api | rules[0] timeouts | request 10s, backendRequest 5s',
    'HTTPRoute shop/api | rules[1] timeouts | request 1s',
    'HTTPRoute shop/api | timeout.linkerd.io/request | 2s',
    'Service shop/api | balancer.linkerd.io/failure-accrual | consecutive',
    'Service shop/api | retry.linkerd.io/http | 5xx',
    'ServiceProfile shop/api.shop.svc.cluster.local | route GET /books | timeout 300ms, retryable',
    'ServiceProfile shop/api.shop.svc.cluster.local | retryBudget | retryRatio 0.2, minRetriesPerSecond 10, ttl 10s',
  ]);
  // Everything removed: the change review names each of those settings gone, and the weights, and nothing else.
  const gone = trafficChanges('shop', MANIFESTS, []).map((c) => `${c.object} | ${c.setting} | ${c.before}`);
  expect(gone).toEqual([
    'HTTPRoute shop/api | annotation timeout.linkerd.io/request | 2s',
    'HTTPRoute shop/api | rule 0 backend api:80 weight | 1',
    'HTTPRoute shop/api | rule 0 timeout backendRequest | 5s',
    'HTTPRoute shop/api | rule 0 timeout request | 10s',
    'HTTPRoute shop/api | rule 1 backend api-canary:80 weight | 10',
    'HTTPRoute shop/api | rule 1 backend api:80 weight | 90',
    'HTTPRoute shop/api | rule 1 timeout request | 1s',
    'Service shop/api | annotation balancer.linkerd.io/failure-accrual | consecutive',
    'Service shop/api | annotation retry.linkerd.io/http | 5xx',
    'ServiceProfile shop/api.shop.svc.cluster.local | retry budget | {"retryRatio":0.2,"minRetriesPerSecond":10,"ttl":"10s"}',
    'ServiceProfile shop/api.shop.svc.cluster.local | route GET /books retryable | true',
    'ServiceProfile shop/api.shop.svc.cluster.local | route GET /books timeout | 300ms',
    'ServiceProfile shop/api.shop.svc.cluster.local | route POST /books retryable | false',
  ]);
});

test('each resilience setting of the reader changes one line of the diff and the report\'s table', () => {
  const settings = trafficSettingsOf(MANIFESTS).filter((s) => s.kind !== 'backend weight');
  expect(settings.length).toBe(10);
  const before = resilienceTable(MANIFESTS);
  for (const s of settings) {
    const changed = structuredClone(MANIFESTS) as Json[];
    const m = changed.find((x) => x.kind === s.object.kind && x.metadata.name === s.object.name)!;
    if (s.kind === 'annotation') m.metadata.annotations[s.name!] = 'changed';
    else if (s.kind === 'route timeout') m.spec.rules[s.rule!].timeouts[s.name!] = '42s';
    else if (s.kind === 'profile route timeout') m.spec.routes.find((r: Json) => r.name === s.name).timeout = '42s';
    else if (s.kind === 'profile route retryable') m.spec.routes.find((r: Json) => r.name === s.name).isRetryable = !s.value;
    else if (s.kind === 'retry budget') m.spec.retryBudget.ttl = '42s';
    expect([s.setting, trafficChanges('shop', MANIFESTS, changed).map((c) => c.setting)]).toEqual([s.setting, [s.setting]]);
    const after = resilienceTable(changed);
    expect([s.setting, after.filter((row) => !before.includes(row)).length]).toEqual([s.setting, 1]);
  }
});
