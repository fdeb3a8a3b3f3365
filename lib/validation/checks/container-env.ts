import { fieldPath } from '../field-path';
import { configMapKeyError, dns1123SubdomainError, envVarNameError } from '../syntax/names';
import { IndexedObject, Report } from '../target-index';
import { asArray, asObject, asString, JsonObject } from '../values';

const VALUE_SOURCES = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'];
const ENV_FROM_SOURCES = ['configMapRef', 'secretRef'];
// validEnvDownwardAPIFieldPathExpressions (1.28), plus the subscripted metadata.labels['k'] / metadata.annotations['k'].
const DOWNWARD_FIELDS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP',
  'status.podIP', 'status.podIPs'];
const DOWNWARD_SUBSCRIPT = /^metadata\.(labels|annotations)\['(.+)'\]$/;
// validContainerResourceFieldPathExpressions, plus the hugepages prefixes (DownwardAPIHugePages is GA).
const RESOURCE_FIELDS = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'];

/** ValidateEnv, validateEnvVarValueFrom and ValidateEnvFrom of pkg/apis/core/validation. */
export function checkContainerEnv(object: IndexedObject, container: JsonObject, path: string, report: Report): void {
  asArray(container.env).forEach((value, i) => {
    const env = asObject(value) ?? {};
    const envPath = fieldPath(path, 'env', i);
    const name = asString(env.name) ?? '';
    if (name === '') report(object, fieldPath(envPath, 'name'), 'core/env-name', 'env var name is required');
    else {
      const error = envVarNameError(name);
      if (error) report(object, fieldPath(envPath, 'name'), 'core/env-name', error);
    }
    const valueFrom = asObject(env.valueFrom);
    if (valueFrom) checkValueFrom(object, env, valueFrom, fieldPath(envPath, 'valueFrom'), report);
  });
  asArray(container.envFrom).forEach((value, i) => {
    const source = asObject(value) ?? {};
    const sourcePath = fieldPath(path, 'envFrom', i);
    const prefix = asString(source.prefix);
    if (prefix) {
      const error = envVarNameError(prefix);
      if (error) report(object, fieldPath(sourcePath, 'prefix'), 'core/env-name', `envFrom prefix: ${error}`);
    }
    const set = ENV_FROM_SOURCES.filter((field) => source[field] !== undefined && source[field] !== null);
    if (set.length > 1) report(object, sourcePath, 'core/env-source',
      `envFrom sets ${set.join(' and ')}; allowed: exactly one of configMapRef, secretRef`);
    for (const field of set) checkReferencedName(object, asObject(source[field]), fieldPath(sourcePath, field), report);
  });
}

function checkValueFrom(object: IndexedObject, env: JsonObject, valueFrom: JsonObject, path: string, report: Report): void {
  const set = VALUE_SOURCES.filter((field) => valueFrom[field] !== undefined && valueFrom[field] !== null);
  if (set.length === 0) report(object, path, 'core/env-source', `valueFrom names no source; allowed: exactly one of ${VALUE_SOURCES.join(', ')}`);
  if (set.length > 1) report(object, path, 'core/env-source',
    `valueFrom sets ${set.join(' and ')}; allowed: exactly one of ${VALUE_SOURCES.join(', ')}`);
  if (typeof env.value === 'string' && env.value !== '' && set.length > 0) {
    report(object, path, 'core/env-source', 'valueFrom is set together with a non-empty value; allowed: value or valueFrom, not both');
  }
  const fieldRef = asObject(valueFrom.fieldRef);
  if (fieldRef) {
    const fieldPathValue = asString(fieldRef.fieldPath) ?? '';
    const apiVersion = asString(fieldRef.apiVersion) ?? 'v1';
    const subscript = DOWNWARD_SUBSCRIPT.exec(fieldPathValue);
    if (fieldPathValue === '') report(object, fieldPath(path, 'fieldRef', 'fieldPath'), 'core/env-source', 'fieldRef.fieldPath is required');
    else if (apiVersion !== 'v1') report(object, fieldPath(path, 'fieldRef', 'apiVersion'), 'core/env-source',
      `fieldRef.apiVersion "${apiVersion}" is invalid; allowed: v1`);
    else if (!DOWNWARD_FIELDS.includes(fieldPathValue) && !subscript) {
      report(object, fieldPath(path, 'fieldRef', 'fieldPath'), 'core/env-source',
        `fieldRef.fieldPath "${fieldPathValue}" is not supported; allowed: ${DOWNWARD_FIELDS.join(', ')}, metadata.labels['<key>'], metadata.annotations['<key>']`);
    }
  }
  const resourceFieldRef = asObject(valueFrom.resourceFieldRef);
  if (resourceFieldRef) {
    const resource = asString(resourceFieldRef.resource) ?? '';
    if (!RESOURCE_FIELDS.includes(resource) && !/^(limits|requests)\.hugepages-/.test(resource)) {
      report(object, fieldPath(path, 'resourceFieldRef', 'resource'), 'core/env-source',
        `resourceFieldRef.resource "${resource}" is not supported; allowed: ${RESOURCE_FIELDS.join(', ')}, limits.hugepages-<size>, requests.hugepages-<size>`);
    }
  }
  for (const field of ['configMapKeyRef', 'secretKeyRef']) {
    const selector = asObject(valueFrom[field]);
    if (!selector) continue;
    const key = asString(selector.key) ?? '';
    const keyPath = fieldPath(path, field, 'key');
    if (key === '') report(object, keyPath, 'core/env-source', `${field}.key is required`);
    else {
      const error = configMapKeyError(key);
      if (error) report(object, keyPath, 'core/config-key', error);
    }
    checkReferencedName(object, selector, fieldPath(path, field), report);
  }
}

/** The object a pod refers to by name must have a name that can exist (validateConfigMapKeySelector etc.). */
function checkReferencedName(object: IndexedObject, reference: JsonObject | undefined, path: string, report: Report): void {
  const name = asString(reference?.name) ?? '';
  if (name === '') report(object, fieldPath(path, 'name'), 'core/env-source', 'name is required');
  else {
    const error = dns1123SubdomainError(name);
    if (error) report(object, fieldPath(path, 'name'), 'core/dns1123-name', error);
  }
}
