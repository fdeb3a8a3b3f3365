import { GATEWAY_API_PLUGIN_NAME as GATEWAY_API_PLUGIN } from '../../contracts';
import { CORE, GATEWAY, NETWORKING } from '../api-groups';
import { fieldPath } from '../field-path';
import { splitApiVersion } from '../object-identity';
import { IndexedObject, Report, TargetIndex } from '../target-index';
import { asArray, asObject, asString, getIn, JsonObject, stringMap } from '../values';
import { INVALID_SPEC } from './argo-rollout-spec';

/** The label Argo Rollouts adds to each ReplicaSet's pods; Services may select it (the controller sets it on stable/canary). */
const POD_TEMPLATE_HASH = 'rollouts-pod-template-hash';
const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by-rollouts';

/** The Services a Rollout names, by field (upstream ServiceWithType). */
function referencedServices(rollout: IndexedObject): Array<[string, string]> {
  const strategy = asObject(getIn(rollout.manifest, 'spec', 'strategy')) ?? {};
  const canary = asObject(strategy.canary);
  const blueGreen = asObject(strategy.blueGreen);
  const fields: Array<[string, unknown]> = [];
  if (canary) {
    fields.push(['spec.strategy.canary.stableService', canary.stableService], ['spec.strategy.canary.canaryService', canary.canaryService]);
    const pingPong = asObject(canary.pingPong);
    if (pingPong) fields.push(['spec.strategy.canary.pingPong.pingService', pingPong.pingService], ['spec.strategy.canary.pingPong.pongService',
      pingPong.pongService]);
  }
  if (blueGreen) fields.push(['spec.strategy.blueGreen.activeService', blueGreen.activeService], ['spec.strategy.blueGreen.previewService',
    blueGreen.previewService]);
  return fields.filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '');
}

/**
 * The pod labels the controller compares Service selectors with: the Rollout's template, or with workloadRef the
 * referenced workload's template (upstream resolves the template from the reference before validating references).
 */
function podLabels(index: TargetIndex, rollout: IndexedObject, report: Report): Record<string, string> | undefined {
  const ref = asObject(getIn(rollout.manifest, 'spec', 'workloadRef'));
  if (!ref) return rollout.podTemplate?.labels ?? stringMap(getIn(rollout.manifest, 'spec', 'template', 'metadata', 'labels'));
  const { group } = splitApiVersion(asString(ref.apiVersion) ?? 'apps/v1');
  const kind = asString(ref.kind) ?? '';
  const name = asString(ref.name) ?? '';
  const target = index.find(group, kind, rollout.id.namespace, name);
  if (!target) {
    report(rollout, 'spec.workloadRef', 'ref/rollout-workload-ref',
      `${kind} "${rollout.id.namespace}/${name}" is not in this target: Argo Rollouts cannot resolve `
      + `the pod template and marks the Rollout InvalidSpec; allowed: ${index.namesOf(group, kind, rollout.id.namespace)}`);
    return undefined;
  }
  return target.podTemplate?.labels;
}

/** Referenced Services exist, select the Rollout's pods (except for the pod-template-hash label) and are not another Rollout's. */
export function checkRolloutServices(index: TargetIndex, rollout: IndexedObject, report: Report): void {
  const services = referencedServices(rollout);
  if (services.length === 0 && !asObject(getIn(rollout.manifest, 'spec', 'workloadRef'))) return;
  const labels = podLabels(index, rollout, report);
  for (const [path, name] of services) {
    const service = index.find(CORE, 'Service', rollout.id.namespace, name);
    if (!service) {
      report(rollout, path, 'ref/rollout-service',
        `Service "${rollout.id.namespace}/${name}" is not in this target: ${INVALID_SPEC}; `
        + `allowed: ${index.namesOf(CORE, 'Service', rollout.id.namespace)}`);
      continue;
    }
    if (labels) {
      const selector = stringMap(getIn(service.manifest, 'spec', 'selector'));
      const unmatched = Object.entries(selector).filter(([key, value]) => key !== POD_TEMPLATE_HASH && labels[key] !== value).map(([key,
        value]) => `${key}=${value}`);
      if (unmatched.length > 0) {
        report(rollout, path, 'ref/rollout-service-selector',
          `Service "${name}" selects ${unmatched.join(', ')}, which the Rollout's pods do not have: `
          + `${INVALID_SPEC}; allowed: a Service whose selector is a subset of the pod labels ${JSON.stringify(labels)}`);
      }
    }
    const owner = stringMap(getIn(service.manifest, 'metadata', 'annotations'))[MANAGED_BY];
    if (owner !== undefined && owner !== rollout.id.name) {
      report(rollout, path, 'ref/rollout-service-owner',
        `Service "${name}" is annotated ${MANAGED_BY}: ${owner}: Argo Rollouts treats it as another Rollout's `
        + 'and marks this one InvalidSpec; allowed: a Service of this Rollout only');
    }
  }
}

/**
 * The Gateway API plugin (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi v0.6.0, pkg/plugin) sets the weights of
 * the backendRefs named after stableService and canaryService in each configured route; Argo's own validation does
 * not require those Services for plugins, but the plugin fails every SetWeight without them.
 */
export function checkGatewayApiPlugin(index: TargetIndex, rollout: IndexedObject, canary: JsonObject, report: Report): void {
  const plugin = asObject(getIn(canary, 'trafficRouting', 'plugins', GATEWAY_API_PLUGIN));
  if (!plugin) return;
  const pluginPath = fieldPath('spec.strategy.canary.trafficRouting.plugins', GATEWAY_API_PLUGIN);
  const namespace = asString(plugin.namespace) ?? rollout.id.namespace;
  const routes: Array<[string, string, string]> = [];
  for (const [single, list, kind] of [['httpRoute', 'httpRoutes', 'HTTPRoute'], ['grpcRoute', 'grpcRoutes', 'GRPCRoute'], ['tcpRoute', 'tcpRoutes',
    'TCPRoute']]) {
    if (typeof plugin[single] === 'string' && plugin[single] !== '') routes.push([kind, plugin[single] as string, fieldPath(pluginPath, single)]);
    asArray(plugin[list]).forEach((route, i) => {
      const name = asString(asObject(route)?.name) ?? '';
      if (name === '') {
        report(rollout, fieldPath(pluginPath, list, i, 'name'), 'semantic/rollout-plugin',
          `${list}[${i}] has no name: the plugin rejects its configuration and every `
          + 'weight change fails; allowed: {name: <route name>}');
      } else {
        routes.push([kind, name, fieldPath(pluginPath, list, i, 'name')]);
      }
    });
  }
  if (routes.length === 0) {
    report(rollout, pluginPath, 'semantic/rollout-plugin',
      'the Gateway API plugin configuration names no route: every weight change fails ("No routes configured"); '
      + 'allowed: httpRoute, httpRoutes, grpcRoute, grpcRoutes, tcpRoute or tcpRoutes');
  }
  const services: Array<[string, string]> = [];
  for (const field of ['stableService', 'canaryService']) {
    const name = asString(canary[field]) ?? '';
    if (name === '') {
      report(rollout, fieldPath('spec.strategy.canary', field), 'semantic/rollout-plugin',
        `${field} is missing: the Gateway API plugin finds no backendRef to set `
        + 'and every weight change fails; allowed: stableService and canaryService naming the route\'s two backendRefs');
    } else {
      services.push([field, name]);
    }
  }
  for (const [kind, name, path] of routes) {
    if (kind === 'TCPRoute') continue; // Not a kind this project renders or vendors; the API server checks existence.
    const route = index.find(GATEWAY, kind, namespace, name);
    if (!route) {
      report(rollout, path, 'ref/rollout-httproute',
        `gateway.networking.k8s.io ${kind} "${namespace}/${name}" is not in this target: the plugin cannot read it and every weight change fails; `
        + `allowed: ${index.namesOf(GATEWAY, kind, namespace)}`);
      continue;
    }
    const backends = new Set(asArray(getIn(route.manifest, 'spec',
      'rules')).flatMap((rule) => asArray(asObject(rule)?.backendRefs).map((ref) => asString(asObject(ref)?.name))));
    const missing = services.map(([, service]) => service).filter((service) => !backends.has(service));
    if (missing.length > 0) {
      report(rollout, path, 'ref/rollout-httproute',
        `${kind} "${namespace}/${name}" has no backendRef to ${missing.join(' and ')}: the plugin fails every weight change; `
        + 'allowed: a route whose backendRefs include both the stable and the canary Service');
    }
  }
}

/**
 * The Ingresses the ALB or Nginx router edits (upstream getReferencedIngresses and ValidateIngress): each exists and has
 * a rule whose backend is the stable Service (ALB: the rootService when set).
 */
export function checkRolloutIngresses(index: TargetIndex, rollout: IndexedObject, canary: JsonObject, report: Report): void {
  const routing = asObject(canary.trafficRouting);
  const router = asObject(routing?.alb) ? 'alb' : asObject(routing?.nginx) ? 'nginx' : undefined;
  if (!routing || router === undefined) return;
  const config = asObject(routing[router]) ?? {};
  const [single, list] = router === 'alb' ? ['ingress', 'ingresses'] : ['stableIngress', 'stableIngresses'];
  const path = fieldPath('spec.strategy.canary.trafficRouting', router);
  const names: Array<[string, string]> = asArray(config[list]).length > 0
    ? asArray(config[list]).map((name, i) => [String(name), fieldPath(path, list, i)])
    : typeof config[single] === 'string' && config[single] !== '' ? [[config[single] as string, fieldPath(path, single)]] : [];
  const service = (router === 'alb' ? asString(config.rootService) : undefined) || (asString(canary.stableService) ?? '');
  for (const [name, namePath] of names) {
    const ingress = index.find(NETWORKING, 'Ingress', rollout.id.namespace, name);
    if (!ingress) {
      report(rollout, namePath, 'ref/rollout-ingress', `Ingress "${rollout.id.namespace}/${name}" is not in this target: ${INVALID_SPEC}; `
        + `allowed: ${index.namesOf(NETWORKING, 'Ingress', rollout.id.namespace)}`);
      continue;
    }
    const backends = asArray(getIn(ingress.manifest, 'spec', 'rules'))
      .flatMap((rule) => asArray(getIn(rule, 'http', 'paths')).map((entry) => asString(getIn(entry, 'backend', 'service', 'name'))));
    if (!backends.includes(service)) {
      report(rollout, namePath, 'ref/rollout-ingress', `Ingress "${name}" has no rule with a backend to Service "${service}": ${INVALID_SPEC}; `
        + `allowed: an Ingress whose rules route to the ${router === 'alb' && asString(config.rootService) ? 'rootService' : 'stableService'}`);
    }
  }
}
