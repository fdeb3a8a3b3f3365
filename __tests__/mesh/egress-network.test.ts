import { App, Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { EgressControlChart } from '../../charts/egress-control';
import {
  EgressNetwork, EgressTrafficPolicy, GrpcMethodMatch, GrpcRoute, HttpBackend, HttpMethod, HttpRoute, MeshedDeployment, MeshedService, Network,
  PathMatch, RouteParent,
} from '../../lib/mesh';
import { synthesize } from '../../lib/output';
import { formatProblem, validateTargets } from '../../lib/validation';
import { find, manifestsOf } from '../support/mesh-fixture';

type Obj = Record<string, any>;

function egressChart() {
  const chart = new Chart(Testing.app(), 'egress', { namespace: 'egress-test' });
  return { chart };
}

test('an EgressNetwork denies by default; routes on it allow what they match, on to the original destination', () => {
  const { chart } = egressChart();
  const egress = new EgressNetwork(chart, 'egress', { metadata: { name: 'partners' }, networks: [Network.cidr('203.0.113.0/24',
    ['203.0.113.128/25'])] });
  new HttpRoute(chart, 'get', {
    metadata: { name: 'partner-get' }, parent: RouteParent.egressNetwork(egress, 80), rules: [{ matches: [{ method: HttpMethod.GET,
      path: PathMatch.prefix('/v1') }] }],
  });
  new GrpcRoute(chart, 'grpc', {
    metadata: { name: 'partner-grpc' }, parent: RouteParent.egressNetwork(egress, 443),
      rules: [{ matches: [{ method: GrpcMethodMatch.service('partner.v1.Quotes') }] }],
  });
  const manifests = manifestsOf(chart);
  expect(find(manifests, 'EgressNetwork', 'partners').spec).toEqual({
    trafficPolicy: 'Deny', networks: [{ cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] }],
  });
  const egressBackend = [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'partners', weight: 1 }];
  expect(find(manifests, 'HTTPRoute', 'partner-get').spec).toEqual({
    parentRefs: [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'partners', port: 80 }],
    rules: [{ matches: [{ method: 'GET', path: { type: 'PathPrefix', value: '/v1' } }], backendRefs: egressBackend }],
  });
  expect(find(manifests, 'GRPCRoute', 'partner-grpc').spec.rules[0].backendRefs).toEqual(egressBackend);
});

test('an egress route may send to an in-cluster Service instead (e.g. a stub), and is an outbound route', () => {
  const { chart } = egressChart();
  const stub = new MeshedDeployment(chart, 'stub', { podLabels: { app: 'stub' }, containers: [{ image: 'example/stub:1', ports: [{ number: 8080 }],
    resources: {} }] });
  const stubService = new MeshedService(chart, 'stub-svc', { metadata: { name: 'stub' }, selector: stub, ports: [{ port: 80, targetPort: 8080 }] });
  const egress = new EgressNetwork(chart, 'egress', { metadata: { name: 'all' }, trafficPolicy: EgressTrafficPolicy.ALLOW });
  const route = new HttpRoute(chart, 'to-stub', { metadata: { name: 'to-stub' }, parent: RouteParent.egressNetwork(egress, 80),
    rules: [{ backends: [HttpBackend.service(stubService)] }] });
  expect(route.isOutbound).toBe(true);
  expect(find(manifestsOf(chart), 'HTTPRoute', 'to-stub').spec.rules[0].backendRefs)
    .toEqual([{ group: '', kind: 'Service', name: 'stub', port: 80, weight: 1 }]);
});

test.each<[string, (chart: Chart) => unknown, RegExp]>([
  ['an empty network list', (chart) => new EgressNetwork(chart, 'e', { networks: [] }),
    /^\[egress\/e\] networks \[\] is invalid; allowed: at least one network, or leave networks unset for every address outside the cluster$/],
  ['an exception that negates its network', (chart) => new EgressNetwork(chart, 'e', { networks: [Network.cidr('10.0.0.0/8', ['10.0.0.0/8'])] }),
    /^\[egress\/e\] exception of 10\.0\.0\.0\/8 "10\.0\.0\.0\/8" is invalid; allowed: a sub-network of 10\.0\.0\.0\/8 of the same IP family, smaller than it$/],
  ['a parent port out of range', (chart) => new HttpRoute(chart, 'r', { parent: RouteParent.egressNetwork(new EgressNetwork(chart, 'e'), 0),
    rules: [{}] }),
    /^\[egress\/r\] parent EgressNetwork port 0 is invalid; allowed: integers 1\.\.65535$/],
  ['an egress route as authorization target', (chart) => new HttpRoute(chart, 'r', { parent: RouteParent.egressNetwork(new EgressNetwork(chart, 'e'),
    80), rules: [{}] })
    .grantNetworkAccess([Network.anyIpv4()]), /authorization target "outbound route .*" is invalid; allowed: an inbound route/],
])('%s is refused', (_name, build, expected) => {
  expect(() => build(egressChart().chart)).toThrow(expected);
});

describe('the validator on hand-written egress objects', () => {
  const problemsOf = (manifests: object[]) => validateTargets([{
    name: 'egress', subjects: manifests.map((m, i) => ({ manifest: m as Record<string, unknown>, source: `egress#${i}` })),
  }]).map(formatProblem);
  const egress = (spec: object) => ({ apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'EgressNetwork', metadata: { name: 'e',
    namespace: 'egress-test' }, spec });

  test('a route on an EgressNetwork names a port, and the network exists', () => {
    const problems = problemsOf([{
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'egress-test' },
      spec: { parentRefs: [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'missing' }],
        rules: [{ backendRefs: [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'missing' }] }] },
    }]);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/spec\.parentRefs\[0\].*ref\/httproute-parent.*parent EgressNetwork "egress-test\/missing" is not in this target/),
      expect.stringMatching(/spec\.parentRefs\[0\].*semantic\/egress-parent-port.*has no port/),
      expect.stringMatching(/spec\.rules\[0\]\.backendRefs\[0\].*ref\/httproute-backend.*backend EgressNetwork "egress-test\/missing"/),
    ]));
  });

  test('networks as Linkerd admits them', () => {
    expect(problemsOf([egress({ trafficPolicy: 'Deny',
      networks: [] })])).toEqual([expect.stringMatching(/spec\.networks.*semantic\/egress-networks.*networks is empty/)]);
    expect(problemsOf([egress({ trafficPolicy: 'Deny', networks: [{ cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] }] })]))
      .toEqual([expect.stringMatching(/spec\.networks\[0\]\.except\[0\].*semantic\/egress-networks.*negates its whole network/)]);
    expect(problemsOf([egress({ trafficPolicy: 'Allow' })])).toEqual([]);
  });
});

test('egress-control scenario: only GET /get on port 80 leaves the namespace, after the route exists', () => {
  const synthesis = synthesize((app: App) => { new EgressControlChart(app, 'egress-control'); });
  const objects: Obj[] = [...synthesis.files].filter(([file]) => file.endsWith('.yaml')).map(([, content]) => parse(content));
  const get = (kind: string) => objects.find((o) => o.kind === kind)!;
  expect(get('EgressNetwork').spec).toEqual({ trafficPolicy: 'Deny' });
  expect(get('HTTPRoute').spec.parentRefs).toEqual([{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'all-egress-traffic', port: 80 }]);
  expect(get('HTTPRoute').spec.rules[0].matches).toEqual([{ method: 'GET', path: { type: 'Exact', value: '/get' } }]);
  // Deny takes effect when the EgressNetwork exists, so it is applied after its route, like a Server.
  const waves = (kind: string) => Number(get(kind).metadata.annotations['argocd.argoproj.io/sync-wave']);
  expect(waves('HTTPRoute')).toBeLessThan(waves('EgressNetwork'));
  expect(get('Namespace').metadata.annotations).toMatchObject({ 'linkerd.io/inject': 'enabled' });
  expect(synthesis.targets[0].objects.map((o) => o.manifest.kind)).toEqual(['Namespace', 'ServiceAccount', 'HTTPRoute', 'EgressNetwork',
    'Deployment']);
});
