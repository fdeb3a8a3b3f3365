import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';

/**
 * A small meshed shop in the style of seed 002 (booksapp): `api` serves read routes to `web`
 * and a probe route to the kubelet, has an unauthorized write route, `web`'s Server is in audit
 * mode, and a Rollout shifts traffic between api-stable and api-canary through a Gateway API route.
 * Plain objects, as any chart would render them.
 */
export function meshShop(app: App, id = 'shop'): Chart {
  const chart = new Chart(app, id, { namespace: 'shop' });
  const obj = (name: string, apiVersion: string, kind: string, rest: Record<string, unknown> = {}) =>
    new ApiObject(chart, `${kind}-${name}`, { apiVersion, kind, metadata: { name }, ...rest });

  obj('shop', 'v1', 'Namespace', { metadata: { name: 'shop', annotations: { 'linkerd.io/inject': 'enabled' } } })
    .addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  obj('web', 'v1', 'ServiceAccount');
  obj('api', 'v1', 'ServiceAccount');
  const pod = (app_: string, port: number, portName?: string) => ({
    metadata: { labels: { app: app_ } },
    spec: { serviceAccountName: app_, containers: [{ name: app_, image: 'example/shop:1', ports: [{ name: portName, containerPort: port }] }] },
  });
  obj('web', 'apps/v1', 'Deployment', { spec: { selector: { matchLabels: { app: 'web' } }, template: pod('web', 7000) } });
  obj('api', 'argoproj.io/v1alpha1', 'Rollout', {
    spec: {
      selector: { matchLabels: { app: 'api' } },
      template: pod('api', 7001, 'http'),
      strategy: { canary: {
        canaryService: 'api-canary', stableService: 'api-stable',
        trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'api-split', namespace: 'shop' } } },
        steps: [{ setWeight: 10 }, { pause: {} }],
      } },
    },
  });
  for (const name of ['api', 'api-stable', 'api-canary']) {
    obj(name, 'v1', 'Service', { spec: { selector: { app: 'api' }, ports: [{ name: 'http', port: 7001 }] } });
  }
  obj('api-http', 'policy.linkerd.io/v1beta3', 'Server', {
    spec: { podSelector: { matchLabels: { app: 'api' } }, port: 'http', proxyProtocol: 'HTTP/1' },
  });
  obj('web-http', 'policy.linkerd.io/v1beta3', 'Server', {
    spec: { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, port: 7000, accessPolicy: 'audit' },
  });
  const route = (name: string, method: string, paths: string[]) => obj(name, 'policy.linkerd.io/v1beta3', 'HTTPRoute', {
    spec: {
      parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' }],
      rules: [{ matches: paths.map((value) => ({ method, path: { type: value.endsWith('/') ? 'PathPrefix' : 'Exact', value } })) }],
    },
  });
  route('api-read', 'GET', ['/books.json', '/authors/']);
  route('api-probe', 'GET', ['/ping']);
  route('api-write', 'POST', ['/books.json']);
  obj('web-client', 'policy.linkerd.io/v1alpha1', 'MeshTLSAuthentication', {
    spec: { identityRefs: [{ kind: 'ServiceAccount', name: 'web' }] },
  });
  obj('all-meshed', 'policy.linkerd.io/v1alpha1', 'MeshTLSAuthentication', { spec: { identities: ['*'] } });
  obj('kubelet', 'policy.linkerd.io/v1alpha1', 'NetworkAuthentication', {
    spec: { networks: [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }] },
  });
  const policy = (name: string, targetKind: string, target: string, authn: [string, string]) =>
    obj(name, 'policy.linkerd.io/v1alpha1', 'AuthorizationPolicy', {
      spec: {
        targetRef: { group: 'policy.linkerd.io', kind: targetKind, name: target },
        requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: authn[0], name: authn[1] }],
      },
    });
  policy('api-read-web', 'HTTPRoute', 'api-read', ['MeshTLSAuthentication', 'web-client']);
  policy('api-probe-kubelet', 'HTTPRoute', 'api-probe', ['NetworkAuthentication', 'kubelet']);
  policy('web-meshed', 'Server', 'web-http', ['MeshTLSAuthentication', 'all-meshed']);
  obj('api-split', 'gateway.networking.k8s.io/v1', 'HTTPRoute', {
    spec: {
      parentRefs: [{ group: 'core', kind: 'Service', name: 'api', port: 7001 }],
      rules: [{ backendRefs: [{ name: 'api-stable', port: 7001, weight: 100 }, { name: 'api-canary', port: 7001, weight: 0 }] }],
    },
  });
  return chart;
}
