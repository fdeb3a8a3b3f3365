import { fieldPath } from '../field-path';
import { Finding } from '../finding';
import { isOpenApiDuration, OPENAPI_DURATION_SYNTAX } from '../syntax/durations';
import { isQuantity, QUANTITY_SYNTAX } from '../syntax/quantity';
import { isObject, JsonObject } from '../values';
import { LIST_MAP_KEYS_KEYWORD, QUANTITY_FORMAT } from './json-schema';

/** Resolves a "$ref" to the schema it names. */
export type RefResolver = (ref: string) => JsonObject | undefined;

interface FormatCheck {
  readonly description: string;
  readonly accepts: (value: unknown) => boolean;
}

const INT32 = 2 ** 31;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The formats the API server checks; any other format (e.g. "string", "url") is accepted, as the server does. */
const FORMATS: Record<string, FormatCheck> = {
  'int32': { description: 'a 32-bit integer', accepts: (v) => typeof v !== 'number' || (v >= -INT32 && v < INT32) },
  'int64': { description: 'a 64-bit integer', accepts: (v) => typeof v !== 'number' || Math.abs(v) <= 2 ** 63 },
  'date-time': { description: 'an RFC 3339 date-time like 2024-01-31T12:00:00Z', accepts: (v) => typeof v !== 'string' || DATE_TIME.test(v) },
  'uri': { description: 'an absolute URI', accepts: (v) => typeof v !== 'string' || URL.canParse(v) },
  'byte': { description: 'base64-encoded data', accepts: (v) => typeof v !== 'string' || BASE64.test(v) },
  'duration': { description: OPENAPI_DURATION_SYNTAX, accepts: (v) => typeof v !== 'string' || isOpenApiDuration(v) },
  [QUANTITY_FORMAT]: { description: QUANTITY_SYNTAX, accepts: (v) => typeof v !== 'string' || isQuantity(v) },
};

/** One declared property of an object node: its schema, compiled on first use, and its path segments. */
interface DeclaredProperty {
  readonly schema: JsonObject;
  node: SchemaNode | undefined;
  /** The field path of the property under the root ("name" or '["a/b"]') and under any other path (".name", '["a/b"]'). */
  readonly atRoot: string;
  readonly below: string;
  /** Whether a null value of the property counts as omitted (the schema does not allow null). */
  readonly nullOmitted: boolean;
}

/**
 * What the validator needs of one schema node, worked out once per node on first use: the keywords it checks, with
 * the object's declared properties in a Map and their path segments precomputed, so that validating a value reads no
 * schema keyword it does not need and builds no path by parsing a name. Children are compiled when first reached.
 */
class SchemaNode {
  /** The listed types ([schema.type].flat()), or undefined when the schema has no type. */
  public readonly types: readonly unknown[] | undefined;
  public readonly enum: readonly unknown[] | undefined;
  public readonly pattern: RegExp | null | undefined;
  public readonly checksLength: boolean;
  public readonly format: FormatCheck | undefined;
  public readonly checksNumber: boolean;
  public readonly checksItemCount: boolean;
  public readonly uniqueItems: boolean;
  public readonly listMapKeys: string[] | undefined;
  public readonly itemSchema: JsonObject | undefined;
  public itemNode: SchemaNode | undefined;
  public readonly checksPropertyCount: boolean;
  public readonly required: readonly string[] | undefined;
  /** The properties `properties` declares as schemas of their own, by name. */
  public readonly declared: Map<string, DeclaredProperty>;
  /** `properties` as declared ({} when not an object): names it does not own are looked up here, as before. */
  public readonly properties: JsonObject;
  public readonly additionalProperties: JsonObject | undefined;
  public additionalNode: SchemaNode | undefined;
  public readonly rejectsUnknown: boolean;
  public readonly hasCombinators: boolean;

  public constructor(public readonly schema: JsonObject) {
    this.types = schema.type === undefined ? undefined : [schema.type].flat();
    this.enum = Array.isArray(schema.enum) ? schema.enum : undefined;
    this.pattern = typeof schema.pattern === 'string' ? compilePattern(schema.pattern) : undefined;
    this.checksLength = typeof schema.minLength === 'number' || typeof schema.maxLength === 'number';
    this.format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
    this.checksNumber = ['minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum', 'multipleOf'].some((k) => typeof schema[k] === 'number');
    this.checksItemCount = typeof schema.minItems === 'number' || typeof schema.maxItems === 'number';
    this.uniqueItems = schema.uniqueItems === true;
    const keys = schema[LIST_MAP_KEYS_KEYWORD];
    this.listMapKeys = Array.isArray(keys) ? keys as string[] : undefined;
    this.itemSchema = isObject(schema.items) ? schema.items : undefined;
    this.checksPropertyCount = typeof schema.minProperties === 'number' || typeof schema.maxProperties === 'number';
    this.required = Array.isArray(schema.required) ? schema.required as string[] : undefined;
    this.properties = isObject(schema.properties) ? schema.properties : {};
    this.additionalProperties = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
    this.rejectsUnknown = schema.additionalProperties === false;
    this.declared = new Map();
    for (const [name, declared] of Object.entries(this.properties)) {
      if (!isObject(declared)) continue;
      const atRoot = fieldPath('', name);
      const below = atRoot.startsWith('[') ? atRoot : `.${name}`;
      this.declared.set(name, { schema: declared, node: undefined, atRoot, below, nullOmitted: !allowsNull(declared) });
    }
    this.hasCombinators = Array.isArray(schema.allOf) || Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf) || isObject(schema.not);
  }
}

/**
 * Checks JSON against the converted schemas by walking only the parts of the schema the object uses. Large CRDs
 * (a Rollout embeds a whole pod template) would take hundreds of milliseconds to compile into code; interpreting costs
 * time proportional to the object instead. What each schema node asks for is worked out once, on first use
 * ({@link SchemaNode}).
 */
export class StructuralValidator {
  private readonly nodes = new WeakMap<JsonObject, SchemaNode>();
  private readonly resolved = new Map<string, JsonObject>();

  public constructor(private readonly resolve: RefResolver) {}

  public validate(value: unknown, schema: JsonObject): Finding[] {
    const findings: Finding[] = [];
    this.check(value, this.nodeOf(schema), '', findings);
    return findings;
  }

  /** The compiled node of a schema; a "$ref" is compiled as the schema it names (its other keywords are ignored). */
  private nodeOf(schema: JsonObject): SchemaNode {
    let node = this.nodes.get(schema);
    if (!node) {
      node = typeof schema.$ref === 'string' ? this.nodeOf(this.target(schema.$ref)) : new SchemaNode(schema);
      this.nodes.set(schema, node);
    }
    return node;
  }

  private check(value: unknown, node: SchemaNode, path: string, findings: Finding[]): void {
    if (node.types !== undefined && !matchesType(value, node.types)) {
      findings.push({ field: path, rule: 'schema/type',
        message: `${describeValue(value)} has the wrong type; allowed: ${node.types.join(' or ')}` });
      return;
    }
    const schema = node.schema;
    if (node.enum !== undefined && !node.enum.some((allowed) => allowed === value)) {
      findings.push({ field: path, rule: 'schema/enum',
        message: `${describeValue(value)} is not allowed; allowed: ${node.enum.map((v) => JSON.stringify(v)).join(', ')}` });
    }
    if (typeof value === 'string') checkString(value, schema, node, path, findings);
    else if (typeof value === 'number') checkNumber(value, schema, node, path, findings);
    else if (Array.isArray(value)) this.checkArray(value, schema, node, path, findings);
    else if (typeof value === 'object' && value !== null) this.checkObject(value as JsonObject, schema, node, path, findings);
    if (node.hasCombinators) this.checkCombinators(value, schema, path, findings);
  }

  private target(ref: string): JsonObject {
    let target = this.resolved.get(ref);
    if (!target) {
      target = this.resolve(ref);
      if (!target) throw new Error(`unresolvable schema reference ${ref}`);
      this.resolved.set(ref, target);
    }
    return target;
  }

  private checkArray(value: unknown[], schema: JsonObject, node: SchemaNode, path: string, findings: Finding[]): void {
    if (node.checksItemCount && ((typeof schema.minItems === 'number' && value.length < schema.minItems)
      || (typeof schema.maxItems === 'number' && value.length > schema.maxItems))) {
      findings.push({ field: path, rule: 'schema/items',
        message: `list has ${value.length} items; allowed: ${describeBounds(schema.minItems, schema.maxItems)} items` });
    }
    if (node.uniqueItems) {
      const seen = new Map<string, number>();
      value.forEach((item, index) => {
        const key = JSON.stringify(item);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, index);
        else findings.push({ field: fieldPath(path, index), rule: 'schema/list-set',
          message: `duplicate of item [${first}]; x-kubernetes-list-type set requires unique items` });
      });
    }
    if (node.listMapKeys) checkListMapKeys(value, node.listMapKeys, path, findings);
    if (node.itemSchema) {
      for (let index = 0; index < value.length; index++) {
        const item = value[index];
        if (item === undefined && !(index in value)) continue; // a hole, which forEach skipped
        this.check(item, node.itemNode ??= this.nodeOf(node.itemSchema), `${path}[${index}]`, findings);
      }
    }
  }

  private checkObject(value: JsonObject, schema: JsonObject, node: SchemaNode, path: string, findings: Finding[]): void {
    const names = Object.keys(value);
    if (node.checksPropertyCount) {
      const count = names.length;
      if ((typeof schema.minProperties === 'number' && count < schema.minProperties)
        || (typeof schema.maxProperties === 'number' && count > schema.maxProperties)) {
        findings.push({ field: path, rule: 'schema/properties',
          message: `object has ${count} fields; allowed: ${describeBounds(schema.minProperties, schema.maxProperties)} fields` });
      }
    }
    const { properties, additionalProperties } = node;
    if (node.required) {
      for (const name of node.required) {
        if (value[name] === undefined || (value[name] === null && !allowsNull(properties[name]))) {
          findings.push({ field: fieldPath(path, name), rule: 'schema/required', message: `missing required field "${name}"` });
        }
      }
    }
    for (const name of names) {
      const child = value[name];
      const declared = node.declared.get(name);
      if (declared) {
        // The API server prunes a null that the schema does not allow (custom resources) or decodes it as the field's
        // zero value (built-in kinds): either way the field counts as omitted.
        if (child === null && declared.nullOmitted) continue;
        this.check(child, declared.node ??= this.nodeOf(declared.schema), path === '' ? declared.atRoot : path + declared.below, findings);
        continue;
      }
      // Not declared as a schema of its own: properties[name] may still find one (an inherited "__proto__").
      const other = properties[name];
      if (child === null && (isObject(other) || additionalProperties) && !allowsNull(other ?? additionalProperties)) continue;
      if (isObject(other)) {
        this.check(child, this.nodeOf(other), fieldPath(path, name), findings);
      } else if (additionalProperties) {
        this.check(child, node.additionalNode ??= this.nodeOf(additionalProperties), fieldPath(path, name), findings);
      } else if (node.rejectsUnknown) {
        const allowed = Object.keys(properties).sort();
        findings.push({ field: fieldPath(path, name), rule: 'schema/unknown-field',
          message: `unknown field "${name}"; allowed: ${allowed.length > 0 ? allowed.join(', ') : 'no fields'}` });
      }
    }
  }

  private checkCombinators(value: unknown, schema: JsonObject, path: string, findings: Finding[]): void {
    if (Array.isArray(schema.allOf)) {
      for (const branch of schema.allOf) if (isObject(branch)) this.check(value, this.nodeOf(branch), path, findings);
    }
    if (Array.isArray(schema.anyOf) && !schema.anyOf.some((branch) => this.passes(value, branch))) {
      findings.push({ field: path, rule: 'schema/any-of',
        message: `matches none of the alternatives; allowed: at least one of ${describeBranches(schema.anyOf)}` });
    }
    if (Array.isArray(schema.oneOf)) {
      const passing = schema.oneOf.filter((branch) => this.passes(value, branch)).length;
      if (passing !== 1) {
        findings.push({ field: path, rule: 'schema/one-of',
          message: `matches ${passing === 0 ? 'none' : passing} of the alternatives; allowed: exactly one of ${describeBranches(schema.oneOf)}` });
      }
    }
    if (isObject(schema.not) && this.passes(value, schema.not)) {
      findings.push({ field: path, rule: 'schema/not', message: `must not match {${describeBranch(schema.not)}}` });
    }
  }

  private passes(value: unknown, branch: unknown): boolean {
    const findings: Finding[] = [];
    if (isObject(branch)) this.check(value, this.nodeOf(branch), '', findings);
    return findings.length === 0;
  }
}

function allowsNull(schema: unknown): boolean {
  return isObject(schema) && Array.isArray(schema.type) && schema.type.includes('null');
}

function compilePattern(source: string): RegExp | null {
  try {
    return new RegExp(source);
  } catch {
    return null;
  }
}

function matchesType(value: unknown, types: readonly unknown[]): boolean {
  for (const type of types) {
    switch (type) {
      case 'integer': if (typeof value === 'number' && Number.isInteger(value)) return true; break;
      case 'number': if (typeof value === 'number') return true; break;
      case 'string': if (typeof value === 'string') return true; break;
      case 'boolean': if (typeof value === 'boolean') return true; break;
      case 'array': if (Array.isArray(value)) return true; break;
      case 'object': if (isObject(value)) return true; break;
      case 'null': if (value === null) return true; break;
      default: return true;
    }
  }
  return false;
}

function checkString(value: string, schema: JsonObject, facts: SchemaNode, path: string, findings: Finding[]): void {
  if (facts.pattern !== undefined) {
    if (!facts.pattern) findings.push({ field: path, rule: 'schema/pattern',
      message: `the schema pattern ${schema.pattern} is not a JavaScript regular expression; the value was not checked against it` });
    else if (!facts.pattern.test(value)) findings.push({ field: path, rule: 'schema/pattern',
      message: `${describeValue(value)} does not match the pattern ${schema.pattern}` });
  }
  if (facts.checksLength) {
    const length = codePointLength(value);
    if ((typeof schema.minLength === 'number' && length < schema.minLength) || (typeof schema.maxLength === 'number' && length > schema.maxLength)) {
      findings.push({ field: path, rule: 'schema/length',
        message: `${describeValue(value)} has ${length} characters; allowed: ${describeBounds(schema.minLength, schema.maxLength)} characters` });
    }
  }
  checkFormat(value, facts, path, findings);
}

/** Length in Unicode code points, as the API server counts (a surrogate pair is one character). */
function codePointLength(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    // A high surrogate followed by a low surrogate is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

function checkNumber(value: number, schema: JsonObject, facts: SchemaNode, path: string, findings: Finding[]): void {
  if (facts.checksNumber) checkNumberBounds(value, schema, path, findings);
  checkFormat(value, facts, path, findings);
}

function checkNumberBounds(value: number, schema: JsonObject, path: string, findings: Finding[]): void {
  const below = (typeof schema.minimum === 'number' && value < schema.minimum)
    || (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum);
  const above = (typeof schema.maximum === 'number' && value > schema.maximum)
    || (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum);
  if (below || above) {
    const limit = below ? schema.minimum ?? schema.exclusiveMinimum : schema.maximum ?? schema.exclusiveMaximum;
    findings.push({ field: path, rule: 'schema/range',
      message: `${value} is ${below ? 'below the minimum' : 'above the maximum'} ${limit}; allowed: ${describeRange(schema)}` });
  }
  if (typeof schema.multipleOf === 'number' && !Number.isInteger(value / schema.multipleOf)) {
    findings.push({ field: path, rule: 'schema/multiple-of', message: `${value} is not a multiple of ${schema.multipleOf}` });
  }
}

function checkFormat(value: string | number, facts: SchemaNode, path: string, findings: Finding[]): void {
  const format = facts.format;
  if (format && !format.accepts(value)) {
    findings.push({ field: path, rule: 'schema/format', message: `${describeValue(value)} is not ${format.description}` });
  }
}

function checkListMapKeys(items: unknown[], keys: string[], path: string, findings: Finding[]): void {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    if (!isObject(item)) return;
    const values = keys.map((key) => item[key] ?? null);
    const identity = JSON.stringify(values);
    const first = seen.get(identity);
    if (first === undefined) {
      seen.set(identity, index);
      return;
    }
    const same = keys.map((key, i) => `${key}=${JSON.stringify(values[i])}`).join(', ');
    findings.push({ field: fieldPath(path, index), rule: 'schema/list-map',
      message: `duplicate of item [${first}] (same ${same}); x-kubernetes-list-type map requires unique ${keys.join(', ')}` });
  });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}..."` : text;
}

function describeRange(schema: JsonObject): string {
  const type = schema.type === 'integer' ? 'integer' : 'number';
  const low = schema.minimum !== undefined ? `${schema.minimum}` : schema.exclusiveMinimum !== undefined ? `>${schema.exclusiveMinimum}` : '';
  const high = schema.maximum !== undefined ? `${schema.maximum}` : schema.exclusiveMaximum !== undefined ? `<${schema.exclusiveMaximum}` : '';
  if (low && high) return `${type} ${low}..${high}`;
  return low ? `${type} ≥ ${low}` : `${type} ≤ ${high}`;
}

function describeBounds(min: unknown, max: unknown): string {
  if (min !== undefined && max !== undefined) return `${min}..${max}`;
  return min !== undefined ? `at least ${min}` : `at most ${max}`;
}

function describeBranches(branches: unknown[]): string {
  return branches.map((branch) => `{${describeBranch(isObject(branch) ? branch : {})}}`).join(' | ');
}

function describeBranch(branch: JsonObject): string {
  const parts: string[] = [];
  if (Array.isArray(branch.required)) parts.push(`${branch.required.join(', ')} set`);
  if (branch.type !== undefined) parts.push(`type ${[branch.type].flat().join('|')}`);
  if (Array.isArray(branch.enum)) parts.push(`one of ${branch.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (isObject(branch.not)) parts.push(`not {${describeBranch(branch.not)}}`);
  return parts.length > 0 ? parts.join('; ') : JSON.stringify(branch).slice(0, 80);
}
