import { fieldPath } from '../field-path';
import { IndexedObject, Report } from '../target-index';
import { asObject, JsonObject } from '../values';

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket'];
const NON_NEGATIVE_PROBE_FIELDS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold',
  'terminationGracePeriodSeconds'];
const HTTP_SCHEMES = ['HTTP', 'HTTPS'];

/**
 * validateProbe, validateHandler and validateLifecycle of pkg/apis/core/validation: exactly one handler, non-negative
 * timings, successThreshold 1 for liveness and startup probes, no probes or lifecycle on init containers (sidecars with
 * restartPolicy Always are alpha in 1.28 and off).
 */
export function checkContainerProbes(object: IndexedObject, container: JsonObject, path: string, init: boolean, report: Report): void {
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = asObject(container[kind]);
    if (!probe) continue;
    const probePath = fieldPath(path, kind);
    if (init) {
      report(object, probePath, 'core/probe', `${kind} is set on an init container; allowed: probes on containers only`);
      continue;
    }
    checkHandlers(object, probe, PROBE_HANDLERS, probePath, report);
    for (const field of NON_NEGATIVE_PROBE_FIELDS) {
      const value = probe[field];
      if (typeof value === 'number' && value < 0) report(object, fieldPath(probePath, field), 'core/probe',
        `${field} ${value} is negative; allowed: 0 or more`);
    }
    if (kind === 'readinessProbe' && probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds !== null) {
      report(object, fieldPath(probePath, 'terminationGracePeriodSeconds'), 'core/probe',
        'terminationGracePeriodSeconds is set on a readiness probe; allowed: only on liveness and startup probes');
    }
    const threshold = probe.successThreshold;
    if (kind !== 'readinessProbe' && typeof threshold === 'number' && threshold !== 1 && threshold >= 0) {
      report(object, fieldPath(probePath, 'successThreshold'), 'core/probe',
        `${kind} successThreshold ${threshold} is invalid; allowed: 1 (only readiness probes may need several successes)`);
    }
  }
  const lifecycle = asObject(container.lifecycle);
  if (!lifecycle) return;
  if (init) {
    report(object, fieldPath(path, 'lifecycle'), 'core/probe', 'lifecycle is set on an init container; allowed: lifecycle hooks on containers only');
    return;
  }
  for (const hook of ['postStart', 'preStop']) {
    const handler = asObject(lifecycle[hook]);
    if (handler) checkHandlers(object, handler, LIFECYCLE_HANDLERS, fieldPath(path, 'lifecycle', hook), report);
  }
}

function checkHandlers(object: IndexedObject, handler: JsonObject, handlers: readonly string[], path: string, report: Report): void {
  const set = handlers.filter((name) => handler[name] !== undefined && handler[name] !== null);
  if (set.length === 0) report(object, path, 'core/probe-handler', `no handler is set; allowed: exactly one of ${handlers.join(', ')}`);
  if (set.length > 1) report(object, path, 'core/probe-handler',
    `handlers ${set.join(' and ')} are set; allowed: exactly one of ${handlers.join(', ')}`);
  const scheme = asObject(handler.httpGet)?.scheme;
  if (typeof scheme === 'string' && !HTTP_SCHEMES.includes(scheme)) {
    report(object, fieldPath(path, 'httpGet', 'scheme'), 'core/probe-handler',
      `scheme "${scheme}" is not supported; allowed: ${HTTP_SCHEMES.join(', ')}`);
  }
}
