import { Chart, ChartProps } from 'cdk8s';
import { ImagePullPolicy, Service } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HeaderMatch, HttpBackend, HttpRoute, HttpRouteApi, MeshedDeployment, MeshedNamespace, MeshedService, RouteParent } from '../lib';

const NAMESPACE = 'test';
const IMAGE = 'ghcr.io/stefanprodan/podinfo:6.7.1';

/**
 * The podinfo Helm releases of the task (`helm upgrade --install <release> podinfo/podinfo`):
 * Deployment and Service `<release>-podinfo`. The frontend calls backend-a-podinfo, the
 * route's parent; seed 000's `backend-podinfo` names no Service, seed 002 and the Linkerd
 * task use backend-a-podinfo.
 */
const RELEASES = [
  { release: 'frontend', message: undefined, backendUrl: 'http://backend-a-podinfo:9898/env' },
  { release: 'backend-a', message: 'A backend', backendUrl: undefined },
  { release: 'backend-b', message: 'B backend', backendUrl: undefined },
] as const;

/** Properties of the podinfo dynamic routing chart. */
export interface PodinfoDynamicRoutingChartProps extends ChartProps {
  /**
   * Whether this chart creates (and owns) the `test` namespace, which other scenarios use too.
   * @default true
   */
  readonly createNamespace?: boolean;
}

/**
 * Linkerd's dynamic request routing task (seeds 000 and 002): a podinfo frontend calling
 * backend-a-podinfo, and route `backend-router` sending requests with `x-request-id: alternative`
 * to backend-b-podinfo instead.
 */
export class PodinfoDynamicRoutingChart extends Chart {
  constructor(scope: Construct, id: string, props: PodinfoDynamicRoutingChartProps = {}) {
    super(scope, id, { ...props, namespace: NAMESPACE });
    if (props.createNamespace ?? true) new MeshedNamespace(this, 'Namespace', { metadata: { name: NAMESPACE } });

    const services: Record<string, Service> = {};
    for (const { release, message, backendUrl } of RELEASES) {
      const name = `${release}-podinfo`;
      const labels = { 'app.kubernetes.io/name': name };
      const deployment = new MeshedDeployment(this, name, {
        metadata: { name, labels },
        podLabels: labels,
        replicas: 1,
        securityContext: { ensureNonRoot: false },
        containers: [{
          name: 'podinfo',
          image: IMAGE,
          imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
          command: [
            './podinfo', '--port=9898', '--cert-path=/data/cert', '--port-metrics=9797', '--grpc-port=9999',
            '--grpc-service-name=podinfo', '--level=info', '--random-delay=false', '--random-error=false',
            ...(backendUrl ? [`--backend-url=${backendUrl}`] : []),
          ],
          envVariables: message ? { PODINFO_UI_MESSAGE: { value: message } } : {},
          ports: [{ name: 'http', number: 9898 }, { name: 'http-metrics', number: 9797 }, { name: 'grpc', number: 9999 }],
          securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
          resources: {},
        }],
      });
      services[release] = new MeshedService(this, `${name}-svc`, {
        metadata: { name, labels },
        selector: deployment,
        ports: [{ name: 'http', port: 9898, targetPort: 9898 }, { name: 'grpc', port: 9999, targetPort: 9999 }],
      });
    }

    new HttpRoute(this, 'backend-router', {
      metadata: { name: 'backend-router' },
      // Seed 000 writes this route as policy.linkerd.io (v1beta2; v1beta3 is its served successor).
      api: HttpRouteApi.POLICY_V1BETA3,
      parent: RouteParent.service(services['backend-a'], 9898),
      rules: [
        {
          matches: [{ headers: [HeaderMatch.exact('x-request-id', 'alternative')] }],
          backends: [HttpBackend.service(services['backend-b'], { port: 9898 })],
        },
        { backends: [HttpBackend.service(services['backend-a'], { port: 9898 })] },
      ],
    });
  }
}
