import { Chart, ChartProps, Duration } from 'cdk8s';
import { ImagePullPolicy } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AnalysisMetric, CanaryRollout, CanaryRolloutProps, CanaryStep, PodBudget, PrometheusAnalysisTemplate, SuccessRateMetricOptions,
} from '../lib';

/** Seed 003 runs in the `default` namespace, which exists in every cluster and is not rendered. */
export const SEED_003_NAMESPACE = 'default';

/**
 * Seed 003's nginx Rollout, shared by its two renderings (this chart and `nginx-canary-istio`),
 * which differ only in traffic routing, mesh and metrics.
 */
export const SEED_003_NGINX_ROLLOUT = {
  metadata: { name: 'nginx' },
  replicas: 2,
  selectorLabels: { app: 'nginx' },
  // nginx as upstream ships it: as root, writing its cache, without resource settings.
  containers: [{
    name: 'nginx', image: 'nginx:1.23.4', ports: [{ number: 80 }], imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
    securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false }, resources: {},
  }],
  securityContext: { ensureNonRoot: false },
  maxSurge: PodBudget.count(1),
  maxUnavailable: PodBudget.count(0),
  steps: [
    CanaryStep.setWeight(30), CanaryStep.pause(Duration.seconds(30)),
    CanaryStep.setWeight(60), CanaryStep.pause(Duration.seconds(30)),
    CanaryStep.setWeight(100), CanaryStep.pause(Duration.seconds(10)),
  ],
} satisfies Partial<CanaryRolloutProps>;

/** Seed 003's `http-req-check` threshold: at least 95% success, measured every minute, one failure tolerated. */
export const SEED_003_SUCCESS_RATE = {
  name: 'request-success-rate',
  minimum: 0.95,
  interval: Duration.minutes(1),
  failureLimit: 1,
} satisfies SuccessRateMetricOptions;

/**
 * Seed 003's nginx canary with Prometheus analysis, on Linkerd: the Gateway API plugin moves
 * the weights and `http-req-check` judges Linkerd's success rate of the canary pods.
 * Alternative to `nginx-canary-istio` (same names in `default`): pick one per cluster.
 */
export class NginxCanaryChart extends Chart {
  /** The canary rollout, whose `argoCdIgnoreDifferences` the Argo CD Application needs. */
  public readonly canary: CanaryRollout;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { ...props, namespace: SEED_003_NAMESPACE });

    const httpReqCheck = new PrometheusAnalysisTemplate(this, 'HttpReqCheck', {
      metadata: { name: 'http-req-check' },
      metrics: [AnalysisMetric.linkerdSuccessRate(SEED_003_SUCCESS_RATE)],
    });

    this.canary = new CanaryRollout(this, 'Rollout', {
      ...SEED_003_NGINX_ROLLOUT,
      backgroundAnalysis: { template: httpReqCheck },
    });
  }
}
