import { fieldPath } from '../field-path';
import { Finding } from '../finding';
import { isObject, JsonObject } from '../values';
import { CelRuleCompiler, firstLine } from './cel-rules';
import { CelValueCache, toCelValue } from './cel-value';
import { RuleOutcome, RuleOutcomeMemo } from './rule-outcomes';

/** The memo of each compiler's outcomes: they are the outcomes of that compiler's environment. */
const MEMOS = new WeakMap<CelRuleCompiler, RuleOutcomeMemo>();

/**
 * Evaluates every x-kubernetes-validations rule of a CRD schema at each node where it is declared, for every instance
 * of that node (each list item, each map value), against the defaulted object. Outcomes are remembered per schema node
 * and value across calls (see {@link RuleOutcomeMemo}); pass `memo: false` to evaluate every rule every time.
 */
export function celFindings(document: unknown, schema: JsonObject, compiler: CelRuleCompiler = CelRuleCompiler.default(),
  memo: RuleOutcomeMemo | false = memoOf(compiler)): Finding[] {
  const findings: Finding[] = [];
  walk(document, schema, '', { compiler, values: new CelValueCache(), findings, memo: memo === false ? undefined : memo });
  return findings;
}

function memoOf(compiler: CelRuleCompiler): RuleOutcomeMemo {
  let memo = MEMOS.get(compiler);
  if (!memo) {
    memo = new RuleOutcomeMemo();
    MEMOS.set(compiler, memo);
  }
  return memo;
}

/** What one document's walk shares. */
interface Walk {
  readonly compiler: CelRuleCompiler;
  readonly values: CelValueCache;
  readonly findings: Finding[];
  readonly memo: RuleOutcomeMemo | undefined;
}

function walk(value: unknown, schema: JsonObject, path: string, context: Walk): void {
  if (value === undefined || value === null || !declaresRules(schema)) return;
  const rules = schema['x-kubernetes-validations'];
  if (Array.isArray(rules)) {
    const judge = (): readonly RuleOutcome[] => judgeRules(rules, value, schema, context);
    // Keying a value costs a walk of it; only worth it when a rule evaluates it (not for transition rules alone).
    const outcomes = context.memo && evaluatesSelf(rules, context.compiler) ? context.memo.outcomes(schema, value, judge) : judge();
    outcomes.forEach((outcome, i) => {
      if (outcome) context.findings.push({ field: ruleField(rules[i] as JsonObject, path), rule: outcome.rule, message: outcome.message });
    });
  }
  // Children whose schema declares no rules are not visited (walk would return at once), nor their paths built.
  if (Array.isArray(value)) {
    const items = schema.items;
    if (isObject(items) && declaresRules(items)) value.forEach((item, index) => walk(item, items, fieldPath(path, index), context));
    return;
  }
  if (!isObject(value)) return;
  const properties = isObject(schema.properties) ? schema.properties : {};
  const additional = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  for (const [key, child] of Object.entries(value)) {
    const childSchema = isObject(properties[key]) ? (properties[key] as JsonObject) : additional;
    if (childSchema && child !== undefined && child !== null && declaresRules(childSchema)) walk(child, childSchema, fieldPath(path, key), context);
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

function evaluatesSelf(rules: readonly unknown[], compiler: CelRuleCompiler): boolean {
  return rules.some((rule) => isObject(rule) && compiler.compile(typeof rule.rule === 'string' ? rule.rule : '').status === 'ready');
}

/** The outcome of each rule of a node on one value, in rule order (undefined where the rule is not an object). */
function judgeRules(rules: readonly unknown[], value: unknown, schema: JsonObject, { compiler, values }: Walk): RuleOutcome[] {
  let self: unknown;
  let converted = false;
  const selfValue = (): unknown => {
    if (!converted) {
      self = toCelValue(value, schema, values);
      converted = true;
    }
    return self;
  };
  return rules.map((rule) => (isObject(rule) ? judgeRule(rule, selfValue, compiler) : undefined));
}

function judgeRule(rule: JsonObject, selfValue: () => unknown, compiler: CelRuleCompiler): RuleOutcome {
  const expression = typeof rule.rule === 'string' ? rule.rule : '';
  const compiled = compiler.compile(expression);
  if (compiled.status === 'transition') return undefined;
  if (compiled.status === 'unsupported') {
    return { rule: 'cel/unsupported',
      message: `cannot evaluate rule ${JSON.stringify(expression)}: ${compiled.reason}; the object was not checked against it` };
  }
  const self = selfValue();
  let result: unknown;
  try {
    result = compiled.evaluate(self);
  } catch (error) {
    const reason = firstLine(error);
    // An overload cel-js lacks looks the same as a type error at run time; both mean the rule was not really checked.
    const unsupported = /no matching overload|Unknown variable|not supported/i.test(reason);
    return { rule: unsupported ? 'cel/unsupported' : 'cel', message: `rule ${JSON.stringify(expression)} could not be evaluated: ${reason}` };
  }
  if (result === true) return undefined;
  if (typeof result !== 'boolean') {
    return { rule: 'cel/unsupported', message: `rule ${JSON.stringify(expression)} returned ${typeof result}, not bool` };
  }
  return { rule: 'cel', message: `${ruleMessage(rule, self, compiler)}${reasonSuffix(rule)} (failed rule: ${expression})` };
}

/** Where a rule's finding is reported: its fieldPath under the node declaring it, or that node. */
function ruleField(rule: JsonObject, path: string): string {
  return typeof rule.fieldPath === 'string' ? joinRuleFieldPath(path, rule.fieldPath) : path;
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
