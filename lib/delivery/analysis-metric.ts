import { Duration } from 'cdk8s';
import { durationProblem, goDuration, integerProblem } from '../common';

/** What an analysis argument value is resolved against: the rollout that runs the analysis. */
export interface AnalysisArgContext {
  /** Namespace of the rollout (and of its analysis templates). */
  readonly namespace: string;
  /** Name of the Service that clients call (the rollout's root Service). */
  readonly rootServiceName: string;
}

/** An analysis argument as Argo Rollouts takes it on a Rollout: a value, or where to read it from. */
export interface AnalysisArgJson {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly podTemplateHashValue: 'Latest' | 'Stable' };
}

/** The value a Rollout passes for one argument of an analysis template. */
export class AnalysisArgValue {
  /** A fixed string. */
  public static literal(value: string): AnalysisArgValue {
    return new AnalysisArgValue(`"${value}"`, () => ({ value }));
  }

  /** The pod template hash of the canary (the newest ReplicaSet), filled in by Argo Rollouts when the analysis starts. */
  public static canaryPodTemplateHash(): AnalysisArgValue {
    return new AnalysisArgValue('the canary pod template hash', () => ({ valueFrom: { podTemplateHashValue: 'Latest' } }));
  }

  /** The pod template hash of the stable ReplicaSet, filled in by Argo Rollouts when the analysis starts. */
  public static stablePodTemplateHash(): AnalysisArgValue {
    return new AnalysisArgValue('the stable pod template hash', () => ({ valueFrom: { podTemplateHashValue: 'Stable' } }));
  }

  /** The namespace of the rollout. */
  public static rolloutNamespace(): AnalysisArgValue {
    return new AnalysisArgValue('the rollout namespace', (context) => ({ value: context.namespace }));
  }

  /** The name of the rollout's root Service, the one clients call. */
  public static rootServiceName(): AnalysisArgValue {
    return new AnalysisArgValue('the root Service name', (context) => ({ value: context.rootServiceName }));
  }

  private constructor(
    /** What the value is, for error messages. */
    public readonly description: string,
    private readonly resolve: (context: AnalysisArgContext) => Omit<AnalysisArgJson, 'name'>,
  ) {}

  /** The argument as rendered on the Rollout. */
  public toArg(name: string, context: AnalysisArgContext): AnalysisArgJson {
    return { name, ...this.resolve(context) };
  }
}

/** When and how often a metric is measured, and how many failures it tolerates. */
export interface AnalysisMetricOptions {
  /**
   * Metric name, unique within its template.
   * @default - the factory's name, e.g. `success-rate`
   */
  readonly name?: string;
  /**
   * Time between two measurements.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
  /**
   * Time before the first measurement, so that the canary has served traffic for a whole
   * rate window (an earlier query finds no series and fails the measurement).
   * @default - measure at once
   */
  readonly initialDelay?: Duration;
  /**
   * Number of measurements after which the metric is complete.
   * Required for metrics used in an analysis step, which otherwise never finishes.
   * @default - measured until the rollout ends (background analysis only)
   */
  readonly count?: number;
  /**
   * Failed measurements tolerated; one more fails the analysis and aborts the rollout.
   * @default 0 (Argo Rollouts' default: the first failed measurement aborts)
   */
  readonly failureLimit?: number;
  /**
   * Range of the PromQL `rate()` window.
   * @default Duration.minutes(1)
   */
  readonly rateWindow?: Duration;
}

/** A success-rate metric: the share of non-failed responses must stay at or above `minimum`. */
export interface SuccessRateMetricOptions extends AnalysisMetricOptions {
  /** Lowest acceptable success rate, as a fraction from 0 to 1 (0.99 = 99%). */
  readonly minimum: number;
}

/** A latency metric: the given percentile of response latency must stay at or below `maximum`. */
export interface LatencyMetricOptions extends AnalysisMetricOptions {
  /** Percentile, as a fraction strictly between 0 and 1 (0.99 = p99). */
  readonly percentile: number;
  /** Highest acceptable latency at that percentile (whole milliseconds). */
  readonly maximum: Duration;
}

/** An Istio success-rate metric. */
export interface IstioSuccessRateMetricOptions extends SuccessRateMetricOptions {
  /**
   * The cluster DNS domain, part of Istio's `destination_service` label.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/** Linkerd proxy metric labels that scope a query to the canary pods' inbound traffic. */
const LINKERD_CANARY_SELECTOR = 'namespace="{{args.namespace}}", '
  // Argo Rollouts labels every pod with its ReplicaSet's `rollouts-pod-template-hash`; the
  // linkerd-viz Prometheus copies pod labels onto proxy metrics. This label exists for any
  // owner (unlike `deployment`, which Linkerd only sets for pods of a Deployment) and picks
  // exactly the canary pods, not the stable ones.
  + 'rollouts_pod_template_hash="{{args.canary-hash}}", direction="inbound"';

const LINKERD_ARGS: ReadonlyMap<string, AnalysisArgValue> = new Map([
  ['canary-hash', AnalysisArgValue.canaryPodTemplateHash()],
  ['namespace', AnalysisArgValue.rolloutNamespace()],
]);

/**
 * One metric of an analysis template, measured through Prometheus. The success condition is
 * always guarded with `len(result) > 0`: without it, a query that finds no series (no traffic
 * yet) makes `result[0]` an index error and the analysis errors out instead of measuring.
 */
export class AnalysisMetric {
  /**
   * Linkerd success rate of the canary pods: inbound responses not classified as failures,
   * over all inbound responses (`response_total` of the Linkerd proxies).
   */
  public static linkerdSuccessRate(options: SuccessRateMetricOptions): AnalysisMetric {
    return new AnalysisMetric(options, 'success-rate', (window) =>
      `sum(rate(response_total{${LINKERD_CANARY_SELECTOR}, classification!="failure"}[${window}]))\n`
      + `/\nsum(rate(response_total{${LINKERD_CANARY_SELECTOR}}[${window}]))`,
      { operator: '>=', threshold: options.minimum, rule: 'a success rate from 0 to 1', valid: (v) => v >= 0 && v <= 1 },
      LINKERD_ARGS);
  }

  /**
   * Linkerd latency percentile of the canary pods' inbound responses, in milliseconds,
   * from the proxies' `response_latency_ms_bucket` histogram.
   */
  public static linkerdLatency(options: LatencyMetricOptions): AnalysisMetric {
    const percentile = options.percentile;
    const maximumMs = options.maximum.toMilliseconds({ integral: false });
    return new AnalysisMetric(options, `latency-p${String(+(percentile * 100).toFixed(2)).replace('.', '-')}`, (window) =>
      `histogram_quantile(${percentile}, sum by (le) (rate(response_latency_ms_bucket{${LINKERD_CANARY_SELECTOR}}[${window}])))`,
      { operator: '<=', threshold: maximumMs, rule: 'a latency of whole milliseconds >= 1', valid: (v) => Number.isInteger(v) && v >= 1 },
      LINKERD_ARGS,
      percentile > 0 && percentile < 1 ? undefined
        : `percentile ${percentile} is invalid; allowed: a fraction strictly between 0 and 1 (0.99 = p99)`);
  }

  /**
   * Istio success rate of the root Service, as seen by the calling sidecars (`reporter="source"`):
   * responses without a 5xx code over all responses of `istio_requests_total`.
   */
  public static istioSuccessRate(options: IstioSuccessRateMetricOptions): AnalysisMetric {
    const service = `destination_service="{{args.service-name}}.{{args.namespace}}.svc.${options.clusterDomain ?? 'cluster.local'}"`;
    return new AnalysisMetric(options, 'success-rate', (window) =>
      `sum(rate(istio_requests_total{reporter="source", ${service}, response_code!~"5.*"}[${window}]))\n`
      + `/\nsum(rate(istio_requests_total{reporter="source", ${service}}[${window}]))`,
      { operator: '>=', threshold: options.minimum, rule: 'a success rate from 0 to 1', valid: (v) => v >= 0 && v <= 1 },
      new Map([['namespace', AnalysisArgValue.rolloutNamespace()], ['service-name', AnalysisArgValue.rootServiceName()]]));
  }

  /** Metric name, unique within its template. */
  public readonly name: string;
  /** The Argo Rollouts success condition, guarded against empty results. */
  public readonly successCondition: string;
  /** Arguments the query uses, each with the value a Rollout passes unless told otherwise. */
  public readonly args: ReadonlyMap<string, AnalysisArgValue>;
  /** Number of measurements, or undefined when the metric runs until the rollout ends. */
  public readonly count?: number;

  private constructor(
    private readonly options: AnalysisMetricOptions,
    defaultName: string,
    private readonly queryFor: (rateWindow: string) => string,
    private readonly condition: { operator: '>=' | '<='; threshold: number; rule: string; valid: (value: number) => boolean },
    args: ReadonlyMap<string, AnalysisArgValue>,
    private readonly extraProblem?: string,
  ) {
    this.name = options.name ?? defaultName;
    this.successCondition = `len(result) > 0 && result[0] ${condition.operator} ${condition.threshold}`;
    this.args = args;
    this.count = options.count;
  }

  /** Problems with the options, each naming the bad value and what is allowed. */
  public problems(): string[] {
    const { interval, initialDelay, count, failureLimit, rateWindow } = this.options;
    const what = `metric "${this.name}"`;
    return [
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.name) ? undefined
        : `${what}: name is invalid; allowed: lowercase letters, digits and "-", starting and ending with a letter or digit`,
      this.condition.valid(this.condition.threshold) ? undefined
        : `${what}: threshold ${this.condition.threshold} is invalid; allowed: ${this.condition.rule}`,
      this.extraProblem === undefined ? undefined : `${what}: ${this.extraProblem}`,
      interval === undefined ? undefined : durationProblem(`${what}: interval`, interval),
      rateWindow === undefined ? undefined : durationProblem(`${what}: rate window`, rateWindow),
      initialDelay === undefined ? undefined : durationProblem(`${what}: initialDelay`, initialDelay),
      count === undefined ? undefined : integerProblem(`${what}: count`, count, 1),
      failureLimit === undefined ? undefined : integerProblem(`${what}: failureLimit`, failureLimit, 0),
      count !== undefined && failureLimit !== undefined && failureLimit >= count
        ? `${what}: failureLimit ${failureLimit} is invalid with count ${count}; allowed: less than count (else it can never fail)`
        : undefined,
    ].filter((p): p is string => p !== undefined);
  }

  /** The PromQL query; `{{args.<name>}}` placeholders are filled in by Argo Rollouts. Valid options only. */
  public get query(): string {
    return this.queryFor(goDuration(this.options.rateWindow ?? Duration.minutes(1)));
  }

  /** The measurement interval as Argo Rollouts takes it. Valid options only. */
  public get interval(): string {
    return goDuration(this.options.interval ?? Duration.minutes(1));
  }

  /** The delay before the first measurement as Argo Rollouts takes it, if one was given. Valid options only. */
  public get initialDelay(): string | undefined {
    return this.options.initialDelay === undefined ? undefined : goDuration(this.options.initialDelay);
  }

  /** The failure limit, if one was given. */
  public get failureLimit(): number | undefined {
    return this.options.failureLimit;
  }
}
