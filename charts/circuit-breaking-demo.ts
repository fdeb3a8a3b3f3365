import { Chart, ChartProps, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

const NAMESPACE = 'circuit-breaking-demo';

/**
 * Linkerd's circuit-breaking task (seed 000): `good` and `bad` terminus pods behind one
 * Service `bb` with consecutive-failures failure accrual, and slow-cooker as the client.
 */
export class CircuitBreakingDemoChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { ...props, namespace: NAMESPACE });

    const namespace = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: { name: NAMESPACE, annotations: { 'linkerd.io/inject': 'enabled' } },
    });
    // Namespaces are cluster-scoped: drop the chart's default namespace from this one object.
    namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));

    for (const [name, extraArgs] of [['good', []], ['bad', ['--percent-failure=100']]] as const) {
      new k8s.KubeDeployment(this, name, {
        metadata: { name },
        spec: {
          replicas: 1,
          selector: { matchLabels: { class: name } },
          template: {
            metadata: { labels: { class: name, app: 'bb' } },
            spec: {
              containers: [{
                name: 'terminus',
                image: 'buoyantio/bb:v0.0.6',
                args: ['terminus', '--h1-server-port=8080', ...extraArgs],
                ports: [{ containerPort: 8080 }],
              }],
            },
          },
        },
      });
    }

    new k8s.KubeService(this, 'bb', {
      metadata: { name: 'bb', annotations: { 'balancer.linkerd.io/failure-accrual': 'consecutive' } },
      spec: {
        ports: [{ name: 'http', port: 8080, targetPort: k8s.IntOrString.fromNumber(8080) }],
        selector: { app: 'bb' },
      },
    });

    new k8s.KubeDeployment(this, 'slow-cooker', {
      metadata: { name: 'slow-cooker' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'slow-cooker' } },
        template: {
          metadata: { labels: { app: 'slow-cooker' } },
          spec: {
            containers: [{
              name: 'slow-cooker',
              image: 'buoyantio/slow_cooker:1.3.0',
              command: ['/bin/sh'],
              args: ['-c', 'sleep 5 # wait for pods to start\n/slow_cooker/slow_cooker --qps 10 http://bb:8080\n'],
            }],
          },
        },
      },
    });
  }
}
