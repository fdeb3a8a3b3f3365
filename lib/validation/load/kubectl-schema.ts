/**
 * A js-yaml schema that resolves scalars the way kubectl 1.28 does: sigs.k8s.io/yaml v1.3 over gopkg.in/yaml.v2
 * (YAML 1.1 booleans and octals, no sexagesimals, timestamps kept as strings), then converted to JSON.
 *
 * Some scalars are boxed (GoFloat, GoBigInt, Yaml11Scalar, NULL_NODE, MergeKey) so that mapping keys stringify the
 * way sigs.k8s.io/yaml formats them, the post-pass in kubectl-reading.ts can tell a null key or a merge key from the
 * string "null" or a quoted "<<", and YAML 1.1-only readings keep their text; that pass unboxes every value.
 */
import * as jsYaml from 'js-yaml';

/** Prefix of the key strings that mark keys js-yaml would otherwise stringify indistinguishably. */
export const KEY_MARK = '\u0000kubectl-reading:';

/** A float; as a mapping key it prints like Go's strconv.FormatFloat(v, 'g', -1, 32), as sigs.k8s.io/yaml does. */
export class GoFloat {
  get [Symbol.toStringTag]() {
    return 'GoFloat';
  }
  constructor(readonly value: number) {}
  toString(): string {
    return goFloatKey(this.value);
  }
}

/** An integer beyond ±2^53: exact as a key; as a value, rounded like JSON.parse of kubectl's output. */
export class GoBigInt {
  get [Symbol.toStringTag]() {
    return 'GoBigInt';
  }
  constructor(readonly value: bigint, readonly unsigned: boolean) {}
  toString(): string {
    // sigs.k8s.io/yaml has no case for uint64 keys: kubectl fails on them.
    return this.unsigned ? `${KEY_MARK}uint64:${this.value}` : this.value.toString();
  }
}

/**
 * A boolean or integer that only YAML 1.1 reads so (`yes`, `off`, `0755`, `1_000`, `0b1`): YAML 1.2 and most
 * editors read a string or another number. Kept as the text too, to explain a type error where a string was meant.
 */
export class Yaml11Scalar {
  get [Symbol.toStringTag]() {
    return 'Yaml11Scalar';
  }
  constructor(readonly value: boolean | number, readonly text: string) {}
  toString(): string {
    return String(this.value);
  }
}

class Marker {
  get [Symbol.toStringTag]() {
    return 'Marker';
  }
  constructor(private readonly mark: string) {}
  toString(): string {
    return `${KEY_MARK}${this.mark}`;
  }
}

/** The null node (~, null, Null, NULL): a null key is an error for kubectl ("Unsupported map key of type nil"). */
export const NULL_NODE = new Marker('null');

let mergeKeys = 0;
/** A plain `<<` key; each occurrence stringifies uniquely so that two merge keys in one mapping are not duplicates. */
export class MergeKey {
  get [Symbol.toStringTag]() {
    return 'MergeKey';
  }
  private readonly id = ++mergeKeys;
  toString(): string {
    return `${KEY_MARK}merge:${this.id}`;
  }
}

const BOOLEANS = new Map<string, boolean>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((word) => [word, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((word) => [word, false] as const),
]);
const YAML12_BOOLEANS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE']);
/** Integers the YAML 1.2 core schema reads as the same number. */
const YAML12_INT = /^([-+]?(0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((word) => [word, NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((word) => [word, Infinity] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((word) => [word, -Infinity] as const),
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

type Resolved = { kind: 'null' } | { kind: 'bool'; value: boolean } | { kind: 'int'; value: bigint | number } | { kind: 'float'; value: number }
  | { kind: 'str' };

/** Shared results (never changed): js-yaml asks for every plain scalar, keys too, and most are strings. */
const NULL: Resolved = { kind: 'null' };
const STRING: Resolved = { kind: 'str' };
const TRUE: Resolved = { kind: 'bool', value: true };
const FALSE: Resolved = { kind: 'bool', value: false };
/** A decimal integer that ParseInt and Number read alike: no "+", no leading zero, no "-0", at most 15 digits (below 2^53). */
const SMALL_DECIMAL = /^(?:0|-?[1-9][0-9]{0,14})$/;

let lastText: string | undefined;
let lastResolved: Resolved = STRING;

/** gopkg.in/yaml.v2 resolve() for a plain scalar without a tag (js-yaml asks each type in turn: remember the last). */
export function resolvePlain(text: string): Resolved {
  if (text !== lastText) {
    lastResolved = resolveUncached(text);
    lastText = text;
  }
  return lastResolved;
}

/** True for the first characters of null, boolean and number words: y Y n N t T f F o O ~ . + - and digits. */
function mayBeWord(first: number): boolean {
  if (first >= 48 && first <= 57) return true; // 0-9
  switch (first) {
    case 0x79: case 0x59: case 0x6e: case 0x4e: case 0x74: case 0x54: case 0x66: case 0x46: case 0x6f: case 0x4f: // yYnNtTfFoO
    case 0x7e: case 0x2e: case 0x2b: case 0x2d: // ~ . + -
      return true;
    default:
      return false;
  }
}

function resolveUncached(text: string): Resolved {
  if (text === '') return NULL;
  const first = text.charCodeAt(0);
  if (!mayBeWord(first)) return STRING;
  if (NULLS.has(text)) return NULL;
  const digit = first >= 48 && first <= 57;
  const sign = first === 43 || first === 45;
  const dot = first === 46;
  const word = !digit && !sign && !dot;
  const bool = BOOLEANS.get(text);
  if (bool !== undefined) return bool ? TRUE : FALSE;
  const special = SPECIAL_FLOATS.get(text);
  if (special !== undefined) return { kind: 'float', value: special };
  if (word) return STRING;
  if (dot) {
    const float = goParseFloat(text);
    return float === undefined ? STRING : { kind: 'float', value: float };
  }
  if (SMALL_DECIMAL.test(text)) return { kind: 'int', value: Number(text) };
  const plain = text.includes('_') ? text.replace(/_/g, '') : text;
  const int = goParseInt(plain);
  if (int !== undefined && int >= INT64_MIN && int <= UINT64_MAX) return { kind: 'int', value: int };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const float = goParseFloat(plain);
    if (float !== undefined) return { kind: 'float', value: float };
  }
  return STRING;
}

/** strconv.ParseInt(s, 0, 64) / ParseUint without the range check: sign, 0x/0o/0b/0 prefixes. */
function goParseInt(text: string): bigint | undefined {
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]+|0|[1-9][0-9]*)$/.exec(text);
  if (match === null) return undefined;
  const [, sign, digits] = match;
  const body = /^0[0-7]/.test(digits) ? `0o${digits.slice(1)}` : digits.replace(/^0[XOB]/, (p) => p.toLowerCase());
  const value = BigInt(body);
  if (sign === '' || sign === '+') return sign === '+' && value > INT64_MAX ? undefined : value; // ParseUint takes no sign
  return -value;
}

/** strconv.ParseFloat for decimal text; undefined when malformed or out of float64 range (Go returns an error). */
function goParseFloat(text: string): number | undefined {
  if (!/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function intValue(value: bigint | number): number | GoBigInt {
  if (typeof value === 'number') return value;
  if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return new GoBigInt(value, value > INT64_MAX);
}

/** Go's strconv.FormatFloat(v, 'g', -1, 32): the shortest float32 digits; exponent form below 1e-4 and from 1e6 (as %g). */
export function goFloatKey(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  const single = Math.fround(value);
  if (single === 0) return Object.is(single, -0) ? '-0' : '0';
  let digits = '';
  let exponent = 0;
  for (let precision = 1; precision <= 9; precision++) {
    const [mantissa, exp] = Math.abs(single).toExponential(precision - 1).split('e');
    if (Math.fround(Number(`${mantissa}e${exp}`)) === Math.abs(single)) {
      digits = mantissa.replace('.', '');
      exponent = Number(exp);
      break;
    }
  }
  const sign = single < 0 ? '-' : '';
  // Go's %g takes 6 as the precision for this decision when printing the shortest digits.
  if (exponent < -4 || exponent >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const abs = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole.slice(0, exponent + 1)}${fraction === '' ? '' : `.${fraction}`}`;
}

const nullType = new jsYaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || resolvePlain(data) === NULL,
  construct: () => NULL_NODE,
});

const boolType = new jsYaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && resolvePlain(data).kind === 'bool',
  construct: (data: string) => (YAML12_BOOLEANS.has(data) ? BOOLEANS.get(data) : new Yaml11Scalar(BOOLEANS.get(data)!, data)),
});

const intType = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && resolvePlain(data).kind === 'int',
  construct: (data: string) => {
    const value = intValue((resolvePlain(data) as { value: bigint | number }).value);
    return YAML12_INT.test(data) || typeof value !== 'number' ? value : new Yaml11Scalar(value, data);
  },
});

const floatType = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && resolvePlain(data).kind === 'float',
  construct: (data: string) => new GoFloat((resolvePlain(data) as { value: number }).value),
});

/** An explicit !!float also takes an integer (Go converts it). */
const explicitFloatType = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && ['float', 'int'].includes(resolvePlain(data).kind),
  construct: (data: string) => {
    const resolved = resolvePlain(data);
    return new GoFloat(resolved.kind === 'int' ? Number(resolved.value) : (resolved as { value: number }).value);
  },
});

/** Private tag: js-yaml merges `tag:yaml.org,2002:merge` keys itself, with YAML-spec precedence, which kubectl does not use. */
const mergeType = new jsYaml.Type('tag:kubectl-reading,merge', {
  kind: 'scalar',
  resolve: (data: string | null) => data === '<<',
  construct: () => new MergeKey(),
});

const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?(Z|[-+][0-9]{2}:[0-9]{2})?)?$/;

/** Timestamps stay strings (yaml.v2 keeps them as text when decoding into interface{}); an explicit tag checks the shape. */
const timestampType = new jsYaml.Type('tag:yaml.org,2002:timestamp', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && TIMESTAMP.test(data),
});

const binaryType = new jsYaml.Type('tag:yaml.org,2002:binary', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && /^[A-Za-z0-9+/=\s]*$/.test(data),
  // Go decodes to bytes and encoding/json replaces invalid UTF-8 with U+FFFD, as Buffer#toString does.
  construct: (data: string) => Buffer.from(data.replace(/\s/g, ''), 'base64').toString('utf8'),
});

/** yaml.v2 ignores tags it does not know (local `!foo`, unknown `!!foo`): the node reads as if untagged, scalars as strings. */
const ignoredTags = ['!', 'tag:yaml.org,2002:'].flatMap((prefix) => [
  new jsYaml.Type(prefix, { kind: 'scalar', multi: true, construct: (data: string | null) => data ?? '' }),
  new jsYaml.Type(prefix, { kind: 'sequence', multi: true, construct: (data: unknown[] | null) => data ?? [] }),
  new jsYaml.Type(prefix, { kind: 'mapping', multi: true, construct: (data: object | null) => data ?? {} }),
]);

/** Resolution order matters only where sets overlap; they do not (each type checks its own words). */
export const KUBECTL_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolType, intType, floatType, mergeType],
  explicit: [explicitFloatType, timestampType, binaryType, ...ignoredTags],
});
