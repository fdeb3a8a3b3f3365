import { CORE, GATEWAY, LINKERD_POLICY } from '../api-groups';
import { fieldPath } from '../field-path';
import { serviceHasPort, servicePortList } from '../service-ports';
import { GATEWAY_DURATION_SYNTAX, parseGatewayDuration, parseGoDuration } from '../syntax/durations';
import { re2Error } from '../syntax/re2';
import { IndexedObject, Report, TargetIndex } from '../target-index';
import { asArray, asObject, asString, JsonObject } from '../values';
import { TargetCheck } from './target-check';

/**
 * HTTPRoutes of both groups: parents and backends resolve within the target, regular expressions compile under RE2,
 * each rule with backends sends traffic somewhere, and (for policy.linkerd.io, whose CRD has no such rules) timeouts
 * use Gateway API duration syntax with backendRequest ≤ request.
 */
export const checkHttpRoutes: TargetCheck = (index, report) => {
  for (const route of [...index.ofKind(LINKERD_POLICY, 'HTTPRoute'), ...index.ofKind(GATEWAY, 'HTTPRoute')]) {
    const spec = asObject(route.manifest.spec) ?? {};
    asArray(spec.parentRefs).forEach((ref, i) => checkParent(index, route, asObject(ref) ?? {}, fieldPath('spec.parentRefs', i), report));
    asArray(spec.rules).forEach((value, i) => {
      const rule = asObject(value) ?? {};
      const path = fieldPath('spec.rules', i);
      checkBackends(index, route, rule, path, report);
      checkRegexMatches(route, rule, path, report);
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
  if (ref.kind === 'Server' && (ref.group ?? (route.id.group === LINKERD_POLICY ? LINKERD_POLICY : GATEWAY)) === LINKERD_POLICY) {
    if (!index.find(LINKERD_POLICY, 'Server', namespace, name)) report(route, path, 'ref/httproute-parent', `parent Server "${namespace}/${name}" is not in this target; allowed: ${index.namesOf(LINKERD_POLICY, 'Server', namespace)}`);
    return;
  }
  if (!isServiceRef(ref, 'Gateway')) return;
  const service = index.find(CORE, 'Service', namespace, name);
  if (!service) {
    report(route, path, 'ref/httproute-parent', `parent Service "${namespace}/${name}" is not in this target; allowed: ${index.namesOf(CORE, 'Service', namespace)}`);
  } else if (typeof ref.port === 'number' && !serviceHasPort(service, ref.port)) {
    report(route, fieldPath(path, 'port'), 'ref/httproute-parent', `parent Service "${namespace}/${name}" has no port ${ref.port}; allowed: ${servicePortList(service)}`);
  }
}

function checkBackends(index: TargetIndex, route: IndexedObject, rule: JsonObject, path: string, report: Report): void {
  const backends = asArray(rule.backendRefs).map((ref) => asObject(ref) ?? {});
  backends.forEach((ref, j) => {
    if (!isServiceRef(ref, 'Service')) return;
    const refPath = fieldPath(path, 'backendRefs', j);
    const namespace = asString(ref.namespace) ?? route.id.namespace;
    const name = asString(ref.name) ?? '';
    const service = index.find(CORE, 'Service', namespace, name);
    if (!service) {
      report(route, refPath, 'ref/httproute-backend', `backend Service "${namespace}/${name}" is not in this target; allowed: ${index.namesOf(CORE, 'Service', namespace)}`);
    } else if (typeof ref.port === 'number' && !serviceHasPort(service, ref.port)) {
      report(route, fieldPath(refPath, 'port'), 'ref/httproute-backend', `backend Service "${namespace}/${name}" has no port ${ref.port}; allowed: ${servicePortList(service)}`);
    }
  });
  // Weight defaults to 1; a rule whose backends all weigh 0 answers every request with a 500.
  if (backends.length > 0 && backends.every((ref) => ref.weight === 0)) {
    report(route, fieldPath(path, 'backendRefs'), 'semantic/backend-weights', 'every backendRef has weight 0, so no request can be served; allowed: at least one weight > 0 (omitted weight means 1)');
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
    report(route, fieldPath(path, 'backendRequest'), 'semantic/timeouts', `backendRequest ${timeouts.backendRequest} is longer than request ${timeouts.request}; allowed: backendRequest ≤ request (request 0s means no timeout)`);
  }
}
