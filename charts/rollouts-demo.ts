import { Chart, ChartProps, Duration } from 'cdk8s';
import { ImagePullPolicy, Protocol } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AnalysisMetric, CanaryRollout, CanaryStep, CanaryTrafficRouting, PrometheusAnalysisTemplate } from '../lib/delivery';
import { MeshedNamespace } from '../lib/mesh';

const NAMESPACE = 'test';

/**
 * Argo Rollouts canary of podinfo through the Gateway API plugin on Linkerd (seed 000,
 * "Progressive Delivery /w Argo Rollouts"), plus a background analysis on Linkerd's success rate.
 *
 * Uses namespace `test` and the names `podinfo*` like the Flagger scenario (`flagger-podinfo`):
 * the two are alternatives, pick one per cluster.
 *
 * Differences from the seed, on purpose:
 * - the root Service `podinfo` carries no `app.kubernetes.io/name: loadtester` /
 *   `app.kubernetes.io/instance: flagger` labels: the seed copied them from Linkerd's Flagger
 *   demo manifest, where they are a copy-paste leftover too; here it is labelled `app: podinfo`;
 * - the HTTPRoute is gateway.networking.k8s.io/v1 with parent group "" (core, the GAMMA
 *   spelling) instead of v1beta1 with `group: core`, and writes the weights 100/0, backend
 *   group/kind and the path match that the API server would otherwise default;
 * - pauses are written "10s" (the seed's `10`, same meaning);
 * - the plugin registration and its RBAC are in the `argo-rollouts-platform` chart.
 */
export class RolloutsDemoChart extends Chart {
  /** The canary rollout, whose `argoCdIgnoreDifferences` the Argo CD Application needs. */
  public readonly canary: CanaryRollout;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { ...props, namespace: NAMESPACE });

    new MeshedNamespace(this, 'Namespace', { name: NAMESPACE });

    const successRate = new PrometheusAnalysisTemplate(this, 'SuccessRate', {
      name: 'podinfo-success-rate',
      metrics: [AnalysisMetric.linkerdSuccessRate({
        minimum: 0.99,
        interval: Duration.seconds(20),
        initialDelay: Duration.seconds(30),
        failureLimit: 1,
      })],
    });

    this.canary = new CanaryRollout(this, 'Rollout', {
      name: 'rollouts-demo',
      serviceName: 'podinfo',
      trafficRouting: CanaryTrafficRouting.gatewayApiPlugin({ routeName: 'argo-rollouts-http-route' }),
      replicas: 2,
      revisionHistoryLimit: 2,
      selectorLabels: { app: 'podinfo' },
      securityContext: { ensureNonRoot: false },
      containers: [{
        name: 'podinfod',
        image: 'quay.io/stefanprodan/podinfo:1.7.0',
        ports: [{ number: 9898, protocol: Protocol.TCP }],
        imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
        // podinfo as the seed runs it: the image's user, a writable filesystem, no resource settings.
        securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
        resources: {},
      }],
      steps: [30, 40, 60, 80].flatMap((weight) => [CanaryStep.setWeight(weight), CanaryStep.pause(Duration.seconds(10))]),
      backgroundAnalysis: { template: successRate },
    });
  }
}
