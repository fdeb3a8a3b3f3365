/**
 * Values generated from a schema, for tests that compare a fast path with the general one: mostly what the schema
 * allows, often not (a wrong type, a missing or unknown field, an out-of-range number, -0, a value outside the enum),
 * so that both paths see passing, failing and erroring cases. Deterministic for a seed.
 */

type Json = Record<string, unknown>;

const STRINGS = ['', '/', '/a', '//', '/./x', '/../', 'a', 'A-b_c', 'x%2f', '#', '/api/v1', 'Exact', 'PathPrefix', 'Service',
  '1.5', '10s', '2Gi', 'name-0', 'é', '\ud800'];
const NUMBERS = [0, -0, 1, -1, 2, 3, 10, 65535, 65536, 1.5, 2 ** 31, -(2 ** 31) - 1];

/** A small deterministic pseudo-random generator (Park-Miller), numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = (Math.abs(Math.trunc(seed)) % 2147483646) + 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/** A value for `schema`, `depth` levels deep at most (resolving "$ref" with `resolve` when given). */
export function valueFor(schema: Json, random: () => number, depth = 6, resolve?: (ref: string) => Json | undefined): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  if (typeof schema.$ref === 'string' && resolve) {
    const target = resolve(schema.$ref);
    return target ? valueFor(target, random, depth, resolve) : {};
  }
  if (random() < 0.05) return pick<unknown>(['x', 7, true, null, [], {}]);
  if (Array.isArray(schema.enum) && random() < 0.85) return pick(schema.enum);
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0 && schema.type === undefined && random() < 0.5) {
    return valueFor(pick(schema.allOf) as Json, random, depth, resolve);
  }
  const type = [schema.type].flat()[0] ?? (schema['x-kubernetes-int-or-string'] === true ? pick(['integer', 'string']) : undefined);
  switch (type) {
    case 'string': return random() < 0.5 ? pick(STRINGS) : `${pick(STRINGS)}${pick(STRINGS)}`;
    case 'integer': return pick(NUMBERS.filter(Number.isInteger));
    case 'number': return pick(NUMBERS);
    case 'boolean': return random() < 0.5;
    case 'array': {
      const items = typeof schema.items === 'object' && schema.items !== null ? schema.items as Json : {};
      if (depth <= 0) return [];
      const length = Math.floor(random() * 4);
      const list = Array.from({ length }, () => valueFor(items, random, depth - 1, resolve));
      // Repeated items exercise list-type set/map uniqueness and comprehensions over equal elements.
      if (list.length > 0 && random() < 0.2) list.push(structuredClone(list[0]));
      return list;
    }
    default: return objectFor(schema, random, depth, resolve);
  }
}

function objectFor(schema: Json, random: () => number, depth: number, resolve?: (ref: string) => Json | undefined): unknown {
  const result: Json = {};
  if (depth <= 0) return result;
  const properties = typeof schema.properties === 'object' && schema.properties !== null ? schema.properties as Json : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required as string[] : []);
  for (const [name, child] of Object.entries(properties)) {
    const present = required.has(name) ? random() < 0.95 : random() < 0.45;
    if (present && typeof child === 'object' && child !== null) result[name] = valueFor(child as Json, random, depth - 1, resolve);
  }
  const additional = schema.additionalProperties;
  if (typeof additional === 'object' && additional !== null) {
    for (let i = Math.floor(random() * 3); i > 0; i--) result[`key-${i}`] = valueFor(additional as Json, random, depth - 1, resolve);
  }
  if (random() < 0.05) result.unknownField = 'x';
  return result;
}

/** Every node of a schema (properties, additionalProperties, items, combinator branches), each once. */
export function schemaNodes(schema: Json): Json[] {
  const nodes: Json[] = [];
  const seen = new Set<Json>();
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || seen.has(node as Json)) return;
    seen.add(node as Json);
    nodes.push(node as Json);
    const n = node as Json;
    if (typeof n.properties === 'object' && n.properties !== null) Object.values(n.properties).forEach(visit);
    visit(n.additionalProperties);
    visit(n.items);
    for (const combinator of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(n[combinator])) (n[combinator] as unknown[]).forEach(visit);
    visit(n.not);
  };
  visit(schema);
  return nodes;
}
