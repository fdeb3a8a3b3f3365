import { Chart, ChartProps, Duration } from 'cdk8s';
import { ConfigMap, ContainerProps, ImagePullPolicy, Volume } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { FlaggerCanary, MeshedDeployment, MeshedNamespace, MeshedService } from '../lib';

const NAMESPACE = 'test';

/**
 * The demo containers run as flagger.yml runs them: nginx:alpine starts as root and writes /var/cache/nginx, and
 * slow_cooker and podinfo 1.7.0 are run as their images' users with a writable filesystem; flagger.yml sets no resources.
 * `IfNotPresent` is what the API server defaults to for these tagged images when no policy is given.
 */
const AS_UPSTREAM: Pick<ContainerProps, 'imagePullPolicy' | 'securityContext' | 'resources'> = {
  imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
  securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
  resources: {},
};

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
 *
 * The workloads are cdk8s-plus Deployments (`MeshedDeployment`), so the output differs from flagger.yml, on purpose:
 * - each container and pod carries an explicit security context: no privilege escalation, not privileged, and
 *   `runAsNonRoot: false` / `readOnlyRootFilesystem: false`, since the images need root or a writable filesystem;
 * - `automountServiceAccountToken: false` (cdk8s-plus' default): no container calls the API server, and the Linkerd
 *   proxy mounts its own identity token;
 * - cdk8s-plus writes the API server's defaults (rolling update 25%/25%, `dnsPolicy`, `restartPolicy`, the Service's
 *   `type: ClusterIP`, ...) and `imagePullPolicy: IfNotPresent` on every container, the value the API server gives
 *   these tagged images;
 * - `podinfo` has no `replicas`, as in flagger.yml: `FlaggerCanary` leaves it unrendered, since Flagger scales it.
 */
export class FlaggerPodinfoChart extends Chart {
  /** The Flagger canary. */
  public readonly canary: FlaggerCanary;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { ...props, namespace: NAMESPACE });

    new MeshedNamespace(this, 'Namespace', { metadata: { name: NAMESPACE } });
    const asUpstreamPod = { securityContext: { ensureNonRoot: false } };

    new MeshedDeployment(this, 'load', {
      ...asUpstreamPod,
      metadata: { name: 'load' },
      podLabels: { app: 'load' },
      replicas: 1,
      containers: [{
        ...AS_UPSTREAM,
        name: 'slow-cooker',
        image: 'buoyantio/slow_cooker:1.2.0',
        envVariables: { QPS: { value: '10' }, CONCURRENCY: { value: '1' } },
        command: ['/bin/sh', '-c'],
        args: ['slow_cooker -qps ${QPS} -concurrency ${CONCURRENCY} http://podinfo:9898'],
      }],
    });

    const frontendConfig = new ConfigMap(this, 'frontend-config', {
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
    const frontend = new MeshedDeployment(this, 'frontend', {
      ...asUpstreamPod,
      metadata: { name: 'frontend', labels: { app: 'frontend' } },
      podLabels: { app: 'frontend' },
      replicas: 1,
      containers: [{
        ...AS_UPSTREAM,
        name: 'nginx',
        image: 'nginx:alpine',
        volumeMounts: [{
          volume: Volume.fromConfigMap(this, 'frontend-config-volume', frontendConfig, { name: 'cfg' }),
          path: '/etc/nginx/nginx.conf',
          subPath: 'nginx.conf',
        }],
      }],
    });
    new MeshedService(this, 'frontend-service', {
      metadata: { name: 'frontend' },
      selector: frontend,
      ports: [{ name: 'service', port: 8080 }],
    });

    const podinfo = new MeshedDeployment(this, 'podinfo', {
      ...asUpstreamPod,
      metadata: { name: 'podinfo', labels: { app: 'podinfo' } },
      podLabels: { app: 'podinfo' },
      containers: [{
        ...AS_UPSTREAM,
        name: 'podinfod',
        image: 'quay.io/stefanprodan/podinfo:1.7.0',
        ports: [{ number: 9898 }],
        command: ['./podinfo', '--port=9898'],
      }],
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
