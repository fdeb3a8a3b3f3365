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
  let escaped = ESCAPED_NAMES.get(name);
  if (escaped === undefined) {
    escaped = CEL_RESERVED.has(name) ? `__${name}__` : name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__')
      .replace(/-/g, '__dash__').replace(/\//g, '__slash__');
    ESCAPED_NAMES.set(name, escaped);
  }
  return escaped;
}

/** Escaped names by property name; only names declared in schemas are escaped, so this stays as small as the schemas. */
const ESCAPED_NAMES = new Map<string, string>();

/** Conversions of one document's lists and objects, by node and schema, so rules on nested nodes reuse their ancestors' work. */
export class CelValueCache {
  private readonly converted = new WeakMap<object, Map<JsonObject | undefined, unknown>>();

  public get(node: object, schema: JsonObject | undefined): unknown {
    return this.converted.get(node)?.get(schema);
  }

  public set(node: object, schema: JsonObject | undefined, value: unknown): void {
    let bySchema = this.converted.get(node);
    if (!bySchema) {
      bySchema = new Map();
      this.converted.set(node, bySchema);
    }
    bySchema.set(schema, value);
  }
}

/**
 * Converts JSON into the CEL value the API server would bind to `self`, guided by the structural schema: integers are
 * CEL ints (BigInt), numbers are doubles, declared properties are escaped. With a cache, each list and object is
 * converted once per schema; the results are shared, which is safe because CEL never modifies its inputs.
 */
export function toCelValue(value: unknown, schema: JsonObject | undefined, cache?: CelValueCache): unknown {
  if (typeof value === 'number') {
    const integral = schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] === true
      || (schema?.type === undefined && Number.isInteger(value));
    return integral && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  const cached = cache?.get(value, schema);
  if (cached !== undefined) return cached;
  const converted = convertNode(value, schema, cache);
  cache?.set(value, schema, converted);
  return converted;
}

function convertNode(value: object, schema: JsonObject | undefined, cache: CelValueCache | undefined): unknown {
  if (Array.isArray(value)) {
    const items = schema && isObject(schema.items) ? schema.items : undefined;
    return value.map((item) => toCelValue(item, items, cache));
  }
  const properties = schema && isObject(schema.properties) ? schema.properties : undefined;
  const additional = schema && isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (properties && isObject(properties[key])) result[escapeCelPropertyName(key)] = toCelValue(child, properties[key] as JsonObject, cache);
    else result[key] = toCelValue(child, additional, cache);
  }
  return result;
}
