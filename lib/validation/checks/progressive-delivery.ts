import { ARGO, CORE, FLAGGER, GATEWAY, SMI_SPLIT } from '../api-groups';
import { fieldPath } from '../field-path';
import { splitApiVersion } from '../object-identity';
import { GO_DURATION_SYNTAX, parseGoDuration } from '../syntax/durations';
import { IndexedObject, Report, TargetIndex } from '../target-index';
import { asArray, asObject, asString, getIn, JsonObject } from '../values';
import { TargetCheck } from './target-check';

/**
 * The name the Argo Rollouts Gateway API traffic router registers under: an upstream fact, like the groups in
 * api-groups.ts. Spelled here rather than imported from lib/delivery (GATEWAY_API_PLUGIN_NAME) because the engine
 * depends on no construct code; __tests__/rendered-app.test.ts checks that it recognizes the Rollouts lib/delivery renders.
 */
const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/** Argo Rollouts, AnalysisTemplates, Flagger Canaries and SMI TrafficSplits: values the controllers reject and references within the target. */
export const checkProgressiveDelivery: TargetCheck = (index, report) => {
  for (const rollout of index.ofKind(ARGO, 'Rollout')) checkRollout(index, rollout, report);
  for (const kind of ['AnalysisTemplate', 'ClusterAnalysisTemplate']) {
    for (const template of index.ofKind(ARGO, kind)) {
      if (asArray(getIn(template.manifest, 'spec', 'metrics')).length === 0) report(template, 'spec.metrics', 'semantic/analysis-metrics', 'an analysis template needs at least one metric');
    }
  }
  for (const canary of index.ofKind(FLAGGER, 'Canary')) {
    const ref = asObject(getIn(canary.manifest, 'spec', 'targetRef')) ?? {};
    const { group } = splitApiVersion(asString(ref.apiVersion) ?? 'apps/v1');
    const kind = asString(ref.kind) ?? 'Deployment';
    const name = asString(ref.name) ?? '';
    if (!index.find(group, kind, canary.id.namespace, name)) {
      report(canary, 'spec.targetRef', 'ref/canary-target', `${kind} "${canary.id.namespace}/${name}" is not in this target; allowed: ${index.namesOf(group, kind, canary.id.namespace)}`);
    }
  }
  for (const split of index.ofKind(SMI_SPLIT, 'TrafficSplit')) {
    const spec = asObject(split.manifest.spec) ?? {};
    requireService(index, split, spec.service, 'spec.service', 'ref/trafficsplit-service', report);
    asArray(spec.backends).forEach((backend, i) => requireService(index, split, asObject(backend)?.service, fieldPath('spec.backends', i, 'service'), 'ref/trafficsplit-service', report));
  }
};

function checkRollout(index: TargetIndex, rollout: IndexedObject, report: Report): void {
  const canary = asObject(getIn(rollout.manifest, 'spec', 'strategy', 'canary'));
  const blueGreen = asObject(getIn(rollout.manifest, 'spec', 'strategy', 'blueGreen'));
  if (canary) {
    const path = 'spec.strategy.canary';
    for (const field of ['stableService', 'canaryService']) requireService(index, rollout, canary[field], fieldPath(path, field), 'ref/rollout-service', report);
    checkGatewayApiRoutes(index, rollout, canary, report);
    checkCanarySteps(index, rollout, asArray(canary.steps), report);
    if (asObject(canary.analysis)) checkAnalysis(index, rollout, asObject(canary.analysis) ?? {}, fieldPath(path, 'analysis'), report);
  }
  if (blueGreen) {
    const path = 'spec.strategy.blueGreen';
    for (const field of ['activeService', 'previewService']) requireService(index, rollout, blueGreen[field], fieldPath(path, field), 'ref/rollout-service', report);
    for (const field of ['prePromotionAnalysis', 'postPromotionAnalysis']) {
      const analysis = asObject(blueGreen[field]);
      if (analysis) checkAnalysis(index, rollout, analysis, fieldPath(path, field), report);
    }
  }
}

/** The Gateway API plugin shifts weight between stable and canary backends of the named HTTPRoutes and GRPCRoutes, so both must be there. */
function checkGatewayApiRoutes(index: TargetIndex, rollout: IndexedObject, canary: JsonObject, report: Report): void {
  const plugin = asObject(getIn(canary, 'trafficRouting', 'plugins', GATEWAY_API_PLUGIN));
  if (!plugin) return;
  const pluginPath = fieldPath('spec.strategy.canary.trafficRouting.plugins', GATEWAY_API_PLUGIN);
  const namespace = asString(plugin.namespace) ?? rollout.id.namespace;
  const routes: Array<[string, string, 'HTTPRoute' | 'GRPCRoute']> = [];
  if (typeof plugin.httpRoute === 'string') routes.push([plugin.httpRoute, fieldPath(pluginPath, 'httpRoute'), 'HTTPRoute']);
  if (typeof plugin.grpcRoute === 'string') routes.push([plugin.grpcRoute, fieldPath(pluginPath, 'grpcRoute'), 'GRPCRoute']);
  for (const [field, kind] of [['httpRoutes', 'HTTPRoute'], ['grpcRoutes', 'GRPCRoute']] as const) {
    asArray(plugin[field]).forEach((route, i) => {
      const name = asString(asObject(route)?.name);
      if (name !== undefined) routes.push([name, fieldPath(pluginPath, field, i, 'name'), kind]);
    });
  }
  const services = ['stableService', 'canaryService'].map((field) => asString(canary[field])).filter((name): name is string => name !== undefined);
  for (const [name, path, kind] of routes) {
    const route = index.find(GATEWAY, kind, namespace, name);
    if (!route) {
      report(rollout, path, 'ref/rollout-httproute', `gateway.networking.k8s.io ${kind} "${namespace}/${name}" is not in this target; allowed: ${index.namesOf(GATEWAY, kind, namespace)}`);
      continue;
    }
    const backends = new Set(asArray(getIn(route.manifest, 'spec', 'rules')).flatMap((rule) => asArray(asObject(rule)?.backendRefs).map((ref) => asString(asObject(ref)?.name))));
    const missing = services.filter((service) => !backends.has(service));
    if (missing.length > 0) {
      report(rollout, path, 'ref/rollout-httproute', `${kind} "${namespace}/${name}" has no backendRef to ${missing.join(' and ')}; allowed: a route whose backendRefs include both the stable and the canary Service`);
    }
  }
}

function checkCanarySteps(index: TargetIndex, rollout: IndexedObject, steps: unknown[], report: Report): void {
  let previousWeight: { weight: number; step: number } | undefined;
  steps.forEach((value, i) => {
    const step = asObject(value) ?? {};
    const path = fieldPath('spec.strategy.canary.steps', i);
    if (typeof step.setWeight === 'number') {
      const weight = step.setWeight;
      if (weight < 0 || weight > 100) {
        report(rollout, fieldPath(path, 'setWeight'), 'semantic/rollout-weight', `setWeight ${weight} is out of range; allowed: 0..100`);
      } else if (previousWeight && weight < previousWeight.weight) {
        // Argo applies a lower weight as asked, but in a progressive rollout a drop is almost always a typo; abort is the way to go back.
        report(rollout, fieldPath(path, 'setWeight'), 'semantic/rollout-weight', `setWeight ${weight} is lower than ${previousWeight.weight} at steps[${previousWeight.step}]; allowed: non-decreasing weights`);
      }
      if (weight >= 0 && weight <= 100) previousWeight = { weight, step: i };
    }
    const duration = asObject(step.pause)?.duration;
    if (duration !== undefined && !isArgoDuration(duration)) {
      report(rollout, fieldPath(path, 'pause', 'duration'), 'semantic/rollout-pause', `${JSON.stringify(duration)} is not a pause duration; allowed: integer seconds (30 or "30") or ${GO_DURATION_SYNTAX}`);
    }
    const analysis = asObject(step.analysis);
    if (analysis) checkAnalysis(index, rollout, analysis, fieldPath(path, 'analysis'), report);
  });
}

/** Argo reads a pause duration as integer seconds, or as a Go duration string. */
function isArgoDuration(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0;
  if (typeof value !== 'string') return false;
  if (/^[0-9]+$/.test(value)) return true;
  const parsed = parseGoDuration(value);
  return parsed !== undefined && parsed >= 0;
}

/** Each referenced template is in the target, and every argument it leaves open is supplied. */
function checkAnalysis(index: TargetIndex, rollout: IndexedObject, analysis: JsonObject, path: string, report: Report): void {
  const supplied = new Set(asArray(analysis.args).map((arg) => asString(asObject(arg)?.name)));
  asArray(analysis.templates).forEach((value, i) => {
    const ref = asObject(value) ?? {};
    const name = asString(ref.templateName) ?? '';
    const clusterScope = ref.clusterScope === true;
    const kind = clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    const namespace = clusterScope ? '' : rollout.id.namespace;
    const templatePath = fieldPath(path, 'templates', i, 'templateName');
    const template = index.find(ARGO, kind, namespace, name);
    if (!template) {
      report(rollout, templatePath, 'ref/rollout-analysis', `${kind} "${clusterScope ? name : `${namespace}/${name}`}" is not in this target; allowed: ${index.namesOf(ARGO, kind, namespace)}`);
      return;
    }
    for (const arg of asArray(getIn(template.manifest, 'spec', 'args'))) {
      const declared = asObject(arg) ?? {};
      const argName = asString(declared.name);
      if (argName === undefined || declared.value !== undefined || declared.valueFrom !== undefined || supplied.has(argName)) continue;
      report(rollout, fieldPath(path, 'args'), 'ref/rollout-analysis-arg', `${kind} "${name}" needs argument "${argName}", which the Rollout does not supply; allowed: add {name: ${argName}, value: ...} to args`);
    }
  });
}

function requireService(index: TargetIndex, from: IndexedObject, name: unknown, path: string, rule: string, report: Report): void {
  if (typeof name !== 'string' || name === '') return;
  if (!index.find(CORE, 'Service', from.id.namespace, name)) {
    report(from, path, rule, `Service "${from.id.namespace}/${name}" is not in this target; allowed: ${index.namesOf(CORE, 'Service', from.id.namespace)}`);
  }
}
