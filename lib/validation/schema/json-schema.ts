import { isObject, JsonObject } from '../values';
import { OBJECT_META_REF } from './core-definitions';

/** Keyword for x-kubernetes-list-type: map (items unique by their x-kubernetes-list-map-keys). */
export const LIST_MAP_KEYS_KEYWORD = 'k8sListMapKeys';
/** Format name for resource.Quantity strings. */
export const QUANTITY_FORMAT = 'k8s-quantity';

const COPIED_KEYWORDS = [
  'type', 'enum', 'format', 'pattern', 'minimum', 'maximum', 'multipleOf', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'required',
] as const;

/**
 * Converts a CRD's structural openAPIV3Schema into the JSON schema the structural validator checks, applying the Kubernetes extensions the
 * way the API server does: unknown fields are errors unless x-kubernetes-preserve-unknown-fields, int-or-string,
 * nullable, list-type set/map uniqueness, and metadata checked as ObjectMeta at the root and in embedded resources.
 * x-kubernetes-validations (CEL) are left out here; the CEL validator walks the original schema.
 */
export function crdSchemaToJsonSchema(schema: JsonObject): JsonObject {
  const converted = convertStructural(schema, false);
  return withObjectMeta(converted);
}

function convertStructural(schema: JsonObject, inValueValidation: boolean): JsonObject {
  const result: JsonObject = copyKeywords(schema);
  convertOpenApiExclusiveBounds(schema, result);

  if (schema['x-kubernetes-int-or-string'] === true) {
    result.type = ['integer', 'string'];
  }
  if (schema.nullable === true) {
    makeNullable(result);
  }
  if (isObject(schema.properties)) {
    result.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, child]) => [name, convertStructural(asSchema(child), inValueValidation)]),
    );
  }
  if (isObject(schema.additionalProperties)) {
    result.additionalProperties = convertStructural(schema.additionalProperties, inValueValidation);
  } else if (typeof schema.additionalProperties === 'boolean') {
    result.additionalProperties = schema.additionalProperties;
  } else if (schema.type === 'object' && !inValueValidation && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
    // Structural schemas prune fields they do not declare; strict field validation reports them instead.
    result.additionalProperties = false;
  }
  if (schema['x-kubernetes-embedded-resource'] === true) {
    embedResource(result, schema['x-kubernetes-preserve-unknown-fields'] === true);
  }
  if (isObject(schema.items)) {
    result.items = convertStructural(schema.items, inValueValidation);
  }
  if (schema['x-kubernetes-list-type'] === 'set') {
    result.uniqueItems = true;
  } else if (schema['x-kubernetes-list-type'] === 'map' && Array.isArray(schema['x-kubernetes-list-map-keys'])) {
    result[LIST_MAP_KEYS_KEYWORD] = schema['x-kubernetes-list-map-keys'];
  }
  for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = schema[combinator];
    if (Array.isArray(branches)) result[combinator] = branches.map((branch) => convertStructural(asSchema(branch), true));
  }
  if (isObject(schema.not)) {
    result.not = convertStructural(schema.not, true);
  }
  return result;
}

/**
 * Converts one swagger 2 definition of the built-in API. References stay "#/definitions/..." because all definitions
 * are resolved against one definitions map. Core list-type semantics are enforced by the API server's Go validation, which the
 * core rule checks approximate, so only the shape is checked here.
 */
export function coreDefinitionToJsonSchema(name: string, definition: JsonObject): JsonObject {
  if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') return { type: ['integer', 'string'] };
  if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') return { type: ['string', 'number'], format: QUANTITY_FORMAT };
  const converted = convertCore(definition);
  const unenforced = UNENFORCED_REQUIRED[name];
  if (unenforced && Array.isArray(converted.required)) {
    converted.required = converted.required.filter((field) => !unenforced.includes(field as string));
  }
  return converted;
}

/**
 * Fields the definitions list as required but the API server does not require: built-in kinds are judged by their Go
 * validation, not the OpenAPI `required` lists, and these are decoded as zero values that the Go validation accepts.
 */
const UNENFORCED_REQUIRED: Record<string, readonly string[]> = {
  'io.k8s.api.apps.v1.StatefulSetSpec': ['serviceName'],
  'io.k8s.api.networking.v1.NetworkPolicySpec': ['podSelector'],
  // Defaulted to rbac.authorization.k8s.io before validation.
  'io.k8s.api.rbac.v1.RoleRef': ['apiGroup'],
};

function convertCore(schema: JsonObject): JsonObject {
  if (typeof schema.$ref === 'string') return { $ref: schema.$ref };
  const result: JsonObject = copyKeywords(schema);
  if (schema['x-kubernetes-int-or-string'] === true) result.type = ['integer', 'string'];
  if (isObject(schema.properties)) {
    result.properties = Object.fromEntries(Object.entries(schema.properties).map(([name, child]) => [name, convertCore(asSchema(child))]));
    if (schema['x-kubernetes-preserve-unknown-fields'] !== true && schema.additionalProperties === undefined) result.additionalProperties = false;
  }
  if (isObject(schema.additionalProperties)) result.additionalProperties = convertCore(schema.additionalProperties);
  if (isObject(schema.items)) result.items = convertCore(schema.items);
  if (Array.isArray(schema.allOf)) result.allOf = schema.allOf.map((branch) => convertCore(asSchema(branch)));
  return result;
}

function withObjectMeta(root: JsonObject): JsonObject {
  const properties = isObject(root.properties) ? { ...root.properties } : {};
  properties.apiVersion = { type: 'string' };
  properties.kind = { type: 'string' };
  properties.metadata = { $ref: OBJECT_META_REF };
  return { ...root, type: 'object', properties };
}

function embedResource(result: JsonObject, preserveUnknownFields: boolean): void {
  const properties = isObject(result.properties) ? { ...result.properties } : {};
  properties.apiVersion ??= { type: 'string' };
  properties.kind ??= { type: 'string' };
  properties.metadata = { $ref: OBJECT_META_REF };
  result.properties = properties;
  if (preserveUnknownFields) delete result.additionalProperties;
}

function copyKeywords(schema: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const keyword of COPIED_KEYWORDS) {
    if (schema[keyword] !== undefined) result[keyword] = schema[keyword];
  }
  return result;
}

/** OpenAPI 3.0 spells exclusive bounds as booleans next to minimum/maximum; JSON schema uses numbers. */
function convertOpenApiExclusiveBounds(schema: JsonObject, result: JsonObject): void {
  if (schema.exclusiveMinimum === true && typeof schema.minimum === 'number') {
    result.exclusiveMinimum = schema.minimum;
    delete result.minimum;
  }
  if (schema.exclusiveMaximum === true && typeof schema.maximum === 'number') {
    result.exclusiveMaximum = schema.maximum;
    delete result.maximum;
  }
}

function makeNullable(result: JsonObject): void {
  if (typeof result.type === 'string') result.type = [result.type, 'null'];
  else if (Array.isArray(result.type)) result.type = [...result.type, 'null'];
  if (Array.isArray(result.enum)) result.enum = [...result.enum, null];
}

function asSchema(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}
