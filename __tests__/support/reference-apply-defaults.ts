/**
 * applyDefaults as it was before its per-node plans (lib/validation/schema/apply-defaults.ts at 696815e), kept unchanged as
 * the general path that schema-equivalence.test.ts compares the planned one with.
 */
import { isObject, JsonObject } from '../../lib/validation/values';

/** Schema nodes by whether a default is declared anywhere below them (in properties, additionalProperties or items). */
const declaresDefaults = new WeakMap<JsonObject, boolean>();

/**
 * Returns a custom resource with the structural schema's defaults filled in, as the API server does before validating
 * (e.g. Gateway API path matches default to {type: PathPrefix, value: "/"}, which CEL rules rely on). The input is
 * not modified: objects and lists on the way to a default are copied; parts without defaults in their schema are
 * shared with the input, since validation only reads them.
 */
export function referenceApplyDefaults(value: unknown, schema: JsonObject): unknown {
  if (!hasDefaults(schema)) return value;
  if (Array.isArray(value)) {
    const items = isObject(schema.items) ? schema.items : undefined;
    return items ? value.map((item) => referenceApplyDefaults(item, items)) : value;
  }
  if (!isObject(value)) return value;
  const result: JsonObject = {};
  const properties = isObject(schema.properties) ? schema.properties : {};
  const additional = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  for (const [key, child] of Object.entries(value)) {
    const childSchema = isObject(properties[key]) ? properties[key] : additional;
    result[key] = childSchema ? referenceApplyDefaults(child, childSchema as JsonObject) : child;
  }
  for (const [key, childSchema] of Object.entries(properties)) {
    if (result[key] === undefined && isObject(childSchema) && childSchema.default !== undefined) {
      result[key] = referenceApplyDefaults(structuredClone(childSchema.default), childSchema);
    }
  }
  return result;
}

function hasDefaults(schema: JsonObject): boolean {
  let declares = declaresDefaults.get(schema);
  if (declares === undefined) {
    const properties = isObject(schema.properties) ? Object.values(schema.properties).filter(isObject) : [];
    const children = [...properties, schema.additionalProperties, schema.items].filter(isObject);
    declares = properties.some((child) => child.default !== undefined) || children.some(hasDefaults);
    declaresDefaults.set(schema, declares);
  }
  return declares;
}
