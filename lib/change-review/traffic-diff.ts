import { Json } from '../policy';
import { compare } from './access-diff';

/** One traffic setting that differs: a client-side route weight, timeout, retry, failure accrual, rate limit, canary step or threshold. */
export interface TrafficChange {
  readonly target: string;
  /** `Kind ns/name` of the object that carries the setting. */
  readonly object: string;
  /** What the setting is, e.g. `rule 0 backend error-injector:8080 weight`, `steps[2]`, `metric success-rate successCondition`. */
  readonly setting: string;
  /** undefined when the setting is new. */
  readonly before?: string;
  /** undefined when the setting is gone. */
  readonly after?: string;
}

/** What an Argo Rollouts analysis metric decides with. */
const ANALYSIS_METRIC_FIELDS = [
  'successCondition', 'failureCondition', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'interval', 'count',
];
/** What a Flagger Canary's analysis steps and gates with. */
const FLAGGER_ANALYSIS_FIELDS = ['interval', 'threshold', 'maxWeight', 'stepWeight', 'stepWeights', 'iterations'];
const TRAFFIC_ANNOTATION = /^(retry\.linkerd\.io|timeout\.linkerd\.io|balancer\.linkerd\.io)\//;

/**
 * The traffic settings of one render, by `object \0 setting`: what the proxies and the rollout controllers read to
 * shape traffic, named as people say it (not as YAML paths), so a diff reads as `weight 10 → 20`.
 */
export function trafficSettings(manifests: readonly Json[]): Map<string, string> {
  const settings = new Map<string, string>();
  for (const m of manifests) {
    const object = `${m.kind} ${m.metadata?.namespace ?? 'default'}/${m.metadata?.name}`;
    const set = (setting: string, value: unknown) => {
      if (value !== undefined && value !== null) settings.set(`${object}\u0000${setting}`, typeof value === 'string' ? value : JSON.stringify(value));
    };
    const group = String(m.apiVersion ?? '').split('/')[0];
    for (const [name, value] of Object.entries((m.metadata?.annotations ?? {}) as Record<string, string>)) {
      if (TRAFFIC_ANNOTATION.test(name)) set(`annotation ${name}`, value);
    }
    if ((m.kind === 'HTTPRoute' || m.kind === 'GRPCRoute') && ((m.spec?.parentRefs ?? []) as Json[]).some((p) => p.kind === 'Service')) {
      ((m.spec?.rules ?? []) as Json[]).forEach((rule, i) => {
        for (const b of (rule.backendRefs ?? []) as Json[]) set(`rule ${i} backend ${b.name}:${b.port ?? '-'} weight`, b.weight ?? 1);
        for (const [name, value] of Object.entries((rule.timeouts ?? {}) as Record<string, unknown>)) set(`rule ${i} timeout ${name}`, value);
        if (rule.retry !== undefined) set(`rule ${i} retry`, rule.retry);
      });
    }
    if (m.kind === 'HTTPLocalRateLimitPolicy') {
      set('total requests per second', m.spec?.total?.requestsPerSecond);
      set('requests per second per identity', m.spec?.identity?.requestsPerSecond);
      for (const o of (m.spec?.overrides ?? []) as Json[]) {
        const clients = ((o.clientRefs ?? []) as Json[]).map((c) => `${c.kind} ${c.namespace ?? m.metadata?.namespace}/${c.name}`).join(', ');
        set(`requests per second for ${clients}`, o.requestsPerSecond);
      }
    }
    if (m.kind === 'ServiceProfile') {
      set('retry budget', m.spec?.retryBudget);
      for (const route of (m.spec?.routes ?? []) as Json[]) {
        set(`route ${route.name} timeout`, route.timeout);
        set(`route ${route.name} retryable`, route.isRetryable);
      }
    }
    if (group === 'argoproj.io' && m.kind === 'Rollout') {
      const canary = m.spec?.strategy?.canary;
      ((canary?.steps ?? []) as Json[]).forEach((step, i) => set(`steps[${i}]`, describeStep(step)));
      if (canary?.analysis !== undefined) set('background analysis', canary.analysis);
    }
    if (group === 'argoproj.io' && (m.kind === 'AnalysisTemplate' || m.kind === 'ClusterAnalysisTemplate')) {
      for (const metric of (m.spec?.metrics ?? []) as Json[]) {
        for (const field of ANALYSIS_METRIC_FIELDS) set(`metric ${metric.name} ${field}`, metric[field]);
      }
    }
    if (group === 'flagger.app' && m.kind === 'Canary') {
      const analysis = m.spec?.analysis ?? {};
      for (const field of FLAGGER_ANALYSIS_FIELDS) set(`analysis ${field}`, analysis[field]);
      for (const metric of (analysis.metrics ?? []) as Json[]) {
        set(`metric ${metric.name} thresholdRange`, metric.thresholdRange);
        set(`metric ${metric.name} interval`, metric.interval);
      }
    }
  }
  return settings;
}

/** The traffic settings of one target that differ between two renders, old → new. Deterministic order. */
export function trafficChanges(target: string, before: readonly Json[], after: readonly Json[]): TrafficChange[] {
  const was = trafficSettings(before);
  const now = trafficSettings(after);
  const keys = [...new Set([...was.keys(), ...now.keys()])].sort(compare);
  return keys.filter((k) => was.get(k) !== now.get(k)).map((key) => {
    const [object, setting] = key.split('\u0000');
    return { target, object, setting, before: was.get(key), after: now.get(key) };
  });
}

/** A canary step as the Rollout's docs say it: `setWeight 20`, `pause 30s`, `analysis success-rate`. */
function describeStep(step: Json): string {
  if (step.setWeight !== undefined) return `setWeight ${step.setWeight}`;
  if (step.pause !== undefined) return step.pause.duration !== undefined ? `pause ${step.pause.duration}` : 'pause until promoted';
  if (step.analysis !== undefined) return `analysis ${((step.analysis.templates ?? []) as Json[]).map((t) => t.templateName).join(', ')}`;
  return JSON.stringify(step);
}
