import { JsonObject } from '../values';

/** What one rule said about one value: nothing (it held or does not apply), or a finding without its field. */
export type RuleOutcome = { readonly rule: string; readonly message: string } | undefined;

/** Values larger than this (JSON nodes) are evaluated every time: their key would cost more than it is likely to save. */
const MAX_KEY_NODES = 256;
/** The key characters remembered per schema node (about 0.5 MB); when more would be, the node forgets what it knew. */
const MAX_KEY_CHARS_PER_NODE = 2 ** 18;
/** After this many look-ups at a node, a node whose values hardly repeat (under one hit in 8) stops being looked up. */
const TRIAL_LOOKUPS = 1024;

/** The remembered outcomes of one schema node's rules, by value key, and whether looking them up pays. */
interface NodeOutcomes {
  readonly byValue: Map<string, readonly RuleOutcome[]>;
  keyChars: number;
  lookups: number;
  hits: number;
}

/**
 * The outcomes of the rules of each schema node by the value they judged, across documents. CEL is a pure function of
 * `self` (no clock, no randomness; every function of the environment is pure), and the CEL value is a pure function
 * of the JSON value and the schema node, so a value judged before at the same node has the same outcomes: the
 * HTTPRoute path-match rules, for instance, see a handful of distinct values in thousands of routes.
 *
 * Only plain JSON is remembered (finite numbers other than -0, strings, booleans, null, plain objects and arrays of
 * this realm without holes or undefined): for those JSON.stringify is a faithful key, the same text only for the same
 * value.
 */
export class RuleOutcomeMemo {
  private readonly nodes = new WeakMap<JsonObject, NodeOutcomes>();

  /** The outcomes of the rules of `schema` on `value`, worked out by `judge` unless remembered. */
  public outcomes(schema: JsonObject, value: unknown, judge: () => readonly RuleOutcome[]): readonly RuleOutcome[] {
    let node = this.nodes.get(schema);
    if (!node) {
      node = { byValue: new Map(), keyChars: 0, lookups: 0, hits: 0 };
      this.nodes.set(schema, node);
    }
    if (node.lookups >= TRIAL_LOOKUPS && node.hits * 8 < node.lookups) return judge();
    const key = jsonKey(value);
    if (key === undefined) return judge();
    node.lookups++;
    const known = node.byValue.get(key);
    if (known) {
      node.hits++;
      return known;
    }
    const judged = judge();
    if (node.keyChars + key.length > MAX_KEY_CHARS_PER_NODE) {
      node.byValue.clear();
      node.keyChars = 0;
    }
    node.byValue.set(key, judged);
    node.keyChars += key.length;
    return judged;
  }
}

/** JSON.stringify of a plain JSON value of at most MAX_KEY_NODES nodes; undefined for anything else. */
export function jsonKey(value: unknown): string | undefined {
  return isPlainJson(value, { left: MAX_KEY_NODES }) ? JSON.stringify(value) : undefined;
}

function isPlainJson(value: unknown, budget: { left: number }): boolean {
  if (--budget.left < 0) return false;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        // Lists and maps of another realm (vm contexts) are not CEL values for cel-js: leave them to the evaluator.
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) if (value[i] === undefined || !isPlainJson(value[i], budget)) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      for (const key in value) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) return false;
        const child = (value as JsonObject)[key];
        if (child === undefined || !isPlainJson(child, budget)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
