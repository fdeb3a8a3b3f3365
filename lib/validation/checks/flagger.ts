import { APPS, CORE, FLAGGER } from '../api-groups';
import { fieldPath } from '../field-path';
import { splitApiVersion } from '../object-identity';
import { IndexedObject, Report, TargetIndex } from '../target-index';
import { asArray, asObject, asString, getIn, JsonObject, stringMap } from '../values';

/**
 * Flagger v1.44.0 (the vendored CRD's release): what the controller refuses (pkg/controller/controller.go verifyCanary,
 * pkg/canary getSelectorLabel) and how the scheduler moves traffic (pkg/controller/scheduler.go maxWeight and
 * nextStepWeight), for configurations the Canary CRD accepts.
 */
const BUILTIN_METRICS = new Set(['request-success-rate', 'request-duration']);
/** Flagger's default -selector-labels. */
const SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];
const TOTAL_WEIGHT = 100;

export function checkFlaggerCanary(index: TargetIndex, canary: IndexedObject, report: Report): void {
  const spec = asObject(canary.manifest.spec) ?? {};
  const target = checkTarget(index, canary, spec, report);
  const analysis = asObject(spec.analysis) ?? asObject(spec.canaryAnalysis);
  const analysisPath = asObject(spec.analysis) ? 'spec.analysis' : 'spec.canaryAnalysis';
  if (analysis) {
    checkWeights(canary, spec, analysis, analysisPath, report);
    checkMetrics(index, canary, analysis, analysisPath, report);
    const affinity = asObject(analysis.sessionAffinity);
    if (affinity && (asString(affinity.cookieName) ?? '') === (asString(affinity.primaryCookieName) ?? '')) {
      report(canary, fieldPath(analysisPath, 'sessionAffinity', 'primaryCookieName'), 'semantic/flagger-session-affinity',
        `primaryCookieName "${asString(affinity.primaryCookieName) ?? ''}" equal to cookieName is invalid: Flagger refuses the Canary `
        + '("invalid canary spec"); allowed: two different cookie names');
    }
  }
  const ref = asObject(spec.targetRef) ?? {};
  const knativeTarget = ref.kind === 'Service' && ref.apiVersion === 'serving.knative.dev/v1';
  if (knativeTarget !== (spec.provider === 'knative')) {
    report(canary, knativeTarget ? 'spec.provider' : 'spec.targetRef', 'semantic/flagger-knative', knativeTarget
      ? `provider ${JSON.stringify(spec.provider ?? '')} with a Knative Service target is invalid: Flagger refuses the Canary; `
        + 'allowed: provider knative'
      : `target ${asString(ref.apiVersion) ?? ''}/${asString(ref.kind) ?? ''} with provider knative is invalid: Flagger refuses the Canary; `
        + 'allowed: a serving.knative.dev/v1 Service');
  } else if (knativeTarget && spec.autoscalerRef !== undefined) {
    report(canary, 'spec.autoscalerRef', 'semantic/flagger-knative',
      'autoscalerRef with a Knative Service is invalid: Flagger refuses the Canary; allowed: no autoscalerRef');
  }
  if (target) checkTargetPort(canary, spec, target, report);
}

function checkTarget(index: TargetIndex, canary: IndexedObject, spec: JsonObject, report: Report): IndexedObject | undefined {
  const ref = asObject(spec.targetRef) ?? {};
  const kind = asString(ref.kind) ?? 'Deployment';
  const name = asString(ref.name) ?? '';
  const apiGroup = splitApiVersion(asString(ref.apiVersion) ?? 'apps/v1').group;
  if (apiGroup === 'serving.knative.dev') return undefined; // Knative is not rendered or vendored here.
  // Flagger finds a Service target by kind; its own tests write apiVersion core/v1.
  const group = kind === 'Service' && (apiGroup === 'core' || apiGroup === CORE) ? CORE : apiGroup;
  const target = index.find(group, kind, canary.id.namespace, name);
  if (!target) {
    report(canary, 'spec.targetRef', 'ref/canary-target',
      `${kind} "${canary.id.namespace}/${name}" is not in this target: Flagger cannot initialize the Canary; `
      + `allowed: ${index.namesOf(group, kind, canary.id.namespace)}`);
    return undefined;
  }
  if (group === APPS && (kind === 'Deployment' || kind === 'DaemonSet')) {
    const matchLabels = stringMap(getIn(target.manifest, 'spec', 'selector', 'matchLabels'));
    if (!SELECTOR_LABELS.some((label) => label in matchLabels)) {
      report(canary, 'spec.targetRef', 'semantic/flagger-selector-label',
        `${kind} "${name}" has no ${SELECTOR_LABELS.join(', ')} label in spec.selector.matchLabels: `
        + 'Flagger (default -selector-labels) cannot create the primary and never starts the Canary; '
        + `allowed: a matchLabels key of ${SELECTOR_LABELS.join(', ')}`);
    }
  }
  return target;
}

/** A named targetPort must be a port name of the target's containers, or the Services Flagger creates reach nothing. */
function checkTargetPort(canary: IndexedObject, spec: JsonObject, target: IndexedObject, report: Report): void {
  const targetPort = getIn(spec, 'service', 'targetPort');
  if (typeof targetPort !== 'string' || /^[0-9]+$/.test(targetPort) || !target.podTemplate) return;
  const names = asArray(target.podTemplate.spec.containers).flatMap((c) => asArray(asObject(c)?.ports).map((p) => asString(asObject(p)?.name)))
    .filter((n): n is string => n !== undefined);
  if (!names.includes(targetPort)) {
    report(canary, 'spec.service.targetPort', 'semantic/flagger-target-port',
      `targetPort "${targetPort}" is not a container port name of ${target.id.kind} "${target.id.name}": `
      + `the Services Flagger creates send traffic nowhere; allowed: ${names.length > 0 ? names.join(', ') : 'a port number (no port is named)'}`);
  }
}

function checkWeights(canary: IndexedObject, spec: JsonObject, analysis: JsonObject, path: string, report: Report): void {
  const fractional = ['maxWeight', 'stepWeight', 'stepWeightPromotion', 'iterations', 'threshold', 'mirrorWeight']
    .map((field) => [field, analysis[field]] as const)
    .concat(asArray(analysis.stepWeights).map((w, i) => [`stepWeights[${i}]`, w] as const))
    .filter(([, value]) => typeof value === 'number' && !Number.isInteger(value));
  for (const [field, value] of fractional) {
    report(canary, `${path}.${field}`, 'semantic/flagger-weights',
      `${field} ${value} is invalid: Flagger decodes it into an integer field and cannot read the Canary; allowed: integers`);
  }
  if (fractional.length > 0) return;
  if (spec.skipAnalysis === true) return;
  const iterations = typeof analysis.iterations === 'number' ? analysis.iterations : 0;
  const stepWeight = typeof analysis.stepWeight === 'number' ? analysis.stepWeight : 0;
  const maxWeightField = typeof analysis.maxWeight === 'number' ? analysis.maxWeight : 0;
  const stepWeights = asArray(analysis.stepWeights).filter((w): w is number => typeof w === 'number');
  if (iterations > 0 || spec.provider === 'kubernetes') {
    // Blue/green or A/B testing (the kubernetes provider forces iterations): traffic moves at once. The CRD's oneOf
    // already rejects stepWeight or stepWeights next to iterations; maxWeight it lets through.
    if (analysis.maxWeight !== undefined) {
      report(canary, fieldPath(path, 'maxWeight'), 'semantic/flagger-weights',
        `maxWeight is ignored: with ${iterations > 0 ? `iterations ${iterations}` : 'the kubernetes provider'} `
        + 'Flagger runs a blue/green (or A/B) analysis that moves all traffic at once; allowed: no maxWeight, or stepWeight without iterations');
    }
    return;
  }
  // stepWeight next to stepWeights is a CRD oneOf error; maxWeight next to stepWeights is accepted and unused.
  if (stepWeights.length > 0 && analysis.maxWeight !== undefined) {
    report(canary, fieldPath(path, 'maxWeight'), 'semantic/flagger-weights',
      `maxWeight ${maxWeightField} is ignored with stepWeights: Flagger promotes at the last `
      + 'stepWeights value; allowed: maxWeight with stepWeight, or stepWeights alone');
  }
  const stuck = simulateCanaryWeights(stepWeight, stepWeights, maxWeightField);
  if (stuck !== undefined) {
    report(canary, path, 'semantic/flagger-weights', `these weights never promote: ${stuck}; allowed: stepWeight > 0 with maxWeight 1..100, `
      + 'or strictly increasing stepWeights');
  }
}

/**
 * Replays Flagger's canary traffic increase (scheduler.go: runCanary while nextStepWeight > 0, promotion once the
 * canary weight reaches maxWeight). Returns why the canary never gets promoted, or undefined when it does.
 */
export function simulateCanaryWeights(stepWeight: number, stepWeights: readonly number[], maxWeightField: number): string | undefined {
  const maxWeight = stepWeights.length > 0 ? Math.min(TOTAL_WEIGHT, stepWeights[stepWeights.length - 1])
    : maxWeightField > 0 ? maxWeightField : TOTAL_WEIGHT;
  const next = (weight: number): number => {
    if (stepWeight > 0 || stepWeights.length === 0) return stepWeight;
    const maxStep = TOTAL_WEIGHT - weight;
    if (maxStep === 0) return 1;
    if (weight === 0) return Math.min(maxStep, stepWeights[0]);
    for (let i = 0; i < stepWeights.length - 1; i++) {
      if (stepWeights[i] === weight) return Math.min(maxStep, stepWeights[i + 1] - weight);
    }
    return maxStep;
  };
  let weight = 0;
  const seen = new Set<number>();
  for (;;) {
    const step = next(weight);
    if (step <= 0) return `at canary weight ${weight} the next step is ${step}, so Flagger stops advancing`;
    if (weight >= maxWeight) return undefined;
    if (seen.has(weight)) return `the canary weight stays at ${weight}, below maxWeight ${maxWeight}`;
    seen.add(weight);
    weight = Math.min(TOTAL_WEIGHT, weight + step);
  }
}

function checkMetrics(index: TargetIndex, canary: IndexedObject, analysis: JsonObject, path: string, report: Report): void {
  asArray(analysis.metrics).forEach((value, i) => {
    const metric = asObject(value) ?? {};
    const metricPath = fieldPath(path, 'metrics', i);
    const ref = asObject(metric.templateRef);
    if (ref) {
      const name = asString(ref.name) ?? '';
      const namespace = asString(ref.namespace) || canary.id.namespace;
      if (!index.find(FLAGGER, 'MetricTemplate', namespace, name)) {
        report(canary, fieldPath(metricPath, 'templateRef'), 'ref/flagger-metric-template',
          `MetricTemplate "${namespace}/${name}" is not in this target: `
          + `every analysis run fails and Flagger rolls the canary back; allowed: ${index.namesOf(FLAGGER, 'MetricTemplate', namespace)}`);
      }
    } else if (!BUILTIN_METRICS.has(asString(metric.name) ?? '') && (asString(metric.query) ?? '') === '') {
      report(canary, metricPath, 'semantic/flagger-metric',
        `metric "${asString(metric.name) ?? ''}" has no templateRef or query and is not a built-in metric: `
        + 'every analysis run fails and Flagger rolls the canary back; allowed: request-success-rate, request-duration, a templateRef or a query');
    }
  });
}
