import { Chart, ChartProps } from 'cdk8s';
import { ImagePullPolicy, Pods } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CircuitBreaker, MeshedDeployment, MeshedNamespace, MeshedService } from '../lib';

const NAMESPACE = 'circuit-breaking-demo';

/** The demo images run as upstream ships them. */
const AS_UPSTREAM = {
  imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
  securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
  resources: {},
} as const;

/** Properties of the circuit breaking chart. */
export interface CircuitBreakingDemoChartProps extends ChartProps {
  /**
   * Whether this chart creates (and owns) its namespace.
   * @default true
   */
  readonly createNamespace?: boolean;
}

/**
 * Linkerd's circuit-breaking task (seed 000): `good` and `bad` (100% failures) terminus pods
 * behind one Service `bb` with consecutive-failures failure accrual (Linkerd's defaults: 7
 * failures, 1s..1m penalty, jitter 0.5), and slow-cooker sending 10 requests/s to it.
 */
export class CircuitBreakingDemoChart extends Chart {
  constructor(scope: Construct, id: string, props: CircuitBreakingDemoChartProps = {}) {
    super(scope, id, { ...props, namespace: NAMESPACE });
    if (props.createNamespace ?? true) new MeshedNamespace(this, 'Namespace', { metadata: { name: NAMESPACE } });

    for (const [name, extraArgs] of [['good', []], ['bad', ['--percent-failure=100']]] as const) {
      new MeshedDeployment(this, name, {
        metadata: { name },
        podLabels: { class: name, app: 'bb' },
        replicas: 1,
        securityContext: { ensureNonRoot: false },
        containers: [{
          ...AS_UPSTREAM,
          name: 'terminus',
          image: 'buoyantio/bb:v0.0.6',
          args: ['terminus', '--h1-server-port=8080', ...extraArgs],
          ports: [{ number: 8080 }],
        }],
      });
    }
    const bb = new MeshedService(this, 'bb', {
      metadata: { name: 'bb' },
      selector: Pods.select(this, 'bb-pods', { labels: { app: 'bb' } }),
      ports: [{ name: 'http', port: 8080, targetPort: 8080 }],
    });
    new CircuitBreaker(this, 'bb-circuit-breaker', { service: bb });

    new MeshedDeployment(this, 'slow-cooker', {
      metadata: { name: 'slow-cooker' },
      podLabels: { app: 'slow-cooker' },
      replicas: 1,
      securityContext: { ensureNonRoot: false },
      containers: [{
        ...AS_UPSTREAM,
        name: 'slow-cooker',
        image: 'buoyantio/slow_cooker:1.3.0',
        command: ['/bin/sh'],
        args: ['-c', 'sleep 5 # wait for pods to start\n/slow_cooker/slow_cooker --qps 10 http://bb:8080\n'],
      }],
    });
  }
}
