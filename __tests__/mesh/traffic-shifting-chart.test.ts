import { App } from 'cdk8s';
import { parse } from 'yaml';
import { TrafficShiftingChart } from '../../charts/traffic-shifting';
import { synthesize } from '../../lib/output';

type Obj = Record<string, any>;

// synthesize() runs every construct validation and the whole validator.
const synthesis = synthesize((app: App) => { new TrafficShiftingChart(app, 'traffic-shifting'); });
const objects: Obj[] = [...synthesis.files].filter(([file]) => file.endsWith('.yaml')).map(([, content]) => parse(content));
const get = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
const selects = (service: string) => objects.filter((o) => o.kind === 'Deployment'
  && Object.entries(get('Service', service).spec.selector).every(([k, v]) => o.spec.template.metadata.labels[k] === v)).map((o) => o.metadata.name);

test('without routes only v1 is reached: the Service clients call selects v1, each version has its own Service', () => {
  expect(selects('podinfo')).toEqual(['podinfo-v1']);
  expect(selects('podinfo-v1')).toEqual(['podinfo-v1']);
  expect(selects('podinfo-v2')).toEqual(['podinfo-v2']);
});

test('HTTP requests to podinfo are shifted 90/10 between the versions', () => {
  const route = get('HTTPRoute', 'podinfo-http');
  expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
  expect(route.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'podinfo', port: 9898 }]);
  const shares = route.spec.rules[0].backendRefs.map((b: Obj) => [b.name, b.port, b.weight]);
  expect(shares).toEqual([['podinfo-v1', 9898, 90], ['podinfo-v2', 9898, 10]]);
});

test('gRPC echo calls are shifted half and half; other calls stay on v1', () => {
  const route = get('GRPCRoute', 'podinfo-grpc');
  expect(route.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'podinfo', port: 9999 }]);
  const [echo, rest] = route.spec.rules;
  expect(echo.matches).toEqual([{ method: { type: 'Exact', service: 'echo.EchoService', method: 'Echo' } }]);
  expect(echo.backendRefs.map((b: Obj) => [b.name, b.weight])).toEqual([['podinfo-v1', 50], ['podinfo-v2', 50]]);
  expect(rest.matches).toBeUndefined();
  expect(rest.backendRefs.map((b: Obj) => [b.name, b.weight])).toEqual([['podinfo-v1', 1]]);
});
