import { Chart, ChartProps } from 'cdk8s';
import { ImagePullPolicy, Probe } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GrpcMethodMatch, GrpcRoute, HttpBackend, HttpRoute, MeshedDeployment, MeshedNamespace, MeshedService, RouteParent } from '../lib';

const NAMESPACE = 'traffic-shifting';
const IMAGE = 'ghcr.io/stefanprodan/podinfo:6.7.1';

/**
 * Linkerd's traffic shifting task with the Gateway API: two versions of podinfo behind the Service `podinfo` that
 * clients call, and client-side routes on it that shift traffic by weight: the HTTPRoute `podinfo-http` sends 90%
 * of HTTP requests to v1 and 10% to v2; the GRPCRoute `podinfo-grpc` sends podinfo's gRPC echo calls half and
 * half (its other calls stay on v1). Moving the weights moves the traffic, with no change to the pods.
 */
export class TrafficShiftingChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { ...props, namespace: NAMESPACE });
    new MeshedNamespace(this, 'Namespace', { metadata: { name: NAMESPACE } });
    const version = (name: 'v1' | 'v2') => {
      const labels = { app: 'podinfo', version: name };
      const deployment = new MeshedDeployment(this, `podinfo-${name}`, {
        metadata: { name: `podinfo-${name}` }, podLabels: labels, replicas: 1, securityContext: { ensureNonRoot: false },
        containers: [{
          name: 'podinfo', image: IMAGE, imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
          command: ['./podinfo', '--port=9898', '--grpc-port=9999', '--grpc-service-name=podinfo'],
          envVariables: { PODINFO_UI_MESSAGE: { value: `podinfo ${name}` } },
          ports: [{ name: 'http', number: 9898 }, { name: 'grpc', number: 9999 }],
          readiness: Probe.fromHttpGet('/readyz', { port: 9898 }),
          securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
          resources: {},
        }],
      });
      return new MeshedService(this, `podinfo-${name}-svc`, {
        metadata: { name: `podinfo-${name}` }, selector: deployment,
        ports: [{ name: 'http', port: 9898, targetPort: 9898 }, { name: 'grpc', port: 9999, targetPort: 9999 }],
      });
    };
    const v1 = version('v1');
    const v2 = version('v2');
    // The Service clients call selects v1 only: without the routes, nothing reaches v2.
    const podinfo = new MeshedService(this, 'podinfo-svc', {
      metadata: { name: 'podinfo' }, ports: [{ name: 'http', port: 9898, targetPort: 9898 }, { name: 'grpc', port: 9999, targetPort: 9999 }],
    });
    podinfo.selectLabel('app', 'podinfo');
    podinfo.selectLabel('version', 'v1');

    new HttpRoute(this, 'podinfo-http', {
      metadata: { name: 'podinfo-http' }, parent: RouteParent.service(podinfo, 9898),
      rules: [{ backends: [HttpBackend.service(v1, { port: 9898, weight: 90 }), HttpBackend.service(v2, { port: 9898, weight: 10 })] }],
    });
    new GrpcRoute(this, 'podinfo-grpc', {
      metadata: { name: 'podinfo-grpc' }, parent: RouteParent.service(podinfo, 9999),
      rules: [
        {
          matches: [{ method: GrpcMethodMatch.exact('echo.EchoService', 'Echo') }],
          backends: [HttpBackend.service(v1, { port: 9999, weight: 50 }), HttpBackend.service(v2, { port: 9999, weight: 50 })],
        },
        { backends: [HttpBackend.service(v1, { port: 9999 })] },
      ],
    });
  }
}
