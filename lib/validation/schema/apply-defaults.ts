import { isObject, JsonObject } from '../values';

/** What applying defaults needs of a schema node below which a default is declared, worked out once per node. */
interface DefaultsPlan {
  readonly items: JsonObject | undefined;
  readonly properties: JsonObject;
  readonly additional: JsonObject | undefined;
  /** The properties declaring a default, in the order of `properties`. */
  readonly defaulted: ReadonlyArray<readonly [string, JsonObject]>;
}

/** Schema nodes' plans; null when no default is declared anywhere below the node (properties, additionalProperties, items). */
const plans = new WeakMap<JsonObject, DefaultsPlan | null>();

/**
 * Returns a custom resource with the structural schema's defaults filled in, as the API server does before validating
 * (e.g. Gateway API path matches default to {type: PathPrefix, value: "/"}, which CEL rules rely on). The input is
 * not modified: objects and lists on the way to a default are copied; parts without defaults in their schema are
 * shared with the input, since validation only reads them.
 */
export function applyDefaults(value: unknown, schema: JsonObject): unknown {
  const plan = planOf(schema);
  if (plan === null) return value;
  if (Array.isArray(value)) {
    const items = plan.items;
    return items ? value.map((item) => applyDefaults(item, items)) : value;
  }
  if (!isObject(value)) return value;
  const result: JsonObject = {};
  const { properties, additional } = plan;
  for (const [key, child] of Object.entries(value)) {
    const childSchema = isObject(properties[key]) ? properties[key] : additional;
    result[key] = childSchema ? applyDefaults(child, childSchema as JsonObject) : child;
  }
  for (const [key, childSchema] of plan.defaulted) {
    if (result[key] === undefined) {
      const fallback = childSchema.default;
      // A scalar default needs no copy (structuredClone would return it as it is).
      result[key] = applyDefaults(typeof fallback === 'object' && fallback !== null ? structuredClone(fallback) : fallback, childSchema);
    }
  }
  return result;
}

function planOf(schema: JsonObject): DefaultsPlan | null {
  let plan = plans.get(schema);
  if (plan === undefined) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const declared = Object.values(properties).filter(isObject);
    const children = [...declared, schema.additionalProperties, schema.items].filter(isObject);
    const defaulted = Object.entries(properties)
      .filter((entry): entry is [string, JsonObject] => isObject(entry[1]) && entry[1].default !== undefined);
    plan = defaulted.length > 0 || children.some((child) => planOf(child) !== null)
      ? { items: isObject(schema.items) ? schema.items : undefined, properties,
        additional: isObject(schema.additionalProperties) ? schema.additionalProperties : undefined, defaulted }
      : null;
    plans.set(schema, plan);
  }
  return plan;
}
