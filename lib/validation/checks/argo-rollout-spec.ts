import { fieldPath } from '../field-path';
import { parseGoDuration } from '../syntax/durations';
import { IndexedObject, Report } from '../target-index';
import { asArray, asObject, asString, isObject, JsonObject } from '../values';

/**
 * The Rollout spec rules of Argo Rollouts v1.9.1 (pkg/apis/rollouts/validation/validation.go, the vendored CRDs' release)
 * that the CRD schema does not express, and the step fields the controller reads differently from how they look
 * (utils/replicaset/canary.go). A Rollout failing one of the upstream rules gets the InvalidSpec condition and is not
 * rolled out.
 */
export const INVALID_SPEC = 'Argo Rollouts marks the Rollout InvalidSpec and does not roll it out';

const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
const DEFAULT_REVISION_HISTORY_LIMIT = 10;

/** Whether a Go pointer field decoded from this JSON value would be non-nil. */
function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

export function checkRolloutSpec(rollout: IndexedObject, report: Report): void {
  const spec = asObject(rollout.manifest.spec) ?? {};
  const bad = (field: string, rule: string, what: string, allowed: string): void =>
    report(rollout, field, rule, `${what} is invalid: ${INVALID_SPEC}; allowed: ${allowed}`);

  const workloadRef = asObject(spec.workloadRef);
  const template = asObject(spec.template);
  const templateMeta = asObject(template?.metadata) ?? {};
  // Upstream RolloutSpec.EmptyTemplate looks at the template's labels and annotations only.
  const hasEntries = (value: unknown): boolean => Object.keys(asObject(value) ?? {}).length > 0;
  if (workloadRef && (hasEntries(templateMeta.labels) || hasEntries(templateMeta.annotations))) {
    bad('spec.template', 'semantic/rollout-workload-ref', 'a template with labels or annotations next to workloadRef',
      'either workloadRef (and an empty template) or a pod template, not both');
  }
  const selector = asObject(spec.selector);
  if (!workloadRef && selector && Object.keys(selector).length > 0
    && Object.keys(asObject(selector.matchLabels) ?? {}).length === 0 && asArray(selector.matchExpressions).length === 0) {
    bad('spec.selector', 'semantic/rollout-selector', 'an empty selector', 'matchLabels or matchExpressions selecting the pod template labels');
  }
  for (const field of ['replicas', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds']) {
    const value = integer(spec[field]);
    if (value !== undefined && value < 0) bad(fieldPath('spec', field), 'semantic/rollout-spec', `${field} ${value}`, 'integers >= 0');
  }
  const minReadySeconds = integer(spec.minReadySeconds) ?? 0;
  const progressDeadlineSeconds = integer(spec.progressDeadlineSeconds) ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
  if (progressDeadlineSeconds <= minReadySeconds) {
    bad('spec.progressDeadlineSeconds', 'semantic/rollout-spec',
      `progressDeadlineSeconds ${progressDeadlineSeconds}${present(spec.progressDeadlineSeconds) ? '' : ' (the default)'}`,
      `more than minReadySeconds (${minReadySeconds})`);
  }

  const strategy = asObject(spec.strategy) ?? {};
  const canary = asObject(strategy.canary);
  const blueGreen = asObject(strategy.blueGreen);
  if (!canary && !blueGreen) {
    bad('spec.strategy', 'semantic/rollout-strategy', 'a strategy without canary or blueGreen', 'exactly one of canary, blueGreen');
  } else if (canary && blueGreen) {
    bad('spec.strategy', 'semantic/rollout-strategy', 'a strategy with both canary and blueGreen', 'exactly one of canary, blueGreen');
  } else if (blueGreen) {
    checkBlueGreen(spec, blueGreen, bad);
  } else if (canary) {
    checkCanary(canary, bad, report, rollout);
  }
}

type Bad = (field: string, rule: string, what: string, allowed: string) => void;

function checkBlueGreen(spec: JsonObject, blueGreen: JsonObject, bad: Bad): void {
  const path = 'spec.strategy.blueGreen';
  if ((asString(blueGreen.activeService) ?? '') === (asString(blueGreen.previewService) ?? '')) {
    bad(fieldPath(path, 'activeService'), 'semantic/rollout-services',
      `activeService "${asString(blueGreen.activeService) ?? ''}" equal to previewService`,
      'two different Services');
  }
  const limit = integer(blueGreen.scaleDownDelayRevisionLimit);
  const history = integer(spec.revisionHistoryLimit) ?? DEFAULT_REVISION_HISTORY_LIMIT;
  if (limit !== undefined && history < limit) {
    bad(fieldPath(path, 'scaleDownDelayRevisionLimit'), 'semantic/rollout-spec', `scaleDownDelayRevisionLimit ${limit}`,
      `at most revisionHistoryLimit (${history})`);
  }
  checkAntiAffinity(blueGreen.antiAffinity, fieldPath(path, 'antiAffinity'), bad);
}

/** Whether the router needs canary.stableService and canary.canaryService (upstream requireCanaryStableServices). */
function routerNeedsServices(routing: JsonObject, pingPong: boolean): string | undefined {
  if (isObject(routing.alb) && !pingPong) return 'alb';
  if (isObject(routing.istio) && !present(asObject(routing.istio)?.destinationRule) && !pingPong) return 'istio';
  return ['smi', 'apisix', 'ambassador', 'nginx', 'appMesh', 'traefik'].find((router) => isObject(routing[router]));
}

function checkCanary(canary: JsonObject, bad: Bad, report: Report, rollout: IndexedObject): void {
  const path = 'spec.strategy.canary';
  const routing = asObject(canary.trafficRouting);
  const plugins = Object.keys(asObject(routing?.plugins) ?? {});
  const stable = asString(canary.stableService) ?? '';
  const canaryService = asString(canary.canaryService) ?? '';
  checkMaxSurge(canary, bad);
  if (stable !== '' && stable === canaryService) {
    bad(fieldPath(path, 'stableService'), 'semantic/rollout-services', `stableService "${stable}" equal to canaryService`,
      'two different Services (e.g. <name>-stable and <name>-canary) selecting the same pods');
  }
  const pingPong = asObject(canary.pingPong);
  if (pingPong) {
    if (routing && !isObject(routing.alb) && !isObject(routing.istio)) {
      bad(fieldPath(path, 'trafficRouting', 'alb'), 'semantic/rollout-ping-pong', 'pingPong with a router other than ALB or Istio',
        'pingPong with alb or istio');
    }
    const ping = asString(pingPong.pingService) ?? '';
    const pong = asString(pingPong.pongService) ?? '';
    if (ping === '') bad(fieldPath(path, 'pingPong', 'pingService'), 'semantic/rollout-ping-pong', 'an empty pingService',
      'both pingService and pongService');
    if (pong === '') bad(fieldPath(path, 'pingPong', 'pongService'), 'semantic/rollout-ping-pong', 'an empty pongService',
      'both pingService and pongService');
    if (ping === pong) bad(fieldPath(path, 'pingPong', 'pingService'), 'semantic/rollout-ping-pong', `pingService "${ping}" equal to pongService`,
      'two different Services');
    if (routing && isObject(routing.alb) && (asString(asObject(routing.alb)?.rootService) ?? '') === '') {
      bad(fieldPath(path, 'trafficRouting', 'alb', 'rootService'), 'semantic/rollout-ping-pong', 'ALB routing with pingPong and no rootService',
        'alb.rootService set');
    }
  }
  if (routing) {
    const router = routerNeedsServices(routing, pingPong !== undefined);
    if (router !== undefined) {
      for (const [field, value] of [['stableService', stable], ['canaryService', canaryService]]) {
        if (value === '') {
          bad(fieldPath(path, field), 'semantic/rollout-traffic-routing', `traffic routing (${router}) without ${field}`,
            'both stableService and canaryService naming Services that select the Rollout\'s pods');
        }
      }
    }
    if (present(canary.scaleDownDelaySeconds) && canary.dynamicStableScale === true) {
      bad(fieldPath(path, 'dynamicStableScale'), 'semantic/rollout-scale-down', 'dynamicStableScale together with scaleDownDelaySeconds',
        'one of them');
    }
    checkRouterTargets(routing, bad);
    if (present(routing.maxTrafficWeight) && !isObject(routing.nginx) && plugins.length === 0) {
      bad(fieldPath(path, 'trafficRouting', 'maxTrafficWeight'), 'semantic/rollout-traffic-routing', 'maxTrafficWeight with this router',
        'maxTrafficWeight only with nginx or a traffic router plugin');
    }
  } else {
    if (present(canary.scaleDownDelaySeconds)) {
      bad(fieldPath(path, 'scaleDownDelaySeconds'), 'semantic/rollout-scale-down',
        `scaleDownDelaySeconds ${JSON.stringify(canary.scaleDownDelaySeconds)} without trafficRouting`,
        'scaleDownDelaySeconds only with trafficRouting');
    }
    if (canary.dynamicStableScale === true) {
      bad(fieldPath(path, 'dynamicStableScale'), 'semantic/rollout-scale-down', 'dynamicStableScale without trafficRouting',
        'dynamicStableScale only with trafficRouting');
    }
  }
  const maxWeight = routing ? integer(routing.maxTrafficWeight) ?? 100 : 100;
  asArray(canary.steps).forEach((value, i) => checkStep(asObject(value) ?? {}, fieldPath(path, 'steps', i), { routing, plugins, maxWeight }, bad,
    report, rollout));
  checkAntiAffinity(canary.antiAffinity, fieldPath(path, 'antiAffinity'), bad);
}

/**
 * Upstream ValidateRolloutNginxIngressesConfig, ValidateRolloutAlbIngressesConfig and ValidateRolloutVirtualServicesConfig
 * (run by the controller before it reads the referenced objects): one of the single and the list field.
 */
function checkRouterTargets(routing: JsonObject, bad: Bad): void {
  const path = 'spec.strategy.canary.trafficRouting';
  const exactlyOne = (router: string, single: string, list: string): void => {
    const config = asObject(routing[router]);
    if (!config) return;
    const hasSingle = nonEmpty(config[single]);
    const hasList = asArray(config[list]).length > 0;
    if (hasSingle === hasList) {
      bad(fieldPath(path, router), 'semantic/rollout-traffic-routing',
        `${router} routing with ${hasSingle ? `both ${single} and ${list}` : `neither ${single} nor ${list}`}`,
        `exactly one of ${single}, ${list}`);
    }
  };
  exactlyOne('nginx', 'stableIngress', 'stableIngresses');
  exactlyOne('alb', 'ingress', 'ingresses');
  const istio = asObject(routing.istio);
  // Upstream tests VirtualServices against nil, so an empty list counts as "the list is used".
  if (istio && present(istio.virtualServices) === present(istio.virtualService)) {
    bad(fieldPath(path, 'istio'), 'semantic/rollout-traffic-routing',
      `istio routing with ${present(istio.virtualService) ? 'both' : 'neither'} virtualService `
      + `${present(istio.virtualService) ? 'and' : 'nor'} virtualServices`, 'exactly one of virtualService, virtualServices');
  }
}

/** Upstream invalidMaxSurgeMaxUnavailable, with the controller's defaults (25 each) and intstr.IntValue's reading of strings. */
function checkMaxSurge(canary: JsonObject, bad: Bad): void {
  const amount = (value: unknown): number => {
    if (!present(value)) return 25;
    if (typeof value === 'number') return value;
    const text = String(value);
    const digits = text.endsWith('%') ? text.slice(0, -1) : text;
    return /^[+-]?[0-9]+$/.test(digits) ? Number(digits) : 0;
  };
  if (amount(canary.maxSurge) === 0 && amount(canary.maxUnavailable) === 0) {
    bad('spec.strategy.canary.maxSurge', 'semantic/rollout-max-surge', 'maxSurge 0 with maxUnavailable 0',
      'at least one of maxSurge, maxUnavailable above 0 (defaults: 25% each)');
  }
}

interface StepContext {
  readonly routing: JsonObject | undefined;
  readonly plugins: readonly string[];
  readonly maxWeight: number;
}

/** The step kinds upstream hasMultipleStepsType counts: at most one of these per step. */
const EXCLUSIVE_STEP_KINDS = ['setWeight', 'pause', 'experiment', 'analysis'];
const STEP_KINDS = ['experiment', 'pause', 'setWeight', 'analysis', 'setCanaryScale', 'setHeaderRoute', 'setMirrorRoute', 'plugin'];

function checkStep(step: JsonObject, path: string, context: StepContext, bad: Bad, report: Report, rollout: IndexedObject): void {
  const { routing, plugins, maxWeight } = context;
  if (!STEP_KINDS.some((kind) => present(step[kind]))) {
    bad(path, 'semantic/rollout-step', 'a step without an action', `one of ${STEP_KINDS.join(', ')}`);
  }
  const exclusive = EXCLUSIVE_STEP_KINDS.filter((kind) => present(step[kind]));
  if (exclusive.length > 1) {
    bad(path, 'semantic/rollout-step', `a step with ${exclusive.join(' and ')}`,
      `one of ${EXCLUSIVE_STEP_KINDS.join(', ')} per step (split it into several steps)`);
  }
  if (typeof step.setWeight === 'number' && (step.setWeight < 0 || step.setWeight > maxWeight)) {
    bad(fieldPath(path, 'setWeight'), 'semantic/rollout-weight', `setWeight ${step.setWeight}`,
      `0..${maxWeight}${maxWeight === 100 ? '' : ' (maxTrafficWeight)'}`);
  }
  const pause = asObject(step.pause);
  if (pause && present(pause.duration) && pauseSeconds(pause.duration) < 0) {
    bad(fieldPath(path, 'pause', 'duration'), 'semantic/rollout-pause', `pause duration ${JSON.stringify(pause.duration)}`,
      'integer seconds >= 0 (30 or "30") or a Go duration such as 30s, 5m, 1h');
  }
  const scale = asObject(step.setCanaryScale);
  if (scale) checkCanaryScale(scale, fieldPath(path, 'setCanaryScale'), routing, bad, report, rollout);
  const headerRoute = asObject(step.setHeaderRoute);
  if (headerRoute) {
    const supported = routing && (isObject(routing.istio) || isObject(routing.alb) || isObject(routing.apisix) || plugins.length > 0);
    if (!supported) {
      bad(fieldPath(path, 'setHeaderRoute'), 'semantic/rollout-header-route', 'setHeaderRoute without a router that supports it',
        'trafficRouting with istio, alb, apisix or a plugin (e.g. argoproj-labs/gatewayAPI)');
    } else {
      asArray(headerRoute.match).forEach((match, j) => {
        const matchPath = fieldPath(path, 'setHeaderRoute', 'match', j);
        const value = asObject(asObject(match)?.headerValue);
        if (isObject(routing.alb)) {
          if (!value || !nonEmpty(value.exact) || nonEmpty(value.regex) || nonEmpty(value.prefix)) {
            bad(matchPath, 'semantic/rollout-header-route', 'a header match other than exact with ALB', 'headerValue.exact only');
          }
        } else {
          stringMatchProblem(value, matchPath, 'semantic/rollout-header-route', bad);
        }
      });
    }
  }
  const mirrorRoute = asObject(step.setMirrorRoute);
  if (mirrorRoute) {
    if (!routing || !isObject(routing.istio)) {
      bad(fieldPath(path, 'setMirrorRoute'), 'semantic/rollout-mirror-route', 'setMirrorRoute without Istio traffic routing',
        'setMirrorRoute only with trafficRouting.istio');
    }
    asArray(mirrorRoute.match).forEach((match, j) => {
      const matchObject = asObject(match) ?? {};
      for (const field of ['method', 'path']) {
        if (present(matchObject[field])) stringMatchProblem(asObject(matchObject[field]), fieldPath(path, 'setMirrorRoute', 'match', j),
          'semantic/rollout-mirror-route', bad);
      }
    });
  }
  if (routing && (headerRoute || mirrorRoute)) {
    const managed = routing.managedRoutes;
    if (!present(managed)) {
      bad(fieldPath('spec.strategy.canary.trafficRouting', 'managedRoutes'), 'semantic/rollout-managed-routes',
        `${headerRoute ? 'setHeaderRoute' : 'setMirrorRoute'} without managedRoutes`,
        'trafficRouting.managedRoutes listing the route names the steps use');
    } else {
      const names = new Set(asArray(managed).map((route) => asString(asObject(route)?.name)));
      for (const [field, route] of [['setHeaderRoute', headerRoute], ['setMirrorRoute', mirrorRoute]] as const) {
        if (route && !names.has(asString(route.name) ?? '')) {
          bad(fieldPath(path, field, 'name'), 'semantic/rollout-managed-routes',
            `route name "${asString(route.name) ?? ''}", which is not in managedRoutes,`,
            `a name listed in trafficRouting.managedRoutes (${[...names].filter((n) => n !== undefined).join(', ') || 'none'})`);
        }
      }
    }
  }
  const experiment = asObject(step.experiment);
  if (experiment) {
    asArray(experiment.templates).forEach((value, j) => {
      if (!present(asObject(value)?.weight)) return;
      const weightPath = fieldPath(path, 'experiment', 'templates', j, 'weight');
      if (!routing) {
        bad(weightPath, 'semantic/rollout-experiment', 'an experiment template weight without trafficRouting', 'weight only with trafficRouting');
      } else if (!isObject(routing.alb) && !isObject(routing.smi) && !isObject(routing.istio) && plugins.length === 0) {
        bad(weightPath, 'semantic/rollout-experiment', 'an experiment template weight with this router',
          'weight only with SMI, ALB, Istio or a plugin');
      }
    });
  }
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

/** Upstream hasMultipleMatchValues: a StringMatch needs exactly one of exact, regex, prefix. */
function stringMatchProblem(match: JsonObject | undefined, path: string, rule: string, bad: Bad): void {
  const set = ['exact', 'regex', 'prefix'].filter((field) => nonEmpty(match?.[field]));
  if (set.length === 0) bad(path, rule, 'a match without a value', 'exactly one of exact, regex, prefix');
  else if (set.length > 1) bad(path, rule, `a match with ${set.join(' and ')}`, 'exactly one of exact, regex, prefix');
}

/**
 * setCanaryScale needs traffic routing (upstream rule). With it, the controller (UseSetCanaryScale and
 * GetCanaryReplicasOrWeight) takes matchTrafficWeight: true first, then replicas, then weight, so the others are ignored.
 */
function checkCanaryScale(scale: JsonObject, path: string, routing: JsonObject | undefined, bad: Bad, report: Report, rollout: IndexedObject): void {
  if (!routing) {
    bad(path, 'semantic/rollout-canary-scale', 'setCanaryScale without trafficRouting',
      'setCanaryScale only with trafficRouting (without it, weights are pod ratios)');
    return;
  }
  const ignored = (field: string, winner: string) => report(rollout, fieldPath(path, field), 'semantic/rollout-canary-scale',
    `setCanaryScale.${field} is ignored: Argo Rollouts uses ${winner} when both are set; allowed: one of replicas, weight, matchTrafficWeight: true`);
  if (scale.matchTrafficWeight === true) {
    for (const field of ['replicas', 'weight']) if (present(scale[field])) ignored(field, 'matchTrafficWeight');
  } else if (present(scale.replicas) && present(scale.weight)) {
    ignored('weight', 'replicas');
  }
  if (typeof scale.weight === 'number' && (scale.weight < 0 || scale.weight > 100)) {
    report(rollout, fieldPath(path, 'weight'), 'semantic/rollout-canary-scale',
      `setCanaryScale.weight ${scale.weight} is invalid: it is a percentage of spec.replicas; allowed: 0..100`);
  }
}

function checkAntiAffinity(value: unknown, path: string, bad: Bad): void {
  const antiAffinity = asObject(value);
  if (!antiAffinity) return;
  const preferred = asObject(antiAffinity.preferredDuringSchedulingIgnoredDuringExecution);
  const required = present(antiAffinity.requiredDuringSchedulingIgnoredDuringExecution);
  if ((preferred === undefined) === !required) {
    bad(path, 'semantic/rollout-anti-affinity', `antiAffinity with ${preferred && required ? 'both' : 'neither'} strategy`,
      'exactly one of preferredDuringSchedulingIgnoredDuringExecution, requiredDuringSchedulingIgnoredDuringExecution');
  }
  const weight = preferred?.weight;
  if (typeof weight === 'number' && (weight < 1 || weight > 100)) {
    bad(fieldPath(path, 'weight'), 'semantic/rollout-anti-affinity', `antiAffinity weight ${weight}`, '1..100');
  }
}

/**
 * Upstream RolloutPause.DurationSeconds: an integer, or a string read as base-10 int32, else as a Go duration
 * (truncated to seconds); -1 when unreadable.
 */
export function pauseSeconds(duration: unknown): number {
  if (typeof duration === 'number') return Number.isInteger(duration) ? duration : -1;
  if (typeof duration !== 'string') return -1;
  if (/^[+-]?[0-9]+$/.test(duration)) {
    const seconds = Number(duration);
    if (seconds >= -(2 ** 31) && seconds < 2 ** 31) return seconds;
  }
  const ms = parseGoDuration(duration);
  return ms === undefined ? -1 : Math.trunc(ms / 1000);
}
