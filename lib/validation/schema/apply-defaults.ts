import { isObject, JsonObject } from '../values';

/**
 * Returns a copy of a custom resource with the structural schema's defaults filled in, as the API server does before
 * validating (e.g. Gateway API path matches default to {type: PathPrefix, value: "/"}, which CEL rules rely on).
 */
export function applyDefaults(value: unknown, schema: JsonObject): unknown {
  if (Array.isArray(value)) {
    const items = isObject(schema.items) ? schema.items : undefined;
    return items ? value.map((item) => applyDefaults(item, items)) : structuredClone(value);
  }
  if (!isObject(value)) return value;
  const result: JsonObject = {};
  const properties = isObject(schema.properties) ? schema.properties : {};
  const additional = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  for (const [key, child] of Object.entries(value)) {
    const childSchema = isObject(properties[key]) ? properties[key] : additional;
    result[key] = childSchema ? applyDefaults(child, childSchema as JsonObject) : structuredClone(child);
  }
  for (const [key, childSchema] of Object.entries(properties)) {
    if (result[key] === undefined && isObject(childSchema) && childSchema.default !== undefined) {
      result[key] = applyDefaults(structuredClone(childSchema.default), childSchema);
    }
  }
  return result;
}
