import { Chart, ChartProps, Duration } from 'cdk8s';
import { ImagePullPolicy, Protocol } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AnalysisMetric, CanaryRollout, CanaryStep, CanaryTrafficRouting, PrometheusAnalysisTemplate, integerProblem, invalidValueProblem, throwIfProblems,
  AccessPolicy, MeshedNamespace,
} from '../lib';

const NAMESPACE = 'test';

/** The per-environment values of the rollouts-demo scenario (see charts/environments.ts). */
export interface RolloutsDemoValues {
  /** Replicas of podinfo. @default 2 */
  readonly replicas?: number;
  /** podinfo's image. @default 'quay.io/stefanprodan/podinfo:1.7.0' */
  readonly image?: string;
  /** Canary weights, each step followed by `pause`, ascending, each 1..99. @default [30, 40, 60, 80] */
  readonly canaryWeights?: readonly number[];
  /** Pause after each canary weight. @default Duration.seconds(10) */
  readonly pause?: Duration;
  /** Linkerd success rate the background analysis requires (0 < x ≤ 1). @default 0.99 */
  readonly minimumSuccessRate?: number;
  /**
   * The namespace's default inbound policy (`config.linkerd.io/default-inbound-policy`): `AUDIT` to introduce
   * policies without refusing anything, `DENY` once they cover every client.
   * @default - the control plane's default (not rendered)
   */
  readonly accessPolicy?: AccessPolicy.AUDIT | AccessPolicy.DENY;
}

/** Props of {@link RolloutsDemoChart}. */
export interface RolloutsDemoChartProps extends ChartProps, RolloutsDemoValues {}

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

  constructor(scope: Construct, id: string, props: RolloutsDemoChartProps = {}) {
    super(scope, id, { ...props, namespace: NAMESPACE });
    const weights = props.canaryWeights ?? [30, 40, 60, 80];
    const minimum = props.minimumSuccessRate ?? 0.99;
    const replicas = props.replicas ?? 2;
    throwIfProblems(this, [
      integerProblem('replicas', replicas, 1, 1000),
      weights.length > 0 && weights.every((w, i) => Number.isInteger(w) && w >= 1 && w <= 99 && (i === 0 || w > weights[i - 1])) ? undefined
        : invalidValueProblem('canaryWeights', weights, 'a non-empty ascending list of integers 1..99'),
      minimum > 0 && minimum <= 1 ? undefined : invalidValueProblem('minimumSuccessRate', minimum, 'a share in (0, 1]'),
    ]);

    new MeshedNamespace(this, 'Namespace', {
      metadata: { name: NAMESPACE },
      proxy: props.accessPolicy === undefined ? undefined : { defaultInboundPolicy: props.accessPolicy },
    });

    const successRate = new PrometheusAnalysisTemplate(this, 'SuccessRate', {
      metadata: { name: 'podinfo-success-rate' },
      metrics: [AnalysisMetric.linkerdSuccessRate({
        minimum,
        interval: Duration.seconds(20),
        initialDelay: Duration.seconds(30),
        failureLimit: 1,
      })],
    });

    this.canary = new CanaryRollout(this, 'Rollout', {
      metadata: { name: 'rollouts-demo' },
      serviceName: 'podinfo',
      trafficRouting: CanaryTrafficRouting.gatewayApiPlugin({ routeName: 'argo-rollouts-http-route' }),
      replicas,
      revisionHistoryLimit: 2,
      selectorLabels: { app: 'podinfo' },
      securityContext: { ensureNonRoot: false },
      containers: [{
        name: 'podinfod',
        image: props.image ?? 'quay.io/stefanprodan/podinfo:1.7.0',
        ports: [{ number: 9898, protocol: Protocol.TCP }],
        imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
        // podinfo as the seed runs it: the image's user, a writable filesystem, no resource settings.
        securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
        resources: {},
      }],
      steps: weights.flatMap((weight) => [CanaryStep.setWeight(weight), CanaryStep.pause(props.pause ?? Duration.seconds(10))]),
      backgroundAnalysis: { template: successRate },
    });
  }
}
