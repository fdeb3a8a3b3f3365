/**
 * One YAML document read the way kubectl 1.28 reads it: gopkg.in/yaml.v2 (through sigs.k8s.io/yaml v1.3), then
 * converted to JSON. js-yaml parses with KUBECTL_SCHEMA; a post-pass then applies what js-yaml cannot express:
 * yaml.v2's merge-key order, its alias-expansion limit, its key conversion, and JSON's refusal of NaN and infinity.
 */
import * as jsYaml from 'js-yaml';
import { fieldPath } from '../field-path';
import { readBlockDocument } from './block-reading';
import { GoBigInt, GoFloat, KEY_MARK, KUBECTL_SCHEMA, MergeKey, NULL_NODE, Yaml11Scalar } from './kubectl-schema';

/** A document that kubectl would not read, or would read in a way this reader cannot reproduce. */
export class YamlReadingError extends Error {
  constructor(readonly rule: string, message: string) {
    super(message);
  }
}

/** A plain scalar that YAML 1.1 (and so kubectl) reads as a boolean or number where YAML 1.2 reads otherwise. */
export interface Yaml11Reading {
  /** Field path in the document, as validation problems give it. */
  readonly field: string;
  /** The scalar as written, e.g. "yes" or "0755". */
  readonly text: string;
  readonly value: boolean | number;
}

/** A document read as kubectl reads it. */
export interface KubectlDocument {
  /** Plain JSON values. */
  readonly value: unknown;
  readonly yaml11Readings: readonly Yaml11Reading[];
}

/** How many documents each way of reading took (for tests and measurements; never reset by the reader). */
export const readingRoutes = { block: 0, general: 0 };

/**
 * Parses one document's text (as split from its stream by kubectl's rules) to plain JSON values. Block-style text
 * (what kubectl and synthesis write) is parsed by readBlockDocument into the tree js-yaml would build; anything else
 * by js-yaml. Either tree then takes the same conversion.
 * @param firstLine line number of the text's first line in its file, for messages
 * @param route 'general' skips the block reader (for tests that compare the two)
 * @throws YamlReadingError
 */
export function readKubectlDocument(text: string, firstLine = 1, route: 'any' | 'general' = 'any'): KubectlDocument {
  const block = route === 'general' ? undefined : readBlockDocument(text);
  let parsed: unknown = block;
  if (block !== undefined) readingRoutes.block++;
  else {
    readingRoutes.general++;
    parsed = loadWithJsYaml(text, firstLine);
  }
  // Aliases need anchors, and anchors an "&": without one no node is shared, and nothing needs counting. The block
  // reader takes no anchors: its trees share no node.
  const conversion = new JsonConversion(block === undefined && text.includes('&'));
  const value = conversion.convert(parsed);
  return { value, yaml11Readings: conversion.yaml11Readings };
}

function loadWithJsYaml(text: string, firstLine: number): unknown {
  try {
    const listener = nodeListener(firstLine) as unknown as jsYaml.LoadOptions['listener'];
    return jsYaml.load(text, { schema: KUBECTL_SCHEMA, listener });
  } catch (error) {
    if (error instanceof YamlReadingError) throw error;
    if (error instanceof RangeError) throw tooDeep(); // js-yaml recurses per level: the stack ends before kubectl's limit
    if (!(error instanceof jsYaml.YAMLException)) throw error;
    const at = error.mark ? ` (line ${error.mark.line + firstLine}, column ${error.mark.column + 1})` : '';
    const reason = error.reason.replace(/!<tag:yaml\.org,2002:([a-z]+)>/g, '!!$1');
    const hint = reason === 'duplicated mapping key' ? '; kubectl would silently keep the last value; allowed: each key once' : '';
    throw new YamlReadingError('yaml/parse', `${reason}${at}${hint}`);
  }
}

/**
 * Deepest nesting passed on: yaml.v2 stops at 10000 levels ("exceeded max depth"), but js-yaml and the checks
 * recurse per level and node's stack ends earlier; no manifest comes near either.
 */
export const MAX_DEPTH = 1000;

function tooDeep(): YamlReadingError {
  return new YamlReadingError('yaml/parse', `document nests deeper than ${MAX_DEPTH} levels, more than this reader follows `
    + '(kubectl stops at 10000); allowed: flatter documents');
}

interface LoaderState {
  readonly input: string;
  readonly position: number;
  readonly line: number;
  readonly kind: string | null;
  tag: string | null;
  result: unknown;
}

const SPEC_MERGE_TAG = 'tag:yaml.org,2002:merge';

/**
 * Sees each node as js-yaml closes it, for two things a schema cannot do:
 * - kubectl rejects a sequence or mapping used as a mapping key ("invalid map key"); js-yaml stringifies it (`[a]: 1`
 *   reads as `a: 1`): a collection followed by ":" is a key;
 * - an explicit `!!merge <<` key would make js-yaml merge with YAML-spec precedence: it becomes our MergeKey instead.
 */
function nodeListener(firstLine: number): (event: string, state: LoaderState) => void {
  return (event, state) => {
    if (event !== 'close') return;
    if (state.tag === SPEC_MERGE_TAG) {
      state.tag = 'tag:kubectl-reading,merge-tagged';
      if (state.result === '<<') state.result = new MergeKey();
      return;
    }
    if ((state.kind !== 'sequence' && state.kind !== 'mapping') || state.result === null) return;
    if (colonFollows(state.input, state.position)) throw collectionKeyError(state.kind, state.line + firstLine);
  };
}

/**
 * Whether a key's ":" follows `position`, as /^(?:[ \t]|\r?\n)*:(?:[ \t\r\n,\]}]|$)/ on the 200 characters from
 * there (a scan: a slice and a regex for every collection cost more). Exported for tests.
 */
export function colonFollows(input: string, position: number): boolean {
  const end = Math.min(input.length, position + 200);
  let i = position;
  for (;;) {
    const c = input.charCodeAt(i);
    if (i >= end) return false;
    if (c === 0x20 || c === 0x09 || c === 0x0a) i++;
    else if (c === 0x0d && i + 1 < end && input.charCodeAt(i + 1) === 0x0a) i += 2;
    else if (c === 0x3a) break;
    else return false;
  }
  if (++i >= end) return true;
  const c = input.charCodeAt(i);
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0x2c || c === 0x5d || c === 0x7d;
}

function collectionKeyError(kind: string, line?: number): YamlReadingError {
  return new YamlReadingError('yaml/parse', `a ${kind} is used as a mapping key${line === undefined ? '' : ` (line ${line})`}; kubectl rejects it `
    + '("invalid map key"); allowed: a string key');
}

const INTEGER_LIKE_KEY = /^(0|[1-9][0-9]{0,8})$/;

/**
 * yaml.v2's limit on alias expansion (decode.go allowedAliasRatio): up to 99% of decoded nodes may come from aliases
 * in small documents, 10% in huge ones.
 */
function allowedAliasRatio(decoded: number): number {
  if (decoded <= 400_000) return 0.99;
  if (decoded >= 4_000_000) return 0.1;
  return 0.99 - (0.89 * (decoded - 400_000)) / 3_600_000;
}

class JsonConversion {
  readonly yaml11Readings: Yaml11Reading[] = [];
  /** Keys and indexes from the root to the node being converted (first occurrence of shared nodes). */
  private readonly path: (string | number)[] = [];
  private readonly converted = new Map<object, unknown>();
  private readonly expandedSizes = new Map<object, number>();
  private decoded = 0;
  private fromAliases = 0;

  /** @param aliases whether the document may share nodes (has anchors): only then are nodes remembered and counted */
  constructor(private readonly aliases: boolean) {}

  convert(node: unknown): unknown {
    if (node === null || typeof node !== 'object') return node;
    // Collections first (most nodes): a mapping is a plain object, every boxed scalar an instance of its class.
    const plain = Array.isArray(node) || Object.getPrototypeOf(node) === Object.prototype;
    if (!plain) {
      if (node === NULL_NODE) return null;
      if (node instanceof GoFloat) {
        if (!Number.isFinite(node.value)) {
          const text = node.value > 0 ? '.inf' : node.value < 0 ? '-.inf' : '.nan';
          throw new YamlReadingError('yaml/parse', `value ${text} has no JSON form; kubectl rejects it ("json: unsupported value"); `
            + 'allowed: a finite number, or a quoted string');
        }
        // kubectl's JSON round trip prints -0 as "-0", which it then reads as the integer 0.
        return node.value === 0 ? 0 : node.value;
      }
      if (node instanceof GoBigInt) return Number(node.value);
      if (node instanceof MergeKey) return '<<';
      if (node instanceof Yaml11Scalar) {
        this.yaml11Readings.push({ field: fieldPath('', ...this.path), text: node.text, value: node.value });
        return node.value;
      }
    }
    if (!this.aliases) return Array.isArray(node) ? this.convertSequence(node) : this.convertMapping(node as Record<string, unknown>);
    const done = this.converted.get(node);
    if (done !== undefined) {
      this.countAlias(node);
      return done;
    }
    this.decoded++;
    const result = Array.isArray(node) ? this.convertSequence(node) : this.convertMapping(node as Record<string, unknown>);
    this.converted.set(node, result);
    return result;
  }

  /** yaml.v2 decodes an alias again at every use; count its expanded size as it does, and stop an alias bomb the same way. */
  private countAlias(node: object): void {
    const size = this.expandedSize(node);
    this.decoded += size;
    this.fromAliases += size;
    if (this.fromAliases > 100 && this.decoded > 1000 && this.fromAliases / this.decoded > allowedAliasRatio(this.decoded)) {
      throw new YamlReadingError('yaml/parse', `document contains excessive aliasing (${this.fromAliases} of ${this.decoded} nodes `
        + 'come from aliases; kubectl stops there too); allowed: aliases that expand to less than the document itself');
    }
  }

  private convertSequence(node: unknown[]): unknown[] {
    for (let index = 0; index < node.length; index++) {
      const item = node[index];
      if (item !== null && typeof item === 'object') node[index] = this.convertAt(index, item);
    }
    return node;
  }

  /** Converts a node below the current one (no finally: a throw ends the whole conversion, path and all). */
  private convertAt(segment: string | number, node: unknown): unknown {
    if (this.path.length >= MAX_DEPTH) throw tooDeep();
    this.path.push(segment);
    const result = this.convert(node);
    this.path.pop();
    return result;
  }

  private expandedSize(node: unknown): number {
    const boxed = node instanceof GoFloat || node instanceof GoBigInt || node instanceof MergeKey || node instanceof Yaml11Scalar;
    if (node === null || typeof node !== 'object' || boxed || node === NULL_NODE) return 1;
    const known = this.expandedSizes.get(node);
    if (known !== undefined) return known;
    let size = 1;
    if (Array.isArray(node)) for (const item of node) size += this.expandedSize(item);
    else for (const value of Object.values(node)) size += 1 + this.expandedSize(value);
    this.expandedSizes.set(node, size);
    return size;
  }

  /** Converts in place unless the mapping has merge keys: a copy of every object would double the allocation. */
  private convertMapping(node: Record<string, unknown>): Record<string, unknown> {
    const keys = Object.keys(node);
    let merges = false;
    if (this.aliases) this.decoded += keys.length;
    for (const key of keys) if (key.charCodeAt(0) === 0 && key.startsWith(KEY_MARK)) merges = true;
    if (!merges) {
      for (const key of keys) {
        if (key === '[object Object]') throw collectionKeyError('mapping');
        const value = node[key];
        if (value !== null && typeof value === 'object') assign(node, key, this.convertAt(key, value));
      }
      return node;
    }
    return this.convertMerging(node, keys);
  }

  private convertMerging(node: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
    const entries: { key: string; value: unknown; merge: boolean }[] = [];
    for (const key of keys) {
      if (key.startsWith(KEY_MARK)) {
        const mark = key.slice(KEY_MARK.length);
        if (mark === 'null') {
          throw new YamlReadingError('yaml/parse', 'a mapping key is null (~, null or empty); kubectl rejects it; allowed: a string key');
        }
        if (mark.startsWith('uint64:')) {
          const written = mark.slice('uint64:'.length);
          throw new YamlReadingError('yaml/parse', `mapping key ${written} is beyond int64; kubectl rejects it; allowed: a quoted key`);
        }
        entries.push({ key, value: node[key], merge: true });
      } else if (key === '[object Object]') {
        throw collectionKeyError('mapping');
      } else {
        entries.push({ key, value: node[key], merge: false });
      }
    }
    const result: Record<string, unknown> = {};
    // yaml.v2 applies a mapping's pairs in document order, so a merge overrides the keys written before it. js-yaml
    // lists integer-like keys first, losing their order against <<: refuse the one case where that order matters.
    const integerKeys = new Set(entries.filter((entry) => !entry.merge && INTEGER_LIKE_KEY.test(entry.key)).map((entry) => entry.key));
    for (const entry of entries) {
      const value = entry.merge ? this.convert(entry.value) : this.convertAt(entry.key, entry.value);
      if (!entry.merge) {
        assign(result, entry.key, value);
        continue;
      }
      const sources = Array.isArray(value) ? [...value].reverse() : [value];
      for (const source of sources) {
        if (source === null || typeof source !== 'object' || Array.isArray(source)) {
          throw new YamlReadingError('yaml/parse', 'map merge requires a mapping or a list of mappings as the value of <<; '
            + 'allowed: <<: *anchor or <<: [*a, *b]');
        }
        for (const [key, merged] of Object.entries(source as Record<string, unknown>)) {
          if (integerKeys.has(key)) {
            throw new YamlReadingError('yaml/merge-order', `key ${key} is set both here and by the merge key <<; kubectl keeps whichever comes last, `
              + 'an order this reader cannot see for integer-like keys; allowed: the key in one place only');
          }
          assign(result, key, merged);
        }
      }
    }
    return result;
  }
}

function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

