import { readFileSync } from 'fs';
import { join } from 'path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { ShopChart } from '../../charts/shop';
import { synthesize } from '../../lib/output';

type Obj = Record<string, any>;

// synthesize() runs every construct validation and the whole validator (references and safety rules included).
let chart!: ShopChart;
const synthesis = synthesize((app: App) => { chart = new ShopChart(app, 'shop'); });
const objects: Obj[] = [...synthesis.files].filter(([file]) => file.startsWith('shop/')).map(([, content]) => parse(content));
const get = (kind: string, name: string): Obj => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`missing ${kind} ${name}`);
  return found;
};
/** An object's annotations without the Argo CD sync wave every rendered object carries. */
const annotationsOf = (kind: string, name: string) => Object.fromEntries(Object.entries(get(kind, name).metadata.annotations ?? {})
  .filter(([key]) => key !== 'argocd.argoproj.io/sync-wave'));
const identity = (account: string, namespace = 'shop') => `${account}.${namespace}.serviceaccount.identity.linkerd.cluster.local`;

/** The identities (or networks) every policy on a Server or route admits. */
function callersOf(kind: string, name: string): string[] {
  return objects.filter((o) => o.kind === 'AuthorizationPolicy' && o.spec.targetRef.kind === kind && o.spec.targetRef.name === name)
    .flatMap((policy) => policy.spec.requiredAuthenticationRefs.flatMap((ref: Obj) => {
      const authn = get(ref.kind, ref.name);
      return ref.kind === 'MeshTLSAuthentication' ? authn.spec.identities : authn.spec.networks.map((n: Obj) => n.cidr);
    })).sort();
}

test('default-deny: the namespace and every Server deny what no policy allows', () => {
  expect(get('Namespace', 'shop').metadata.annotations).toMatchObject({
    'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'deny',
  });
  for (const server of objects.filter((o) => o.kind === 'Server')) expect(server.spec.accessPolicy).toBe('deny');
});

test('who may call what: ingress → storefront, storefront → checkout routes, checkout → charge, backoffice support → refund', () => {
  expect(callersOf('Server', 'storefront-http')).toEqual(['*.ingress-nginx.serviceaccount.identity.linkerd.cluster.local']);
  expect(callersOf('HTTPRoute', 'checkout-cart')).toEqual([identity('storefront')]);
  expect(callersOf('HTTPRoute', 'checkout-orders')).toEqual([identity('storefront')]);
  expect(get('HTTPRoute', 'checkout-orders').spec.rules[0].matches).toEqual([{ method: 'POST', path: { type: 'PathPrefix', value: '/api/orders' } }]);
  expect(callersOf('Server', 'checkout-http')).toEqual([]);
  expect(callersOf('GRPCRoute', 'payments-charge')).toEqual([identity('checkout')]);
  expect(get('GRPCRoute', 'payments-charge').spec.rules[0].matches.map((m: Obj) => m.method.method)).toEqual(['Charge', 'Authorize']);
  expect(callersOf('GRPCRoute', 'payments-refund')).toEqual([identity('support', 'backoffice')]);
  expect(callersOf('Server', 'payments-grpc')).toEqual([]);
  // The canary's pods run as checkout, so payments admits stable and canary alike.
  expect(get('Rollout', 'checkout').spec.template.spec.serviceAccountName).toBe('checkout');
});

test('probes: checkout\'s readiness path is authorized on its routed Server; payments probes its admin port, outside the gRPC Server', () => {
  expect(get('HTTPRoute', 'checkout-http-probe-route').spec.rules[0].matches).toEqual([{ method: 'GET', path: { type: 'Exact', value: '/ready' } }]);
  expect(callersOf('HTTPRoute', 'checkout-http-probe-route')).toEqual(['0.0.0.0/0', '::/0']);
  const payments = get('Deployment', 'payments').spec.template.spec.containers[0];
  expect(payments.readinessProbe.httpGet.port).toBe(8081);
  expect(get('Server', 'payments-grpc').spec).toMatchObject({ port: 'grpc', proxyProtocol: 'gRPC' });
});

test('resilience: GET-only retries on checkout\'s read route, timeouts, circuit breaking on both canary Services, gRPC retries', () => {
  expect(annotationsOf('HTTPRoute', 'checkout-reads')).toEqual({
    'retry.linkerd.io/http': 'gateway-error', 'retry.linkerd.io/limit': '2', 'retry.linkerd.io/timeout': '300ms', 'timeout.linkerd.io/request': '2s',
  });
  expect(get('HTTPRoute', 'checkout-reads').spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' }, method: 'GET' }]);
  expect(annotationsOf('HTTPRoute', 'checkout-writes')).toEqual({ 'timeout.linkerd.io/request': '5s' });
  for (const service of ['checkout-stable', 'checkout-canary']) {
    expect(annotationsOf('Service', service)).toEqual({
      'balancer.linkerd.io/failure-accrual': 'consecutive',
      'balancer.linkerd.io/failure-accrual-consecutive-max-failures': '5',
      'balancer.linkerd.io/failure-accrual-consecutive-max-penalty': '30s',
    });
  }
  expect(annotationsOf('GRPCRoute', 'payments-calls')).toEqual({
    'retry.linkerd.io/grpc': 'unavailable', 'retry.linkerd.io/limit': '1', 'timeout.linkerd.io/request': '3s',
  });
});

test('the canary moves the weights of both checkout routes, and Argo CD is told to leave them to it', () => {
  const plugin = get('Rollout', 'checkout').spec.strategy.canary.trafficRouting.plugins['argoproj-labs/gatewayAPI'];
  expect(plugin.httpRoutes.map((r: Obj) => r.name)).toEqual(['checkout-reads', 'checkout-writes']);
  for (const route of ['checkout-reads', 'checkout-writes']) {
    expect(get('HTTPRoute', route).spec.rules[0].backendRefs.map((b: Obj) => [b.name, b.weight])).toEqual([['checkout-stable', 100],
      ['checkout-canary', 0]]);
  }
  expect(chart.canary.argoCdIgnoreDifferences.map((d) => d.name)).toEqual(['checkout-reads', 'checkout-writes']);
});

test('a rate limit on checkout: 100 requests per second in all, 20 per client identity, 60 for the storefront', () => {
  expect(get('HTTPLocalRateLimitPolicy', 'checkout-rate-limit').spec).toEqual({
    targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'checkout-http' },
    total: { requestsPerSecond: 100 }, identity: { requestsPerSecond: 20 },
    overrides: [{ requestsPerSecond: 60, clientRefs: [{ kind: 'ServiceAccount', name: 'storefront', namespace: 'shop' }] }],
  });
});

test('the shop composes from the exported API only: barrel imports, no escape hatch, no hand-written annotation, no cast', () => {
  const source = readFileSync(join(__dirname, '..', '..', 'charts', 'shop.ts'), 'utf8');
  const modules = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
  const allowed = ['cdk8s', 'cdk8s-plus-28', 'constructs', '../lib', '../lib/mesh', '../lib/delivery'];
  expect(modules.filter((m) => !allowed.includes(m))).toEqual([]);
  for (const escape of ['addJsonPatch', 'JsonPatch', 'addAnnotation', 'ApiObject', 'imports/', ' as unknown', ' as any', 'linkerd.io/']) {
    expect(`${escape}: ${source.includes(escape)}`).toBe(`${escape}: false`);
  }
});
