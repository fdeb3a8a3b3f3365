import { Chart, Testing } from 'cdk8s';
import { Probe, Service, ServiceAccount } from 'cdk8s-plus-28';
import { MeshedDeployment } from '../../lib/mesh';
import { Manifest } from '../../lib/output';
import { validatedSynth } from './validated-synth';

/** A small meshed app in namespace `shop`: Deployment `api` (port http=8080, probes /healthz and /ready), Service `api`, clients. */
export function fixture() {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const apiAccount = new ServiceAccount(chart, 'api-sa', { metadata: { name: 'api' } });
  const frontend = new ServiceAccount(chart, 'frontend-sa', { metadata: { name: 'frontend' } });
  const admin = new ServiceAccount(chart, 'admin-sa', { metadata: { name: 'admin' } });
  const deployment = new MeshedDeployment(chart, 'api', {
    metadata: { name: 'api' },
    podLabels: { app: 'api' },
    serviceAccount: apiAccount,
    containers: [{
      name: 'api',
      image: 'example/api:1.0.0',
      ports: [{ name: 'http', number: 8080 }, { name: 'admin', number: 9090 }],
      readiness: Probe.fromHttpGet('/ready', { port: 8080 }),
      liveness: Probe.fromHttpGet('/healthz', { port: 8080 }),
      resources: {},
    }],
  });
  const service = new Service(chart, 'api-svc', { metadata: { name: 'api' }, selector: deployment, ports: [{ name: 'http', port: 80,
    targetPort: 8080 }] });
  const canary = new Service(chart, 'api-canary-svc', { metadata: { name: 'api-canary' }, selector: deployment, ports: [{ name: 'http', port: 80,
    targetPort: 8080 }] });
  return { app, chart, deployment, service, canary, apiAccount, frontend, admin };
}

/** The chart's manifests, each checked by the project's validator. */
export function manifestsOf(chart: Chart): Manifest[] {
  return validatedSynth(chart);
}

/** The manifest of a kind and name; fails the test when absent. */
export function find(manifests: Manifest[], kind: string, name: string): Manifest & { spec: any } {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found as Manifest & { spec: any };
}

