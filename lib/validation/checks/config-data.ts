import { CORE } from '../api-groups';
import { fieldPath } from '../field-path';
import { configMapKeyError } from '../syntax/names';
import { IndexedObject, Report } from '../target-index';
import { getIn, isObject } from '../values';
import { TargetCheck } from './target-check';

const MAX_TOTAL_BYTES = 1024 * 1024;

/** Keys each built-in Secret type must carry (ValidateSecret of pkg/apis/core/validation). */
const SECRET_TYPE_KEYS: Record<string, readonly string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

/**
 * ValidateConfigMap and ValidateSecret: every data key is a config key (IsConfigMapKey), no key in both data and
 * binaryData, at most 1 MiB in all, and the keys or annotation each built-in Secret type needs. stringData keys
 * count as data keys, as the API server merges them.
 */
export const checkConfigData: TargetCheck = (index, report) => {
  for (const configMap of index.ofKind(CORE, 'ConfigMap')) {
    const data = keysOf(configMap, 'data', report);
    const binary = keysOf(configMap, 'binaryData', report);
    for (const key of binary.keys()) {
      if (data.has(key)) report(configMap, fieldPath('data', key), 'core/config-key',
        `key "${key}" is in both data and binaryData; allowed: each key in one of them`);
    }
    const bytes = [...data.values(), ...binary.values()].reduce((sum, size) => sum + size, 0);
    if (bytes > MAX_TOTAL_BYTES) report(configMap, '', 'core/config-size',
      `data and binaryData total ${bytes} bytes; allowed: at most ${MAX_TOTAL_BYTES}`);
  }
  for (const secret of index.ofKind(CORE, 'Secret')) {
    const keys = new Set([...keysOf(secret, 'data', report).keys(), ...keysOf(secret, 'stringData', report).keys()]);
    const type = typeof secret.manifest.type === 'string' ? secret.manifest.type : 'Opaque';
    for (const required of SECRET_TYPE_KEYS[type] ?? []) {
      if (!keys.has(required)) report(secret, fieldPath('data', required), 'core/secret-type',
        `a Secret of type ${type} needs the key "${required}"`);
    }
    if (type === 'kubernetes.io/basic-auth' && !keys.has('username') && !keys.has('password')) {
      report(secret, 'data', 'core/secret-type', 'a Secret of type kubernetes.io/basic-auth needs the key "username" or "password"');
    }
    if (type === 'kubernetes.io/service-account-token'
      && typeof getIn(secret.manifest, 'metadata', 'annotations', 'kubernetes.io/service-account.name') !== 'string') {
      report(secret, fieldPath('metadata.annotations', 'kubernetes.io/service-account.name'), 'core/secret-type',
        'a Secret of type kubernetes.io/service-account-token needs the annotation kubernetes.io/service-account.name');
    }
  }
};

/** The keys of a data map with the size of their values, reporting keys that are not config keys. */
function keysOf(object: IndexedObject, field: string, report: Report): Map<string, number> {
  const result = new Map<string, number>();
  const map = object.manifest[field];
  if (!isObject(map)) return result;
  for (const [key, value] of Object.entries(map)) {
    const error = configMapKeyError(key);
    if (error) report(object, fieldPath(field, key), 'core/config-key', error);
    result.set(key, typeof value === 'string' ? Buffer.byteLength(value) : 0);
  }
  return result;
}
