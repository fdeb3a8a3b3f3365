import { ApiObjectMetadata, Chart, Duration } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Canary, CanarySpecTargetRefKind } from '../../imports/flagger-flagger.app';
import {
  durationProblem, goDuration, integerProblem, objectNameProblem, portNumberProblem, throwIfProblems,
} from '../common';

/** Properties of a {@link FlaggerCanary}. */
export interface FlaggerCanaryProps {
  /**
   * Metadata of the Canary; Flagger names the Services `<name>`, `<name>-primary` and `<name>-canary`: its `name` (a DNS-1123 subdomain),
     labels and annotations, as cdk8s-plus constructs take it.
   * @default - name the Deployment name
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * The Deployment that Flagger takes over (it creates `<name>-primary` from it and scales it to zero between releases):
   * a cdk8s-plus `Deployment` (e.g. lib/mesh's `MeshedDeployment`), whose containers declare their ports as cdk8s-plus
   * does (`ports: [{ number }]` or `portNumber`). A concrete Deployment, not an interface: Flagger targets only Deployments
   * (and DaemonSets), and this construct leaves the Deployment's `replicas` unrendered, since Flagger owns it. Its
   * `replicas` must be unset.
   */
  readonly deployment: Deployment;
  /**
   * Port of the Services that Flagger creates. When it is not a port the containers declare, the Services forward it
   * to the one declared container port (`service.targetPort`; Flagger would otherwise send traffic to this port of the pods).
   * @default - the only port declared by the Deployment's containers
   */
  readonly servicePort?: number;
  /** Time between two analysis runs (whole seconds; Flagger takes seconds or minutes). */
  readonly interval: Duration;
  /** Failed analysis runs tolerated before Flagger rolls back (>= 1). */
  readonly threshold: number;
  /** Canary weight added at each successful run, in percent (1..100). */
  readonly stepWeight: number;
  /** Canary weight at which Flagger promotes, in percent (stepWeight..100). */
  readonly maxWeight: number;
  /** Lowest acceptable Linkerd request success rate of the canary, in percent (0..100). */
  readonly minSuccessRatePercent: number;
  /** Highest acceptable Linkerd p99 request duration of the canary (whole milliseconds). */
  readonly maxRequestDuration: Duration;
  /**
   * Window over which both metrics are measured.
   * @default Duration.minutes(1)
   */
  readonly metricInterval?: Duration;
}

/**
 * A Flagger Canary for a Deployment, judged on Linkerd's built-in metrics
 * (`request-success-rate` and `request-duration`). The alternative to {@link CanaryRollout}
 * for teams that prefer Flagger; Flagger then owns the Services of the workload.
 */
export class FlaggerCanary extends Construct {
  /** Name of the Canary (and of the apex Service Flagger creates). */
  public readonly name: string;
  /** The Canary object. */
  public readonly canary: Canary;

  constructor(scope: Construct, id: string, props: FlaggerCanaryProps) {
    super(scope, id);
    const deployment = props.deployment;
    this.name = props.metadata?.name ?? deployment.name;
    const namespace = Chart.of(this).namespace;
    const declaredPorts = deployment.containers.flatMap((c) => c.ports.map((p) => p.number));
    const port = props.servicePort ?? (declaredPorts.length === 1 ? declaredPorts[0] : undefined);
    const targetPort = port !== undefined && declaredPorts.length === 1 && declaredPorts[0] !== port ? declaredPorts[0] : undefined;
    const metricInterval = props.metricInterval ?? Duration.minutes(1);

    throwIfProblems(this, [
      objectNameProblem('metadata.name', this.name),
      deployment.metadata.namespace === namespace ? undefined
        : `deployment ${deployment.name} is in namespace "${deployment.metadata.namespace}"; `
          + `allowed: the Canary's namespace "${namespace}"`,
      deployment.replicas === undefined ? undefined
        : `deployment ${deployment.name} replicas ${deployment.replicas} is invalid: Flagger owns the replica count of its target `
          + '(it scales it to zero between releases), and a rendered count is drift that Argo CD keeps undoing; allowed: replicas unset',
      port === undefined
        ? `the service port is ambiguous: the Deployment declares ports [${declaredPorts.join(', ')}]; `
          + 'allowed: exactly one declared port, or servicePort'
        : portNumberProblem('servicePort', port),
      durationProblem('interval', props.interval),
      durationProblem('metricInterval', metricInterval),
      integerProblem('threshold', props.threshold, 1),
      integerProblem('stepWeight', props.stepWeight, 1, 100),
      integerProblem('maxWeight', props.maxWeight, Math.max(1, props.stepWeight), 100),
      props.minSuccessRatePercent >= 0 && props.minSuccessRatePercent <= 100 ? undefined
        : `minSuccessRatePercent ${props.minSuccessRatePercent} is invalid; allowed: a percentage from 0 to 100`,
      integerProblem('maxRequestDuration in milliseconds', props.maxRequestDuration.toMilliseconds({ integral: false }), 1),
      ...flaggerTargetProblems(deployment.name, deployment.matchLabels, port, declaredPorts),
    ]);
    // Flagger owns spec.replicas of its target, as an autoscaler would: cdk8s-plus then renders none (instead of its default 2),
    // so Argo CD does not scale the target back up after Flagger scaled it to zero.
    deployment.markHasAutoscaler();

    // Flagger's duration pattern is ^[0-9]+(m|s): no hours.
    const flaggerDuration = (duration: Duration) => goDuration(duration, 'm');
    this.canary = new Canary(this, 'Resource', {
      metadata: { ...props.metadata, name: this.name },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: CanarySpecTargetRefKind.DEPLOYMENT, name: deployment.name },
        service: { port: port!, ...(targetPort === undefined ? {} : { targetPort }) },
        analysis: {
          interval: flaggerDuration(props.interval),
          threshold: props.threshold,
          stepWeight: props.stepWeight,
          maxWeight: props.maxWeight,
          metrics: [
            { name: 'request-success-rate', thresholdRange: { min: props.minSuccessRatePercent }, interval: flaggerDuration(metricInterval) },
            { name: 'request-duration', thresholdRange: { max: props.maxRequestDuration.toMilliseconds({ integral: false }) },
              interval: flaggerDuration(metricInterval) },
          ],
        },
      },
    });
  }
}

/** Flagger's default `-selector-labels`: the Deployment selector key Flagger builds the primary's selector from. */
const FLAGGER_SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];

/**
 * What Flagger v1.44.0 needs of the target Deployment that the Canary CRD cannot check: a selector label it knows
 * (pkg/canary getSelectorLabel), and a Service port that reaches a container port (pkg/router: targetPort defaults to the port).
 */
function flaggerTargetProblems(deployment: string, matchLabels: Record<string, string>, port: number | undefined,
  declaredPorts: readonly number[]): (string | undefined)[] {
  return [
    FLAGGER_SELECTOR_LABELS.some((label) => label in matchLabels) ? undefined
      : `deployment ${deployment} selector ${JSON.stringify(matchLabels)} is invalid: Flagger finds none of its selector labels and never `
        + `starts the Canary; allowed: a matchLabels key of ${FLAGGER_SELECTOR_LABELS.join(', ')}`,
    port === undefined || declaredPorts.length <= 1 || declaredPorts.includes(port) ? undefined
      : `servicePort ${port} is invalid: it is not a port of deployment ${deployment}'s containers, and with several declared ports `
        + `[${declaredPorts.join(', ')}] Flagger's Services would send traffic to port ${port} of the pods; `
        + `allowed: one of [${declaredPorts.join(', ')}]`,
  ];
}
