import { App, Chart } from 'cdk8s';
import { Probe, ServiceAccount } from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { CanaryRollout, CanaryStep } from '../../lib/delivery';
import {
  HttpMethod, MeshedNamespace, PathMatch, ProxyProtocol, Server, ServerPort,
} from '../../lib/mesh';
import { synthesize } from '../../lib/output';

type Obj = Record<string, any>;

/**
 * Per-route authorization of a canary: a Server on the pods of a CanaryRollout (readiness probe on
 * its named port, liveness probe on its number), an `/api` route on it that only `frontend` may call.
 */
function canaryShop(app: App, port: ServerPort = ServerPort.named('http')) {
  const chart = new Chart(app, 'canary-shop', { namespace: 'shop' });
  new MeshedNamespace(chart, 'ns', { metadata: { name: 'shop' } });
  const frontend = new ServiceAccount(chart, 'frontend-sa', { metadata: { name: 'frontend' } });
  const web = new CanaryRollout(chart, 'web', {
    selectorLabels: { app: 'web' },
    podLabels: { tier: 'front' },
    containers: [{
      name: 'web',
      image: 'example/web:1.0.0',
      ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'admin' }],
      readiness: Probe.fromHttpGet('/ready', { port: 8080 }),
      liveness: Probe.fromHttpGet('/healthz', { port: 8080 }),
      // A probe on another port is not the Server's to authorize.
      startup: Probe.fromHttpGet('/admin/started', { port: 9090 }),
    }],
    targetPort: 8080,
    servicePort: 80,
    steps: [CanaryStep.setWeight(20), CanaryStep.pauseUntilPromoted()],
  });
  const server = new Server(chart, 'web-server', { metadata: { name: 'web' }, workload: web, port, proxyProtocol: ProxyProtocol.HTTP1 });
  const api = server.addHttpRoute('web-api', {
    metadata: { name: 'web-api' },
    rules: [{ matches: [{ path: PathMatch.prefix('/api') }] }],
  });
  api.grantAccess([frontend]);
  return { chart, web, server };
}

describe('a Server on a CanaryRollout', () => {
  let built!: ReturnType<typeof canaryShop>;
  // synthesize() runs the construct validations and the whole validator, references and safety rules included.
  const synthesis = synthesize((app) => { built = canaryShop(app); });
  const objects: Obj[] = [...synthesis.files].filter(([file]) => file.startsWith('canary-shop/')).map(([, content]) => parse(content));
  const get = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`missing ${kind} ${name}`);
    return found;
  };

  test('selects the Rollout\'s pods by its selector labels, so stable and canary pods alike', () => {
    const server = get('Server', 'web');
    const rollout = get('Rollout', 'web');
    expect(server.spec.podSelector).toEqual({ matchLabels: { app: 'web' } });
    expect(server.spec.podSelector.matchLabels).toEqual(rollout.spec.selector.matchLabels);
    expect(server.spec.podSelector.matchLabels).toEqual(built.web.selectorLabels);
    // Argo Rollouts labels each ReplicaSet's pods with the template labels plus its own pod template hash.
    const podsOf = (hash: string) => ({ ...rollout.spec.template.metadata.labels, 'rollouts-pod-template-hash': hash });
    const selects = (labels: Record<string, string>) =>
      Object.entries(server.spec.podSelector.matchLabels).every(([key, value]) => labels[key] === value);
    expect([podsOf('stable0hash'), podsOf('canary1hash')].map(selects)).toEqual([true, true]);
  });

  test('the port resolves by name to the container port the Rollout declares', () => {
    expect(get('Server', 'web').spec.port).toBe('http');
    expect(built.server.portNumber).toBe(8080);
    const declared = get('Rollout', 'web').spec.template.spec.containers.flatMap((c: Obj) => c.ports);
    expect(declared).toContainEqual({ containerPort: 8080, name: 'http' });
  });

  test('the probe route is derived from the Rollout\'s HTTP probes on the Server port, and only the kubelet\'s networks may call it', () => {
    expect(built.server.probePaths).toEqual(['/healthz', '/ready']);
    const probeRoute = get('HTTPRoute', 'web-probe-route');
    expect(probeRoute.spec.parentRefs).toEqual([expect.objectContaining({ kind: 'Server', name: 'web' })]);
    expect(probeRoute.spec.rules).toEqual([{ matches: [
      { method: HttpMethod.GET, path: { type: 'Exact', value: '/healthz' } },
      { method: HttpMethod.GET, path: { type: 'Exact', value: '/ready' } },
    ] }]);
    const probePolicy = get('AuthorizationPolicy', 'web-probe-policy');
    expect(probePolicy.spec.targetRef).toMatchObject({ kind: 'HTTPRoute', name: 'web-probe-route' });
    expect(get('NetworkAuthentication', 'web-probe-authn').spec.networks).toEqual([{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }]);
  });

  test('the /api route is granted to the frontend identity only', () => {
    const policies = objects.filter((o) => o.kind === 'AuthorizationPolicy' && o.spec.targetRef.name === 'web-api');
    expect(policies).toHaveLength(1);
    const identities = policies[0].spec.requiredAuthenticationRefs
      .map((ref: Obj) => get(ref.kind, ref.name)).flatMap((authn: Obj) => authn.spec.identities);
    expect(identities).toEqual(['frontend.shop.serviceaccount.identity.linkerd.cluster.local']);
  });

  test('the Rollout\'s pods are meshed, so the policies take effect', () => {
    expect(get('Rollout', 'web').spec.template.metadata.annotations).toMatchObject({ 'linkerd.io/inject': 'enabled' });
  });
});

test('a Server on a CanaryRollout resolves a port by number', () => {
  let server!: Server;
  synthesize((app) => { server = canaryShop(app, ServerPort.number(9090)).server; });
  expect(server.portNumber).toBe(9090);
  expect(server.probePaths).toEqual(['/admin/started']);
});

test.each<[string, ServerPort, RegExp]>([
  ['an undeclared port number', ServerPort.number(7000),
    /^\[canary-shop\/web-server\] port 7000 is invalid; allowed: a container port of canary-shop\/web \(declared: web:http=8080, web:admin=9090\)$/],
  ['an undeclared port name', ServerPort.named('grpc'),
    /^\[canary-shop\/web-server\] port "grpc" is invalid; allowed: a container port name of canary-shop\/web \(declared: web:http=8080, web:admin=9090\)$/],
])('a Server on a CanaryRollout rejects %s, listing the declared ports', (_, port, error) => {
  expect(() => canaryShop(new App(), port)).toThrow(error);
});
