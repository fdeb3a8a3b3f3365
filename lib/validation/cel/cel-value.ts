import { isObject, JsonObject } from '../values';

/** Property names CEL reserves; Kubernetes exposes such fields as __name__ (e.g. `namespace` as `__namespace__`). */
const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import',
  'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/**
 * Kubernetes escaping of property names for CEL: reserved words become __word__, and '__', '.', '-', '/' inside names
 * become __underscores__, __dot__, __dash__, __slash__. Map keys (additionalProperties) are not escaped.
 */
export function escapeCelPropertyName(name: string): string {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

/**
 * Converts JSON into the CEL value the API server would bind to `self`, guided by the structural schema: integers are
 * CEL ints (BigInt), numbers are doubles, declared properties are escaped.
 */
export function toCelValue(value: unknown, schema: JsonObject | undefined): unknown {
  if (typeof value === 'number') {
    const integral = schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] === true || (schema?.type === undefined && Number.isInteger(value));
    return integral && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) {
    const items = schema && isObject(schema.items) ? schema.items : undefined;
    return value.map((item) => toCelValue(item, items));
  }
  if (!isObject(value)) return value;
  const properties = schema && isObject(schema.properties) ? schema.properties : undefined;
  const additional = schema && isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (properties && isObject(properties[key])) result[escapeCelPropertyName(key)] = toCelValue(child, properties[key] as JsonObject);
    else result[key] = toCelValue(child, additional);
  }
  return result;
}
