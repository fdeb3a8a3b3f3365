import { fieldPath } from '../field-path';
import { Finding } from '../finding';
import { isObject, JsonObject } from '../values';
import { CelRuleCompiler, firstLine } from './cel-rules';
import { CelValueCache, toCelValue } from './cel-value';

/**
 * Evaluates every x-kubernetes-validations rule of a CRD schema at each node where it is declared, for every instance
 * of that node (each list item, each map value), against the defaulted object.
 */
export function celFindings(document: unknown, schema: JsonObject, compiler: CelRuleCompiler = CelRuleCompiler.default()): Finding[] {
  const findings: Finding[] = [];
  walk(document, schema, '', { compiler, values: new CelValueCache(), findings });
  return findings;
}

/** What one document's walk shares. */
interface Walk {
  readonly compiler: CelRuleCompiler;
  readonly values: CelValueCache;
  readonly findings: Finding[];
}

function walk(value: unknown, schema: JsonObject, path: string, context: Walk): void {
  if (value === undefined || value === null || !declaresRules(schema)) return;
  const rules = schema['x-kubernetes-validations'];
  if (Array.isArray(rules)) {
    for (const rule of rules) if (isObject(rule)) evaluateRule(rule, value, schema, path, context);
  }
  if (Array.isArray(value)) {
    if (isObject(schema.items)) value.forEach((item, index) => walk(item, schema.items as JsonObject, fieldPath(path, index), context));
    return;
  }
  if (!isObject(value)) return;
  const properties = isObject(schema.properties) ? schema.properties : {};
  const additional = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  for (const [key, child] of Object.entries(value)) {
    const childSchema = isObject(properties[key]) ? (properties[key] as JsonObject) : additional;
    if (childSchema) walk(child, childSchema, fieldPath(path, key), context);
  }
}

/** Schema nodes by whether they or any node below them (properties, additionalProperties, items) declare rules. */
const withRules = new WeakMap<JsonObject, boolean>();

function declaresRules(schema: JsonObject): boolean {
  let declares = withRules.get(schema);
  if (declares === undefined) {
    const properties = isObject(schema.properties) ? Object.values(schema.properties) : [];
    const children = [...properties, schema.additionalProperties, schema.items].filter(isObject);
    declares = Array.isArray(schema['x-kubernetes-validations']) || children.some(declaresRules);
    withRules.set(schema, declares);
  }
  return declares;
}

function evaluateRule(rule: JsonObject, value: unknown, schema: JsonObject, path: string, { compiler, values, findings }: Walk): void {
  const expression = typeof rule.rule === 'string' ? rule.rule : '';
  const field = typeof rule.fieldPath === 'string' ? joinRuleFieldPath(path, rule.fieldPath) : path;
  const compiled = compiler.compile(expression);
  if (compiled.status === 'transition') return;
  if (compiled.status === 'unsupported') {
    findings.push({ field, rule: 'cel/unsupported',
      message: `cannot evaluate rule ${JSON.stringify(expression)}: ${compiled.reason}; the object was not checked against it` });
    return;
  }
  const self = toCelValue(value, schema, values);
  let result: unknown;
  try {
    result = compiled.evaluate(self);
  } catch (error) {
    const reason = firstLine(error);
    // An overload cel-js lacks looks the same as a type error at run time; both mean the rule was not really checked.
    const unsupported = /no matching overload|Unknown variable|not supported/i.test(reason);
    findings.push({
      field,
      rule: unsupported ? 'cel/unsupported' : 'cel',
      message: `rule ${JSON.stringify(expression)} could not be evaluated: ${reason}`,
    });
    return;
  }
  if (result === true) return;
  if (typeof result !== 'boolean') {
    findings.push({ field, rule: 'cel/unsupported', message: `rule ${JSON.stringify(expression)} returned ${typeof result}, not bool` });
    return;
  }
  findings.push({ field, rule: 'cel', message: `${ruleMessage(rule, self, compiler)}${reasonSuffix(rule)} (failed rule: ${expression})` });
}

/** messageExpression wins over message (as in the API server); a failing messageExpression falls back to message. */
function ruleMessage(rule: JsonObject, self: unknown, compiler: CelRuleCompiler): string {
  if (typeof rule.messageExpression === 'string') {
    const compiled = compiler.compile(rule.messageExpression);
    if (compiled.status === 'ready') {
      try {
        const text = compiled.evaluate(self);
        if (typeof text === 'string' && text.trim() !== '') return text;
      } catch {
        // Fall through to the static message, as the API server does.
      }
    }
  }
  return typeof rule.message === 'string' && rule.message !== '' ? rule.message : 'failed rule';
}

function reasonSuffix(rule: JsonObject): string {
  return typeof rule.reason === 'string' ? ` [${rule.reason}]` : '';
}

/** fieldPath is relative to the node declaring the rule, e.g. ".spec.replicas" or ".labels['app']". */
function joinRuleFieldPath(path: string, relative: string): string {
  const trimmed = relative.startsWith('.') ? relative.slice(1) : relative;
  if (trimmed === '') return path;
  return path === '' || trimmed.startsWith('[') ? `${path}${trimmed}` : `${path}.${trimmed}`;
}
