import { Chart, ChartProps, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { FlaggerCanary, MeshedNamespace, meshedPodAnnotations } from '../lib';

const NAMESPACE = 'test';

/**
 * Linkerd's "Automated Canary Releases" with Flagger (seed 004): the demo app of
 * https://run.linkerd.io/flagger.yml (load generator, nginx frontend, podinfo) and the Canary
 * `podinfo` with the seed's analysis settings.
 *
 * Uses namespace `test` and the names `podinfo*` like the Argo Rollouts scenario
 * (`rollouts-demo`): the two are alternatives, pick one per cluster.
 *
 * The `podinfo` Service of flagger.yml is not rendered: Flagger creates and owns `podinfo`,
 * `podinfo-primary` and `podinfo-canary` from the Canary's `service`, and rewrites the apex
 * selector to the primary pods, which a rendered copy would fight over (drift in Argo CD).
 * The copy in flagger.yml also carried the loadtester labels by mistake.
 */
export class FlaggerPodinfoChart extends Chart {
  /** The Flagger canary. */
  public readonly canary: FlaggerCanary;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { ...props, namespace: NAMESPACE });

    new MeshedNamespace(this, 'Namespace', { metadata: { name: NAMESPACE } });
    const injected = meshedPodAnnotations(this);

    new k8s.KubeDeployment(this, 'load', {
      metadata: { name: 'load' },
      spec: {
        selector: { matchLabels: { app: 'load' } },
        replicas: 1,
        template: {
          metadata: { annotations: injected, labels: { app: 'load' } },
          spec: {
            containers: [{
              name: 'slow-cooker',
              image: 'buoyantio/slow_cooker:1.2.0',
              env: [{ name: 'QPS', value: '10' }, { name: 'CONCURRENCY', value: '1' }],
              command: ['/bin/sh', '-c'],
              args: ['slow_cooker -qps ${QPS} -concurrency ${CONCURRENCY} http://podinfo:9898'],
            }],
          },
        },
      },
    });

    const frontendConfig = new k8s.KubeConfigMap(this, 'frontend-config', {
      metadata: { name: 'frontend' },
      data: {
        'nginx.conf': [
          'events {}',
          'http {',
          '    server {',
          '      listen 8080;',
          '        location / {',
          '            proxy_pass http://podinfo:9898;',
          '        }',
          '    }',
          '}',
        ].join('\n'),
      },
    });
    new k8s.KubeDeployment(this, 'frontend', {
      metadata: { name: 'frontend', labels: { app: 'frontend' } },
      spec: {
        selector: { matchLabels: { app: 'frontend' } },
        replicas: 1,
        template: {
          metadata: { annotations: injected, labels: { app: 'frontend' } },
          spec: {
            containers: [{
              name: 'nginx',
              image: 'nginx:alpine',
              volumeMounts: [{ name: 'cfg', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf' }],
            }],
            volumes: [{ name: 'cfg', configMap: { name: frontendConfig.name } }],
          },
        },
      },
    });
    new k8s.KubeService(this, 'frontend-service', {
      metadata: { name: 'frontend' },
      spec: { ports: [{ name: 'service', port: 8080 }], selector: { app: 'frontend' } },
    });

    // No replicas: Flagger scales this Deployment to zero between releases, and a rendered
    // count would be drift that Argo CD keeps undoing.
    const podinfo = new k8s.KubeDeployment(this, 'podinfo', {
      metadata: { name: 'podinfo', labels: { app: 'podinfo' } },
      spec: {
        selector: { matchLabels: { app: 'podinfo' } },
        template: {
          metadata: { annotations: injected, labels: { app: 'podinfo' } },
          spec: {
            containers: [{
              name: 'podinfod',
              image: 'quay.io/stefanprodan/podinfo:1.7.0',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 9898 }],
              command: ['./podinfo', '--port=9898'],
            }],
          },
        },
      },
    });

    this.canary = new FlaggerCanary(this, 'Canary', {
      deployment: podinfo,
      interval: Duration.seconds(10),
      threshold: 5,
      stepWeight: 10,
      maxWeight: 100,
      minSuccessRatePercent: 99,
      maxRequestDuration: Duration.millis(500),
      metricInterval: Duration.minutes(1),
    });
  }
}
