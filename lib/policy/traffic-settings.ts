import { Json, ObjectRef } from './model';
import { list } from './values';
import { groupOf, namespaceOf } from './workloads';

/** What a traffic setting is about; a review report shows the resilience kinds, a change review every kind. */
export type TrafficSettingKind =
  /** A Linkerd `retry.linkerd.io/*`, `timeout.linkerd.io/*` (Service, route) or `balancer.linkerd.io/*` (Service) annotation. */
  | 'annotation'
  /** A route rule's backend weight (routes attached to a Service). */
  | 'backend weight'
  /** A route rule's `timeouts.<name>`. */
  | 'route timeout'
  /** A route rule's `retry` (Gateway API GEP-1731). */
  | 'route retry'
  /** An HTTPLocalRateLimitPolicy's total, per-identity or per-client limit. */
  | 'rate limit'
  /** A ServiceProfile route's `timeout` or `isRetryable`, and the profile's `retryBudget`. */
  | 'profile route timeout'
  | 'profile route retryable'
  | 'retry budget'
  /** Argo Rollouts: a canary step, the background analysis, an analysis metric's thresholds. */
  | 'canary step'
  | 'background analysis'
  | 'analysis metric'
  /** Flagger: a Canary's analysis steps and gates, and its metrics' thresholds. */
  | 'canary analysis';

/** One setting that shapes traffic, as written in a manifest. */
export interface TrafficSetting {
  /** The object that carries it. */
  readonly object: ObjectRef;
  readonly kind: TrafficSettingKind;
  /**
   * What the setting is, named as people say it (not as a YAML path), unique per object: `rule 0 timeout request`,
   * `annotation retry.linkerd.io/limit`, `rule 0 backend api-canary:8080 weight`, `steps[2]`, `metric success-rate interval`.
   */
  readonly setting: string;
  /** The rule of a route setting (0-based). */
  readonly rule?: number;
  /** The annotation, timeout, ServiceProfile route, metric or field the setting is of. */
  readonly name?: string;
  /** As written (never undefined or null: an absent setting is not listed). */
  readonly value: unknown;
}

/** The route kinds whose annotations and rules Linkerd's outbound proxy reads, by `group/Kind`. */
const ROUTE_KINDS = new Set(['policy.linkerd.io/HTTPRoute', 'gateway.networking.k8s.io/HTTPRoute', 'gateway.networking.k8s.io/GRPCRoute']);
/** Annotations Linkerd reads on a Service (failure accrual too) and on a route (retries and timeouts only). */
const SERVICE_ANNOTATION = /^(retry|timeout|balancer)\.linkerd\.io\//;
const ROUTE_ANNOTATION = /^(retry|timeout)\.linkerd\.io\//;
/** What an Argo Rollouts analysis metric decides with. */
const ANALYSIS_METRIC_FIELDS = [
  'successCondition', 'failureCondition', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'interval', 'count',
];
/** What a Flagger Canary's analysis steps and gates with. */
const FLAGGER_ANALYSIS_FIELDS = ['interval', 'threshold', 'maxWeight', 'stepWeight', 'stepWeights', 'iterations'];

/**
 * The settings of a set of manifests that the proxies and the rollout controllers read to shape traffic: timeouts,
 * retries, failure accrual, backend weights, rate limits, canary steps and analysis thresholds. The one reader of them:
 * a review report shows the resilience ones, a change review compares all of them between two renders. In the order
 * of the manifests; per object, rule settings in rule order, then annotations by name.
 */
export function trafficSettingsOf(manifests: readonly Json[]): TrafficSetting[] {
  const settings: TrafficSetting[] = [];
  for (const m of manifests) {
    const group = groupOf(m);
    const kind = `${group}/${m.kind}`;
    const object: ObjectRef = { group, kind: m.kind, namespace: namespaceOf(m), name: m.metadata?.name };
    const set = (settingKind: TrafficSettingKind, setting: string, value: unknown, more: { rule?: number; name?: string } = {}) => {
      if (value !== undefined && value !== null) settings.push({ object, kind: settingKind, setting, ...more, value });
    };
    const annotations = (pattern: RegExp) => {
      for (const [name, value] of Object.entries((m.metadata?.annotations ?? {}) as Record<string, string>).sort(([a], [b]) => compare(a, b))) {
        if (pattern.test(name)) set('annotation', `annotation ${name}`, value, { name });
      }
    };
    if (ROUTE_KINDS.has(kind)) {
      const toService = list(m.spec?.parentRefs).some((p: Json) => p.kind === 'Service');
      list(m.spec?.rules).forEach((rule: Json, i: number) => {
        if (toService) {
          for (const b of list(rule.backendRefs) as Json[]) {
            set('backend weight', `rule ${i} backend ${b.name}:${b.port ?? '-'} weight`, b.weight ?? 1, { rule: i, name: b.name });
          }
        }
        for (const [name, value] of Object.entries((rule.timeouts ?? {}) as Record<string, unknown>)) {
          set('route timeout', `rule ${i} timeout ${name}`, value, { rule: i, name });
        }
        set('route retry', `rule ${i} retry`, rule.retry, { rule: i });
      });
      annotations(ROUTE_ANNOTATION);
    }
    if (kind === 'core/Service') annotations(SERVICE_ANNOTATION);
    if (kind === 'policy.linkerd.io/HTTPLocalRateLimitPolicy') {
      set('rate limit', 'total requests per second', m.spec?.total?.requestsPerSecond);
      set('rate limit', 'requests per second per identity', m.spec?.identity?.requestsPerSecond);
      for (const o of list(m.spec?.overrides) as Json[]) {
        const clients = (list(o.clientRefs) as Json[]).map((c) => `${c.kind} ${c.namespace ?? object.namespace}/${c.name}`).join(', ');
        set('rate limit', `requests per second for ${clients}`, o.requestsPerSecond);
      }
    }
    if (kind === 'linkerd.io/ServiceProfile') {
      for (const route of list(m.spec?.routes) as Json[]) {
        set('profile route timeout', `route ${route.name} timeout`, route.timeout, { name: route.name });
        set('profile route retryable', `route ${route.name} retryable`, route.isRetryable, { name: route.name });
      }
      set('retry budget', 'retry budget', m.spec?.retryBudget);
    }
    if (kind === 'argoproj.io/Rollout') {
      const canary = m.spec?.strategy?.canary;
      (list(canary?.steps) as Json[]).forEach((step, i) => set('canary step', `steps[${i}]`, describeStep(step)));
      set('background analysis', 'background analysis', canary?.analysis);
    }
    if (kind === 'argoproj.io/AnalysisTemplate' || kind === 'argoproj.io/ClusterAnalysisTemplate') {
      for (const metric of list(m.spec?.metrics) as Json[]) {
        for (const field of ANALYSIS_METRIC_FIELDS) set('analysis metric', `metric ${metric.name} ${field}`, metric[field], { name: metric.name });
      }
    }
    if (kind === 'flagger.app/Canary') {
      const analysis = m.spec?.analysis ?? {};
      for (const field of FLAGGER_ANALYSIS_FIELDS) set('canary analysis', `analysis ${field}`, analysis[field], { name: field });
      for (const metric of list(analysis.metrics) as Json[]) {
        set('canary analysis', `metric ${metric.name} thresholdRange`, metric.thresholdRange, { name: metric.name });
        set('canary analysis', `metric ${metric.name} interval`, metric.interval, { name: metric.name });
      }
    }
  }
  return settings;
}

/** A canary step as the Rollout's docs say it: `setWeight 20`, `pause 30s`, `analysis success-rate`. */
function describeStep(step: Json): string {
  if (step.setWeight !== undefined) return `setWeight ${step.setWeight}`;
  if (step.pause !== undefined) return step.pause.duration !== undefined ? `pause ${step.pause.duration}` : 'pause until promoted';
  if (step.analysis !== undefined) return `analysis ${(list(step.analysis.templates) as Json[]).map((t) => t.templateName).join(', ')}`;
  return JSON.stringify(step);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
