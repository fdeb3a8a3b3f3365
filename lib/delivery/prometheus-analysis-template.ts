import { ApiObjectMetadata, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AnalysisTemplate,
  AnalysisTemplateSpecMetricsCount,
  AnalysisTemplateSpecMetricsFailureLimit,
} from '../../imports/argo-rollouts-analysis-template-argoproj.io';
import { objectNameProblem, throwIfProblems } from '../common';
import { AnalysisArgValue, AnalysisMetric } from './analysis-metric';
import { LINKERD_VIZ_PROMETHEUS_ADDRESS } from './linkerd';

/** Properties of a {@link PrometheusAnalysisTemplate}. */
export interface PrometheusAnalysisTemplateProps {
  /**
   * Metadata of the AnalysisTemplate object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name the construct id
   */
  readonly metadata?: ApiObjectMetadata;
  /** The metrics to measure; an analysis fails as soon as one of them fails. */
  readonly metrics: readonly AnalysisMetric[];
  /**
   * Address of the Prometheus that scrapes the metrics (http or https URL).
   * @default LINKERD_VIZ_PROMETHEUS_ADDRESS, the linkerd-viz Prometheus
   */
  readonly prometheusAddress?: string;
}

/**
 * An Argo Rollouts AnalysisTemplate whose metrics are Prometheus queries built by
 * {@link AnalysisMetric} (Linkerd golden metrics or Istio). Referenced by a
 * {@link CanaryRollout}, which supplies every argument the queries use.
 */
export class PrometheusAnalysisTemplate extends Construct {
  /** Name of the AnalysisTemplate object. */
  public readonly name: string;
  /** Namespace of the AnalysisTemplate object (that of its chart). */
  public readonly namespace: string;
  /** The metrics, in order. */
  public readonly metrics: readonly AnalysisMetric[];
  /** Whether every metric has a count, so that an analysis of this template finishes on its own. */
  public readonly finishes: boolean;

  constructor(scope: Construct, id: string, props: PrometheusAnalysisTemplateProps) {
    super(scope, id);
    this.name = props.metadata?.name ?? id;
    this.namespace = Chart.of(this).namespace ?? '';
    this.metrics = props.metrics;
    this.finishes = props.metrics.every((m) => m.count !== undefined);
    const address = props.prometheusAddress ?? LINKERD_VIZ_PROMETHEUS_ADDRESS;
    const names = props.metrics.map((m) => m.name);

    throwIfProblems(this, [
      objectNameProblem('metadata.name', this.name),
      this.namespace === '' ? 'the chart has no namespace; allowed: a chart with a namespace (AnalysisTemplates are namespaced)' : undefined,
      props.metrics.length === 0 ? 'metrics are empty; allowed: at least one metric' : undefined,
      ...names.filter((n, i) => names.indexOf(n) !== i)
        .map((n) => `metric name "${n}" is used twice; allowed: unique metric names (set \`name\` on one of them)`),
      /^https?:\/\/[^\s/]+(\/\S*)?$/.test(address) ? undefined
        : `prometheusAddress "${address}" is invalid; allowed: an http:// or https:// URL`,
      ...props.metrics.flatMap((m) => m.problems()),
    ]);

    new AnalysisTemplate(this, 'Resource', {
      metadata: { ...props.metadata, name: this.name },
      spec: {
        args: this.argumentNames.map((name) => ({ name })),
        metrics: props.metrics.map((metric) => ({
          name: metric.name,
          interval: metric.interval,
          initialDelay: metric.initialDelay,
          count: metric.count === undefined ? undefined : AnalysisTemplateSpecMetricsCount.fromNumber(metric.count),
          failureLimit: metric.failureLimit === undefined
            ? undefined : AnalysisTemplateSpecMetricsFailureLimit.fromNumber(metric.failureLimit),
          successCondition: metric.successCondition,
          provider: { prometheus: { address, query: metric.query } },
        })),
      },
    });
  }

  /** Names of the arguments the queries use, sorted; a referencing Rollout must supply each. */
  public get argumentNames(): string[] {
    return [...new Set(this.metrics.flatMap((m) => [...m.args.keys()]))].sort();
  }

  /** The value a Rollout passes for an argument unless it is told otherwise. */
  public defaultArgumentValue(name: string): AnalysisArgValue | undefined {
    return this.metrics.map((m) => m.args.get(name)).find((v) => v !== undefined);
  }
}
