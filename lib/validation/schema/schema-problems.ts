import type { ErrorObject } from 'ajv';
import { fieldPath, pointerToFieldPath } from '../field-path';
import { Finding } from '../finding';
import { isObject, JsonObject } from '../values';
import { GO_DURATION_SYNTAX } from '../syntax/durations';
import { QUANTITY_SYNTAX } from '../syntax/quantity';
import { LIST_MAP_KEYS_KEYWORD, QUANTITY_FORMAT } from './ajv-schema';

/** Formats the API server checks, by their description in messages. */
const FORMAT_DESCRIPTIONS: Record<string, string> = {
  'int32': 'a 32-bit integer',
  'int64': 'a 64-bit integer',
  'date-time': 'an RFC 3339 date-time like 2024-01-31T12:00:00Z',
  'uri': 'an absolute URI',
  'byte': 'base64-encoded data',
  'duration': GO_DURATION_SYNTAX,
  [QUANTITY_FORMAT]: QUANTITY_SYNTAX,
};

const COMBINATORS = new Set(['oneOf', 'anyOf', 'not']);

/**
 * Turns ajv errors into findings that say what is wrong and what is allowed. Errors inside a failed oneOf/anyOf/not
 * branch are folded into one finding for the combinator: they describe the branches, not the fault.
 */
export function schemaFindings(errors: readonly ErrorObject[], document: unknown): Finding[] {
  const failedCombinators = errors.filter((error) => COMBINATORS.has(error.keyword)).map((error) => `${error.schemaPath}/`);
  return errors
    .filter((error) => !failedCombinators.some((prefix) => error.schemaPath.startsWith(prefix)))
    .map((error) => toFinding(error, pointerToFieldPath(error.instancePath, document)));
}

function toFinding(error: ErrorObject, field: string): Finding {
  const params = error.params as Record<string, any>;
  const parent = isObject(error.parentSchema) ? error.parentSchema : {};
  switch (error.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys(isObject(parent.properties) ? parent.properties : {}).sort();
      return {
        field: fieldPath(field, params.additionalProperty),
        rule: 'schema/unknown-field',
        message: `unknown field "${params.additionalProperty}"; allowed: ${allowed.length > 0 ? allowed.join(', ') : 'no fields'}`,
      };
    }
    case 'required':
      return { field: fieldPath(field, params.missingProperty), rule: 'schema/required', message: `missing required field "${params.missingProperty}"` };
    case 'type':
      return { field, rule: 'schema/type', message: `${describeValue(error.data)} has the wrong type; allowed: ${[params.type].flat().join(' or ')}` };
    case 'enum':
      return { field, rule: 'schema/enum', message: `${describeValue(error.data)} is not allowed; allowed: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'pattern':
      return { field, rule: 'schema/pattern', message: `${describeValue(error.data)} does not match the pattern ${params.pattern}` };
    case 'format':
      return { field, rule: 'schema/format', message: `${describeValue(error.data)} is not ${FORMAT_DESCRIPTIONS[params.format] ?? `in format ${params.format}`}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { field, rule: 'schema/range', message: `${describeValue(error.data)} is ${error.keyword.endsWith('inimum') ? 'below' : 'above'} the ${error.keyword} ${params.limit}; allowed: ${describeRange(parent)}` };
    case 'minLength':
    case 'maxLength':
      return { field, rule: 'schema/length', message: `${describeValue(error.data)} has ${String(error.data).length} characters; allowed: ${describeBounds(parent.minLength, parent.maxLength)} characters` };
    case 'minItems':
    case 'maxItems':
      return { field, rule: 'schema/items', message: `list has ${(error.data as unknown[]).length} items; allowed: ${describeBounds(parent.minItems, parent.maxItems)} items` };
    case 'minProperties':
    case 'maxProperties':
      return { field, rule: 'schema/properties', message: `object has ${Object.keys(error.data as object).length} fields; allowed: ${describeBounds(parent.minProperties, parent.maxProperties)} fields` };
    case 'uniqueItems':
      return { field: fieldPath(field, params.i), rule: 'schema/list-set', message: `duplicate of item [${params.j}]; x-kubernetes-list-type set requires unique items` };
    case LIST_MAP_KEYS_KEYWORD:
      return {
        field: fieldPath(field, params.duplicate),
        rule: 'schema/list-map',
        message: `duplicate of item [${params.first}] (same ${(params.keys as string[]).map((key, i) => `${key}=${JSON.stringify(params.values[i] ?? null)}`).join(', ')}); x-kubernetes-list-type map requires unique ${(params.keys as string[]).join(', ')}`,
      };
    case 'oneOf':
      return {
        field,
        rule: 'schema/one-of',
        message: `${params.passingSchemas ? 'matches more than one' : 'matches none'} of the alternatives; allowed: exactly one of ${describeBranches(error.schema)}`,
      };
    case 'anyOf':
      return { field, rule: 'schema/any-of', message: `matches none of the alternatives; allowed: at least one of ${describeBranches(error.schema)}` };
    case 'not':
      return { field, rule: 'schema/not', message: `must not match ${describeBranch(isObject(error.schema) ? error.schema : {})}` };
    default:
      return { field, rule: `schema/${error.keyword}`, message: error.message ?? `fails ${error.keyword}` };
  }
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
  const low = schema.exclusiveMinimum ?? schema.minimum;
  const high = schema.exclusiveMaximum ?? schema.maximum;
  const lowText = low === undefined ? '' : `${schema.exclusiveMinimum !== undefined ? '>' : ''}${low}`;
  const highText = high === undefined ? '' : `${schema.exclusiveMaximum !== undefined ? '<' : ''}${high}`;
  if (lowText && highText) return `${type} ${lowText}..${highText}`;
  return lowText ? `${type} ≥ ${lowText}` : `${type} ≤ ${highText}`;
}

function describeBounds(min: unknown, max: unknown): string {
  if (min !== undefined && max !== undefined) return `${min}..${max}`;
  return min !== undefined ? `at least ${min}` : `at most ${max}`;
}

function describeBranches(branches: unknown): string {
  return (Array.isArray(branches) ? branches : []).map((branch) => `{${describeBranch(isObject(branch) ? branch : {})}}`).join(' | ');
}

function describeBranch(branch: JsonObject): string {
  const parts: string[] = [];
  if (Array.isArray(branch.required)) parts.push(`${branch.required.join(', ')} set`);
  if (branch.type !== undefined) parts.push(`type ${[branch.type].flat().join('|')}`);
  if (isObject(branch.properties)) parts.push(`fields ${Object.keys(branch.properties).join(', ')}`);
  if (Array.isArray(branch.enum)) parts.push(`one of ${branch.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (branch.not !== undefined) parts.push(`not {${describeBranch(isObject(branch.not) ? branch.not : {})}}`);
  return parts.length > 0 ? parts.join('; ') : JSON.stringify(branch).slice(0, 80);
}
