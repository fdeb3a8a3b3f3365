import { NETWORKING } from '../api-groups';
import { fieldPath } from '../field-path';
import { isIpAddress } from '../syntax/ip';
import { dns1035LabelError, dns1123SubdomainError, ianaServiceNameError, wildcardDns1123SubdomainError } from '../syntax/names';
import { IndexedObject, Report } from '../target-index';
import { asArray, asObject, asString, JsonObject } from '../values';
import { TargetCheck } from './target-check';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
// invalidPathSequences and invalidPathSuffixes of pkg/apis/networking/validation (for Exact and Prefix paths).
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

/**
 * ValidateIngressSpec of pkg/apis/networking/validation (v1): a default backend or rules, host names (not IPs, at most
 * a leading wildcard), paths with a pathType and (for Exact/Prefix) a clean absolute path, backends naming a Service
 * port by name or number or a resource, class and TLS names. References to Services are checked by checkIngresses.
 */
export const checkIngressRules: TargetCheck = (index, report) => {
  for (const ingress of index.ofKind(NETWORKING, 'Ingress')) {
    const spec = asObject(ingress.manifest.spec) ?? {};
    const rules = asArray(spec.rules);
    const defaultBackend = asObject(spec.defaultBackend);
    if (!defaultBackend && rules.length === 0) report(ingress, 'spec', 'core/ingress-spec', 'an Ingress needs a defaultBackend or rules');
    if (defaultBackend) checkBackend(ingress, defaultBackend, 'spec.defaultBackend', report);
    const className = asString(spec.ingressClassName);
    const classError = className ? dns1123SubdomainError(className) : undefined;
    if (classError) report(ingress, 'spec.ingressClassName', 'core/ingress-spec', classError);
    asArray(spec.tls).forEach((value, i) => {
      const tls = asObject(value) ?? {};
      asArray(tls.hosts).forEach((host, j) => {
        if (typeof host !== 'string') return;
        const error = host.startsWith('*') ? wildcardDns1123SubdomainError(host) : dns1123SubdomainError(host);
        if (error) report(ingress, fieldPath('spec.tls', i, 'hosts', j), 'core/ingress-host', error);
      });
      const secretName = asString(tls.secretName);
      const secretError = secretName ? dns1123SubdomainError(secretName) : undefined;
      if (secretError) report(ingress, fieldPath('spec.tls', i, 'secretName'), 'core/ingress-spec', secretError);
    });
    rules.forEach((value, i) => checkRule(ingress, asObject(value) ?? {}, fieldPath('spec.rules', i), report));
  }
};

function checkRule(ingress: IndexedObject, rule: JsonObject, path: string, report: Report): void {
  const host = asString(rule.host);
  if (host) {
    if (isIpAddress(host)) report(ingress, fieldPath(path, 'host'), 'core/ingress-host', `host "${host}" is an IP address; allowed: a DNS name`);
    else {
      const error = host.includes('*') ? wildcardDns1123SubdomainError(host) : dns1123SubdomainError(host);
      if (error) report(ingress, fieldPath(path, 'host'), 'core/ingress-host', error);
    }
  }
  const http = asObject(rule.http);
  if (!http) return;
  const paths = asArray(http.paths);
  if (paths.length === 0) report(ingress, fieldPath(path, 'http', 'paths'), 'core/ingress-path', 'http needs at least one path');
  paths.forEach((value, j) => {
    const entry = asObject(value) ?? {};
    const entryPath = fieldPath(path, 'http', 'paths', j);
    const pathType = asString(entry.pathType);
    if (pathType === undefined) report(ingress, fieldPath(entryPath, 'pathType'), 'core/ingress-path',
      `pathType is required; allowed: ${PATH_TYPES.join(', ')}`);
    else if (!PATH_TYPES.includes(pathType)) report(ingress, fieldPath(entryPath, 'pathType'), 'core/ingress-path',
      `pathType "${pathType}" is not supported; allowed: ${PATH_TYPES.join(', ')} (regular expressions need ImplementationSpecific and a controller that reads them)`);
    checkPath(ingress, asString(entry.path) ?? '', pathType, fieldPath(entryPath, 'path'), report);
    const backend = asObject(entry.backend);
    if (backend) checkBackend(ingress, backend, fieldPath(entryPath, 'backend'), report);
  });
}

/** validateHTTPIngressPath. */
function checkPath(ingress: IndexedObject, value: string, pathType: string | undefined, path: string, report: Report): void {
  if (value !== '' && !value.startsWith('/')) {
    report(ingress, path, 'core/ingress-path', `path "${value}" is not absolute; allowed: a path starting with /`);
    return;
  }
  if (pathType !== 'Exact' && pathType !== 'Prefix') return;
  if (value === '') {
    report(ingress, path, 'core/ingress-path', `path is required for pathType ${pathType}; allowed: a path starting with /`);
    return;
  }
  const sequence = INVALID_PATH_SEQUENCES.find((s) => value.includes(s));
  if (sequence) report(ingress, path, 'core/ingress-path', `path "${value}" contains '${sequence}'; allowed: a clean path for pathType ${pathType}`);
  const suffix = INVALID_PATH_SUFFIXES.find((s) => value.endsWith(s));
  if (suffix) report(ingress, path, 'core/ingress-path', `path "${value}" ends with '${suffix}'; allowed: a clean path for pathType ${pathType}`);
}

/** validateIngressBackend: a service (name, and a port by name or number) or a resource, not both. */
function checkBackend(ingress: IndexedObject, backend: JsonObject, path: string, report: Report): void {
  const service = asObject(backend.service);
  if (service && backend.resource !== undefined && backend.resource !== null) {
    report(ingress, path, 'core/ingress-backend', 'backend sets both service and resource; allowed: one of them');
    return;
  }
  if (!service) {
    if (backend.resource === undefined || backend.resource === null) report(ingress, path, 'core/ingress-backend',
      'backend needs a service or a resource');
    return;
  }
  const name = asString(service.name) ?? '';
  const nameError = name === '' ? 'service name is required' : dns1035LabelError(name);
  if (nameError) report(ingress, fieldPath(path, 'service', 'name'), 'core/ingress-backend', nameError);
  const port = asObject(service.port) ?? {};
  const number = typeof port.number === 'number' && port.number !== 0 ? port.number : undefined;
  const portName = asString(port.name) || undefined;
  if (number !== undefined && portName !== undefined) report(ingress, fieldPath(path, 'service', 'port'), 'core/ingress-backend',
    'service port sets both name and number; allowed: one of them');
  else if (number === undefined && portName === undefined) report(ingress, fieldPath(path, 'service', 'port'), 'core/ingress-backend',
    'service port name or number is required');
  if (number !== undefined && (number < 1 || number > 65535)) report(ingress, fieldPath(path, 'service', 'port', 'number'), 'core/port-range',
    `port ${number} is out of range; allowed: 1..65535`);
  if (portName !== undefined) {
    const error = ianaServiceNameError(portName);
    if (error) report(ingress, fieldPath(path, 'service', 'port', 'name'), 'core/port-name', error);
  }
}
