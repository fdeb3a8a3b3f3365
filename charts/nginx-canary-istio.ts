import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayV1Alpha3, VirtualServiceV1Alpha3 } from '../imports/istio-networking-networking.istio.io';
import { AnalysisMetric, CanaryRollout, CanaryTrafficRouting, PrometheusAnalysisTemplate } from '../lib';
import { SEED_003_NAMESPACE, SEED_003_NGINX_ROLLOUT, SEED_003_SUCCESS_RATE } from './nginx-canary';

/**
 * Seed 003 as written, on Istio: a replica-ratio canary (no traffic router; the Istio
 * VirtualService sends all traffic to the `nginx` Service) judged by `http-req-check` on
 * `istio_requests_total`, behind the seed's Istio Gateway and VirtualService.
 * Alternative to `nginx-canary` (same names in `default`): pick one per cluster.
 *
 * Instead of labelling the shared `default` namespace `istio-injection=enabled` as the seed
 * does, the pods carry `sidecar.istio.io/inject: "true"`, which Istio's injector honours in
 * unlabelled namespaces; rendering (and one day pruning) `default` is not this chart's business.
 * The query uses `rate` over 5m where the seed used `irate` (a success ratio wants the average).
 */
export class NginxCanaryIstioChart extends Chart {
  /** The canary rollout. */
  public readonly canary: CanaryRollout;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { ...props, namespace: SEED_003_NAMESPACE });

    const httpReqCheck = new PrometheusAnalysisTemplate(this, 'HttpReqCheck', {
      metadata: { name: 'http-req-check' },
      prometheusAddress: 'http://prometheus.istio-system:9090',
      metrics: [AnalysisMetric.istioSuccessRate({ ...SEED_003_SUCCESS_RATE, rateWindow: Duration.minutes(5) })],
    });

    this.canary = new CanaryRollout(this, 'Rollout', {
      ...SEED_003_NGINX_ROLLOUT,
      trafficRouting: CanaryTrafficRouting.replicaRatio(),
      meshInjection: false,
      podLabels: { 'sidecar.istio.io/inject': 'true' },
      backgroundAnalysis: { template: httpReqCheck },
    });

    const gateway = new GatewayV1Alpha3(this, 'Gateway', {
      metadata: { name: 'nginx-gateway' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
      },
    });
    new VirtualServiceV1Alpha3(this, 'VirtualService', {
      metadata: { name: 'nginx' },
      spec: {
        hosts: ['*'],
        gateways: [gateway.name],
        http: [{
          match: [{ uri: { exact: '/' } }],
          route: [{
            destination: {
              host: `${this.canary.rootService.name}.${SEED_003_NAMESPACE}.svc.cluster.local`,
              port: { number: this.canary.servicePort },
            },
          }],
        }],
      },
    });
  }
}
