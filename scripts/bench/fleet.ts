/**
 * The benchmark's generated app: N meshed services, each a realistic slice of what the
 * charts render. Service i has:
 * - `api-i`: a ServiceAccount, a meshed Deployment with a readiness probe, its Service, a
 *   Server on its port, two routes (reads for every client, writes for one) with their
 *   authorization policies and MeshTLS authentications, and the derived probe authorization;
 * - `web-i`: a canary Rollout moved by the Gateway API plugin, with its stable, canary and
 *   root Services, the HTTPRoute the plugin edits, and a Linkerd success-rate AnalysisTemplate.
 * Services are grouped 100 to a namespace (or `servicesPerTarget`), one render target per namespace.
 */
import { App, Chart, Duration } from 'cdk8s';
import { Probe, Service, ServiceAccount } from 'cdk8s-plus-28';
import { AnalysisMetric, CanaryRollout, CanaryStep, PrometheusAnalysisTemplate } from '../../lib/delivery';
import { HttpMethod, MeshedDeployment, MeshedNamespace, PathMatch, ProxyProtocol, Server, ServerPort } from '../../lib/mesh';

const SERVICES_PER_TARGET = 100;
const PORT = 8080;

export function buildFleet(app: App, size: number, servicesPerTarget = SERVICES_PER_TARGET): void {
  for (let first = 0; first < size; first += servicesPerTarget) {
    const namespace = `fleet-${String(first / servicesPerTarget).padStart(2, '0')}`;
    const chart = new Chart(app, namespace, { namespace });
    new MeshedNamespace(chart, 'Namespace', { metadata: { name: namespace } });
    for (let i = first; i < Math.min(size, first + servicesPerTarget); i++) addService(chart, `${String(i).padStart(4, '0')}`);
  }
}

/** Adds service `api-<suffix>` and `web-<suffix>` (see above) to `chart`. */
export function addService(chart: Chart, suffix: string): void {
  const api = `api-${suffix}`;
  const web = `web-${suffix}`;
  const labels = { app: api };
  const apiAccount = new ServiceAccount(chart, `${api}-sa`, { metadata: { name: api } });
  const webAccount = new ServiceAccount(chart, `${web}-sa`, { metadata: { name: web } });
  const deployment = new MeshedDeployment(chart, api, {
    metadata: { name: api, labels },
    podLabels: labels,
    serviceAccount: apiAccount,
    containers: [{
      name: 'api',
      image: 'ghcr.io/example/api:1.0.0',
      ports: [{ name: 'http', number: PORT }],
      readiness: Probe.fromHttpGet('/ready', { port: PORT }),
      liveness: Probe.fromHttpGet('/live', { port: PORT }),
    }],
  });
  new Service(chart, `${api}-svc`, { metadata: { name: api }, selector: deployment, ports: [{ name: 'http', port: PORT }] });
  const server = new Server(chart, `${api}-server`, { metadata: { name: api }, workload: deployment, port: ServerPort.named('http'),
    proxyProtocol: ProxyProtocol.HTTP1 });
  const reads = server.addHttpRoute(`${api}-reads`, {
    metadata: { name: `${api}-reads` },
    rules: [{ matches: [{ method: HttpMethod.GET, path: PathMatch.prefix('/items') }] }],
  });
  reads.grantAccess([webAccount, apiAccount]);
  const writes = server.addHttpRoute(`${api}-writes`, {
    metadata: { name: `${api}-writes` },
    rules: [{ matches: [{ method: HttpMethod.POST, path: PathMatch.exact('/items') }, { method: HttpMethod.DELETE,
      path: PathMatch.prefix('/items/') }] }],
  });
  writes.grantAccess([webAccount]);

  const successRate = new PrometheusAnalysisTemplate(chart, `${web}-success-rate`, {
    metadata: { name: `${web}-success-rate` },
    metrics: [AnalysisMetric.linkerdSuccessRate({ minimum: 0.99, interval: Duration.seconds(30), failureLimit: 1 })],
  });
  new CanaryRollout(chart, web, {
    metadata: { name: web },
    replicas: 2,
    selectorLabels: { app: web },
    containers: [{ name: 'web', image: 'ghcr.io/example/web:1.0.0', ports: [{ number: PORT }], resources: {} }],
    steps: [10, 50].flatMap((weight) => [CanaryStep.setWeight(weight), CanaryStep.pause(Duration.minutes(1))]),
    backgroundAnalysis: { template: successRate },
  });
}
