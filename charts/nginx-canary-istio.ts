import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayV1Alpha3, VirtualServiceV1Alpha3 } from '../imports/istio-networking-networking.istio.io';
import {
  AnalysisMetric, CanaryRollout, CanaryStep, CanaryTrafficRouting, PodBudget, PrometheusAnalysisTemplate,
} from '../lib/delivery';

/** Seed 003 runs in the `default` namespace, which exists in every cluster and is not rendered. */
const NAMESPACE = 'default';

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
    super(scope, id, { ...props, namespace: NAMESPACE });

    const httpReqCheck = new PrometheusAnalysisTemplate(this, 'HttpReqCheck', {
      name: 'http-req-check',
      prometheusAddress: 'http://prometheus.istio-system:9090',
      metrics: [AnalysisMetric.istioSuccessRate({
        name: 'request-success-rate',
        minimum: 0.95,
        interval: Duration.minutes(1),
        failureLimit: 1,
        rateWindow: Duration.minutes(5),
      })],
    });

    this.canary = new CanaryRollout(this, 'Rollout', {
      name: 'nginx',
      trafficRouting: CanaryTrafficRouting.replicaRatio(),
      meshInjection: false,
      podLabels: { 'sidecar.istio.io/inject': 'true' },
      replicas: 2,
      selectorLabels: { app: 'nginx' },
      containers: [{ name: 'nginx', image: 'nginx:1.23.4', ports: [{ containerPort: 80 }] }],
      maxSurge: PodBudget.count(1),
      maxUnavailable: PodBudget.count(0),
      steps: [
        CanaryStep.setWeight(30), CanaryStep.pause(Duration.seconds(30)),
        CanaryStep.setWeight(60), CanaryStep.pause(Duration.seconds(30)),
        CanaryStep.setWeight(100), CanaryStep.pause(Duration.seconds(10)),
      ],
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
              host: `${this.canary.rootService.name}.${NAMESPACE}.svc.cluster.local`,
              port: { number: this.canary.servicePort },
            },
          }],
        }],
      },
    });
  }
}
