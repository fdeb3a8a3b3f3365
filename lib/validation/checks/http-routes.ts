import { CORE, GATEWAY, LINKERD_POLICY } from '../api-groups';
import { fieldPath } from '../field-path';
import { serviceHasPort, servicePortList } from '../service-ports';
import { GATEWAY_DURATION_SYNTAX, parseGatewayDuration, parseGoDuration } from '../syntax/durations';
import { re2Error } from '../syntax/re2';
import { IndexedObject, Report, TargetIndex } from '../target-index';
import { asArray, asObject, asString, JsonObject } from '../values';
import { TargetCheck } from './target-check';

/**
 * HTTPRoutes of both groups and GRPCRoutes: parents and backends resolve within the target, regular expressions compile
 * under RE2, each rule with backends sends traffic somewhere, a Server parent serves the route's protocol, and (for
 * policy.linkerd.io, whose CRD has no such rules) timeouts use Gateway API duration syntax with backendRequest ≤ request.
 */
export const checkHttpRoutes: TargetCheck = (index, report) => {
  for (const route of [...index.ofKind(LINKERD_POLICY, 'HTTPRoute'), ...index.ofKind(GATEWAY, 'HTTPRoute'), ...index.ofKind(GATEWAY, 'GRPCRoute')]) {
    const spec = asObject(route.manifest.spec) ?? {};
    asArray(spec.parentRefs).forEach((ref, i) => checkParent(index, route, asObject(ref) ?? {}, fieldPath('spec.parentRefs', i), report));
    const serverParented = asArray(spec.parentRefs).some((ref) => asObject(ref)?.kind === 'Server');
    asArray(spec.rules).forEach((value, i) => {
      const rule = asObject(value) ?? {};
      const path = fieldPath('spec.rules', i);
      checkBackends(index, route, rule, path, report);
      checkRegexMatches(route, rule, path, report);
      // On a Server the policy model reports such a route (semantic/route-ignored); here the outbound (Service) side.
      if (route.id.kind === 'GRPCRoute' && !serverParented) checkGrpcMethodMatches(route, rule, path, report);
      if (route.id.group === LINKERD_POLICY) checkTimeouts(route, asObject(rule.timeouts), fieldPath(path, 'timeouts'), report);
    });
  }
};

function isServiceRef(ref: JsonObject, defaultKind: string): boolean {
  const group = asString(ref.group) ?? CORE;
  return (ref.kind ?? defaultKind) === 'Service' && (group === CORE || group === 'core');
}

function checkParent(index: TargetIndex, route: IndexedObject, ref: JsonObject, path: string, report: Report): void {
  const name = asString(ref.name) ?? '';
  const namespace = asString(ref.namespace) ?? route.id.namespace;
  // The CRD default of parentRefs[].group is the route's own group: policy.linkerd.io for Linkerd's HTTPRoute.
  // A route on a Server of the other protocol is reported by the policy model (semantic/route-ignored), not here.
  if (ref.kind === 'Server' && (ref.group ?? (route.id.group === LINKERD_POLICY ? LINKERD_POLICY : GATEWAY)) === LINKERD_POLICY) {
    if (!index.find(LINKERD_POLICY, 'Server', namespace, name)) report(route, path, 'ref/httproute-parent',
      `parent Server "${namespace}/${name}" is not in this target; allowed: ${index.namesOf(LINKERD_POLICY, 'Server', namespace)}`);
    return;
  }
  if (ref.kind === 'EgressNetwork' && ref.group === LINKERD_POLICY) {
    if (!index.find(LINKERD_POLICY, 'EgressNetwork', namespace, name)) {
      report(route, path, 'ref/httproute-parent',
        `parent EgressNetwork "${namespace}/${name}" is not in this target; allowed: ${index.namesOf(LINKERD_POLICY, 'EgressNetwork', namespace)}`);
    }
    // Linkerd's admission webhook: "cannot target an EgressNetwork without specifying a port".
    if (typeof ref.port !== 'number') report(route, path, 'semantic/egress-parent-port',
      `parent EgressNetwork "${namespace}/${name}" has no port; allowed: a port (Linkerd refuses an EgressNetwork parent without one)`);
    return;
  }
  if (!isServiceRef(ref, 'Gateway')) return;
  const service = index.find(CORE, 'Service', namespace, name);
  if (!service) {
    report(route, path, 'ref/httproute-parent',
      `parent Service "${namespace}/${name}" is not in this target; allowed: ${index.namesOf(CORE, 'Service', namespace)}`);
  } else if (typeof ref.port === 'number' && !serviceHasPort(service, ref.port)) {
    report(route, fieldPath(path, 'port'), 'ref/httproute-parent',
      `parent Service "${namespace}/${name}" has no port ${ref.port}; allowed: ${servicePortList(service)}`);
  }
}

function checkBackends(index: TargetIndex, route: IndexedObject, rule: JsonObject, path: string, report: Report): void {
  const backends = asArray(rule.backendRefs).map((ref) => asObject(ref) ?? {});
  backends.forEach((ref, j) => {
    const refPath = fieldPath(path, 'backendRefs', j);
    const namespace = asString(ref.namespace) ?? route.id.namespace;
    const name = asString(ref.name) ?? '';
    if (ref.kind === 'EgressNetwork' && ref.group === LINKERD_POLICY) {
      if (!index.find(LINKERD_POLICY, 'EgressNetwork', namespace, name)) {
        report(route, refPath, 'ref/httproute-backend',
          `backend EgressNetwork "${namespace}/${name}" is not in this target; allowed: ${index.namesOf(LINKERD_POLICY, 'EgressNetwork', namespace)}`);
      }
      return;
    }
    if (!isServiceRef(ref, 'Service')) return;
    const service = index.find(CORE, 'Service', namespace, name);
    if (!service) {
      report(route, refPath, 'ref/httproute-backend',
        `backend Service "${namespace}/${name}" is not in this target; allowed: ${index.namesOf(CORE, 'Service', namespace)}`);
    } else if (typeof ref.port === 'number' && !serviceHasPort(service, ref.port)) {
      report(route, fieldPath(refPath, 'port'), 'ref/httproute-backend',
        `backend Service "${namespace}/${name}" has no port ${ref.port}; allowed: ${servicePortList(service)}`);
    }
  });
  // Weight defaults to 1; a rule whose backends all weigh 0 answers every request with a 500.
  if (backends.length > 0 && backends.every((ref) => ref.weight === 0)) {
    report(route, fieldPath(path, 'backendRefs'), 'semantic/backend-weights',
      'every backendRef has weight 0, so no request can be served; allowed: at least one weight > 0 (omitted weight means 1)');
  }
}

function checkRegexMatches(route: IndexedObject, rule: JsonObject, path: string, report: Report): void {
  asArray(rule.matches).forEach((value, j) => {
    const match = asObject(value) ?? {};
    const matchPath = fieldPath(path, 'matches', j);
    const candidates: Array<[JsonObject | undefined, string]> = [[asObject(match.path), fieldPath(matchPath, 'path')]];
    for (const list of ['headers', 'queryParams']) {
      asArray(match[list]).forEach((entry, k) => candidates.push([asObject(entry), fieldPath(matchPath, list, k)]));
    }
    for (const [candidate, candidatePath] of candidates) {
      if (candidate?.type !== 'RegularExpression' || typeof candidate.value !== 'string') continue;
      const error = re2Error(candidate.value);
      if (error) report(route, fieldPath(candidatePath, 'value'), 'semantic/regex', `${error}; allowed: RE2 syntax`);
    }
  });
}

function checkTimeouts(route: IndexedObject, timeouts: JsonObject | undefined, path: string, report: Report): void {
  if (!timeouts) return;
  const parsed: Record<string, number | undefined> = {};
  for (const field of ['request', 'backendRequest']) {
    const value = asString(timeouts[field]);
    if (value === undefined) continue;
    parsed[field] = parseGatewayDuration(value);
    // Malformed Go durations are already reported by the schema's duration format.
    if (parsed[field] === undefined && parseGoDuration(value) !== undefined) {
      report(route, fieldPath(path, field), 'semantic/duration', `"${value}" is not ${GATEWAY_DURATION_SYNTAX}`);
    }
  }
  const { request, backendRequest } = parsed;
  if (request !== undefined && backendRequest !== undefined && request !== 0 && backendRequest > request) {
    report(route, fieldPath(path, 'backendRequest'), 'semantic/timeouts',
      `backendRequest ${timeouts.backendRequest} is longer than request ${timeouts.request}; allowed: backendRequest ≤ request (request 0s means no timeout)`);
  }
}

/** Linkerd's policy controller ignores a whole GRPCRoute with a RegularExpression method match (routes/grpc.rs). */
function checkGrpcMethodMatches(route: IndexedObject, rule: JsonObject, path: string, report: Report): void {
  asArray(rule.matches).forEach((value, j) => {
    const method = asObject(asObject(value)?.method);
    if (method?.type === 'RegularExpression') {
      report(route, fieldPath(path, 'matches', j, 'method', 'type'), 'semantic/grpc-method-regex',
        'Linkerd ignores a GRPCRoute with a RegularExpression method match; allowed: Exact (name the service, or the service and method)');
    }
  });
}

/** EgressNetworks as Linkerd's admission webhook takes them: a given `networks` list is not empty, and no exception negates its network. */
export const checkEgressNetworks: TargetCheck = (index, report) => {
  for (const egress of index.ofKind(LINKERD_POLICY, 'EgressNetwork')) {
    const networks = asObject(egress.manifest.spec)?.networks;
    if (networks === undefined) continue;
    if (asArray(networks).length === 0) {
      report(egress, 'spec.networks', 'semantic/egress-networks',
        'networks is empty; allowed: at least one network, or no networks field (every address outside the cluster)');
    }
    asArray(networks).forEach((value, i) => {
      const network = asObject(value) ?? {};
      asArray(network.except).forEach((except, j) => {
        if (except === network.cidr) {
          report(egress, fieldPath('spec.networks', i, 'except', j), 'semantic/egress-networks',
            `exception "${String(except)}" negates its whole network; allowed: a smaller sub-network`);
        }
      });
    });
  }
};
