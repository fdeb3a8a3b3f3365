import { Chart, ChartProps, Duration } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  EgressNetwork, EgressTrafficPolicy, HttpMethod, HttpRetryCondition, HttpRoute, MeshedDeployment, MeshedNamespace, PathMatch, RetriesAndTimeouts,
  RouteParent,
} from '../lib';

const NAMESPACE = 'egress-test';

/**
 * Linkerd's "Managing egress traffic" task (Linkerd 2.17+): meshed clients of namespace `egress-test` may leave the
 * cluster only for what a route names. EgressNetwork `all-egress-traffic` captures every address outside the
 * cluster networks with traffic policy Deny; the HTTPRoute `httpbin-get` on it (port 80) lets `GET /get` through to
 * its original destination, with a timeout and retries; everything else (other paths, methods, hosts, ports) is
 * refused by the client's proxy. The `client` Deployment is a meshed shell to try it from.
 */
export class EgressControlChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { ...props, namespace: NAMESPACE });
    new MeshedNamespace(this, 'Namespace', { metadata: { name: NAMESPACE } });
    new MeshedDeployment(this, 'client', {
      metadata: { name: 'client' },
      podLabels: { app: 'client' },
      serviceAccount: new ServiceAccount(this, 'client-sa', { metadata: { name: 'client' } }),
      containers: [{ name: 'client', image: 'curlimages/curl:8.10.1', command: ['sleep', 'infinity'], resources: {} }],
    });
    const egress = new EgressNetwork(this, 'egress', { metadata: { name: 'all-egress-traffic' }, trafficPolicy: EgressTrafficPolicy.DENY });
    const httpbinGet = new HttpRoute(this, 'httpbin-get', {
      metadata: { name: 'httpbin-get' },
      parent: RouteParent.egressNetwork(egress, 80),
      rules: [{ matches: [{ method: HttpMethod.GET, path: PathMatch.exact('/get') }] }],
    });
    new RetriesAndTimeouts(this, 'httpbin-get-resilience', {
      target: httpbinGet, retries: { http: [HttpRetryCondition.gatewayErrors()], limit: 2 }, requestTimeout: Duration.seconds(5),
    });
  }
}
