/** The name syntaxes of k8s.io/apimachinery/pkg/util/validation. */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Returns why a value is not a DNS-1123 label (≤63, lowercase alphanumerics and '-', alphanumeric at both ends), or undefined. */
export function dns1123LabelError(value: string): string | undefined {
  if (value.length > 63) return `"${value}" is longer than 63 characters; allowed: a DNS-1123 label`;
  return DNS1123_LABEL.test(value) ? undefined
    : `"${value}" is not a DNS-1123 label; allowed: lowercase alphanumerics and '-', starting and ending alphanumeric, at most 63 characters`;
}

export function dns1123SubdomainError(value: string): string | undefined {
  if (value.length > 253) return `"${value}" is longer than 253 characters; allowed: a DNS-1123 subdomain`;
  return DNS1123_SUBDOMAIN.test(value) ? undefined
    : `"${value}" is not a DNS-1123 subdomain; allowed: lowercase alphanumerics, '-' and '.', `
      + 'each dot-separated part starting and ending alphanumeric, at most 253 characters';
}

export function dns1035LabelError(value: string): string | undefined {
  if (value.length > 63) return `"${value}" is longer than 63 characters; allowed: a DNS-1035 label`;
  return DNS1035_LABEL.test(value) ? undefined
    : `"${value}" is not a DNS-1035 label; allowed: lowercase alphanumerics and '-', `
      + 'starting with a letter and ending alphanumeric, at most 63 characters';
}

/** Label and annotation keys: [prefix/]name, prefix a DNS-1123 subdomain, name ≤63 alphanumerics, '-', '_', '.'. */
export function qualifiedNameError(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length > 2) return `"${value}" has more than one '/'; allowed: an optional DNS subdomain prefix and '/', then a name`;
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '') return `"${value}" has an empty prefix before '/'`;
    const prefixError = dns1123SubdomainError(prefix);
    if (prefixError) return `prefix of "${value}": ${prefixError}`;
  }
  if (name === '') return `"${value}" has an empty name part`;
  if (name.length > 63) return `name part of "${value}" is longer than 63 characters`;
  return QUALIFIED_NAME_PART.test(name) ? undefined
    : `name part of "${value}" is invalid; allowed: alphanumerics, '-', '_' and '.', starting and ending alphanumeric`;
}

export function labelValueError(value: string): string | undefined {
  if (value.length > 63) return `label value "${value}" is longer than 63 characters`;
  return LABEL_VALUE.test(value) ? undefined
    : `label value "${value}" is invalid; allowed: empty, or alphanumerics, '-', '_' and '.', `
      + 'starting and ending alphanumeric, at most 63 characters';
}

/** Container port names and named targetPorts: IANA_SVC_NAME (≤15, lowercase alphanumerics and '-', a letter, no '--'). */
export function ianaServiceNameError(value: string): string | undefined {
  const allowed = 'allowed: at most 15 lowercase alphanumerics or \'-\', with at least one letter, not starting, ending or doubling \'-\'';
  if (value.length > 15) return `port name "${value}" is longer than 15 characters; ${allowed}`;
  if (!IANA_SVC_NAME.test(value) || value.includes('--') || !/[a-z]/.test(value)) return `port name "${value}" is invalid; ${allowed}`;
  return undefined;
}

const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const WILDCARD_DNS1123_SUBDOMAIN = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** validation.IsEnvVarName: env var names and envFrom prefixes. */
export function envVarNameError(value: string): string | undefined {
  return ENV_VAR_NAME.test(value) ? undefined
    : `env var name "${value}" is invalid; allowed: letters, digits, '_', '-' and '.', not starting with a digit (e.g. MY_ENV.NAME)`;
}

/** validation.IsConfigMapKey: keys of ConfigMap and Secret data, and keys referenced from pods. */
export function configMapKeyError(value: string): string | undefined {
  if (value.length > 253) return `key "${value.slice(0, 20)}..." is longer than 253 characters; allowed: a config key of at most 253 characters`;
  if (!CONFIG_MAP_KEY.test(value)) return `key "${value}" is invalid; allowed: letters, digits, '-', '_' and '.' (e.g. key.name, KEY_NAME, key-name)`;
  if (value === '.' || value === '..') return `key "${value}" is invalid; allowed: a key other than '.' and '..'`;
  if (value.startsWith('..')) return `key "${value}" starts with '..'; allowed: a key not starting with '..'`;
  return undefined;
}

/** path.IsValidPathSegmentName: the names of RBAC objects and roleRef names (colons allowed, as in "system:viewer"). */
export function pathSegmentNameError(value: string): string | undefined {
  if (value === '.' || value === '..') return `"${value}" is invalid; allowed: a name other than '.' and '..'`;
  for (const forbidden of ['/', '%']) {
    if (value.includes(forbidden)) return `"${value}" contains '${forbidden}'; allowed: a name without '/' or '%'`;
  }
  return undefined;
}

/** validation.IsWildcardDNS1123Subdomain: "*." followed by a DNS-1123 subdomain. */
export function wildcardDns1123SubdomainError(value: string): string | undefined {
  if (value.length > 253) return `"${value}" is longer than 253 characters; allowed: a DNS-1123 subdomain`;
  return WILDCARD_DNS1123_SUBDOMAIN.test(value) ? undefined
    : `"${value}" is not a wildcard DNS-1123 subdomain; allowed: '*.' followed by a DNS-1123 subdomain, e.g. *.example.com`;
}
