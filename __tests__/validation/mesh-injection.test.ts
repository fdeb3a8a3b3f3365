import { validateTargets } from '../../lib/validation';

/** A Server-guarded Deployment in namespace `shop`, with no Namespace object: injection must come from the pods. */
function target(podsInjected: boolean, policyTarget: Record<string, string>) {
  const manifests: Record<string, unknown>[] = [
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' }, annotations: podsInjected ? { 'linkerd.io/inject': 'enabled' } : {} },
          spec: { containers: [{ name: 'api', image: 'example/api:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
        },
      },
    },
    {
      apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'api', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'api' } }, port: 'http', accessPolicy: 'deny' },
    },
    {
      apiVersion: 'policy.linkerd.io/v1beta3', kind: 'HTTPRoute', metadata: { name: 'reads', namespace: 'shop' },
      spec: { parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'api' }],
        rules: [{ matches: [{ method: 'GET', path: { type: 'PathPrefix', value: '/' } }] }] },
    },
    {
      apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'NetworkAuthentication', metadata: { name: 'vpc', namespace: 'shop' },
      spec: { networks: [{ cidr: '10.0.0.0/8' }] },
    },
    {
      apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'AuthorizationPolicy', metadata: { name: 'policy', namespace: 'shop' },
      spec: { targetRef: policyTarget, requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'vpc' }] },
    },
  ];
  return [{ name: 'shop', subjects: manifests.map((manifest, i) => ({ manifest, source: `shop.yaml#${i}` })) }];
}

const unmeshed = (podsInjected: boolean, policyTarget: Record<string, string>) =>
  validateTargets(target(podsInjected, policyTarget)).filter((p) => p.rule === 'safety/unmeshed').map((p) => p.object);

const ROUTE = { group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'reads' };
const NAMESPACE = { group: 'core', kind: 'Namespace', name: 'shop' };

test('a policy on a route reaches the pods through the route\'s Server: injected pods are enough', () => {
  expect(unmeshed(true, ROUTE)).toEqual([]);
  expect(unmeshed(false, ROUTE)).toEqual([
    'policy.linkerd.io/Server shop/api',
    'policy.linkerd.io/HTTPRoute shop/reads',
    'policy.linkerd.io/AuthorizationPolicy shop/policy',
  ]);
});

test('a policy on a namespace applies to every workload of that namespace', () => {
  const objects = (injected: boolean) => unmeshed(injected, NAMESPACE).filter((o) => o.includes('AuthorizationPolicy'));
  expect(objects(true)).toEqual([]);
  expect(objects(false)).toEqual(['policy.linkerd.io/AuthorizationPolicy shop/policy']);
});
