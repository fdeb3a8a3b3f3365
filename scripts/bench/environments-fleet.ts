/**
 * The benchmark's fleet of environments: the same N services (scripts/bench/fleet.ts) in each of three
 * environments (staging, qa, production), 100 services per namespace and render target (`<environment>-fleet-NN`),
 * labelled with their environment, deployed by a FleetChart (an AppProject per environment, an Application per
 * target × cluster; production on two clusters).
 */
import { App, Chart } from 'cdk8s';
import { FleetChart } from '../../charts/fleet';
import { Environment } from '../../lib/gitops';
import { MeshedNamespace } from '../../lib/mesh';
import { addService } from './fleet';

const SERVICES_PER_TARGET = 100;

export const BENCH_ENVIRONMENTS: readonly Environment[] = [
  { name: 'staging', clusters: [{ name: 'staging-1', server: 'https://staging-1.k8s.example.org' }] },
  { name: 'qa', clusters: [{ name: 'qa-1', server: 'https://qa-1.k8s.example.org' }] },
  { name: 'production', clusters: [
    { name: 'production-1', server: 'https://production-1.k8s.example.org' },
    { name: 'production-2', server: 'https://production-2.k8s.example.org' },
  ] },
];

export function buildEnvironmentFleet(app: App, servicesPerEnvironment: number): void {
  const environments = BENCH_ENVIRONMENTS.map((environment) => {
    const charts: Chart[] = [];
    for (let first = 0; first < servicesPerEnvironment; first += SERVICES_PER_TARGET) {
      const namespace = `fleet-${String(first / SERVICES_PER_TARGET).padStart(2, '0')}`;
      const chart = new Chart(app, `${environment.name}-${namespace}`, { namespace, labels: { environment: environment.name } });
      new MeshedNamespace(chart, 'Namespace', { metadata: { name: namespace } });
      for (let i = first; i < Math.min(servicesPerEnvironment, first + SERVICES_PER_TARGET); i++) addService(chart, String(i).padStart(4, '0'));
      charts.push(chart);
    }
    return { environment, charts };
  });
  new FleetChart(app, 'fleet', { repoUrl: 'https://github.com/example-org/mesh.git', environments });
}
