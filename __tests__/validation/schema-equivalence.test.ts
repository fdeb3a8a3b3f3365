import { applyDefaults } from '../../lib/validation/schema/apply-defaults';
import { CoreDefinitions } from '../../lib/validation/schema/core-definitions';
import { CrdCatalog } from '../../lib/validation/schema/crd-catalog';
import { coreDefinitionToJsonSchema, crdSchemaToJsonSchema } from '../../lib/validation/schema/json-schema';
import { StructuralValidator } from '../../lib/validation/schema/structural-validator';
import { JsonObject } from '../../lib/validation/values';
import { referenceApplyDefaults } from '../support/reference-apply-defaults';
import { ReferenceStructuralValidator } from '../support/reference-structural-validator';
import { seededRandom, valueFor } from '../support/schema-values';

/** The converted built-in definitions, by "#/definitions/<name>", as SchemaRegistry resolves them. */
const converted = new Map<string, JsonObject>();
function resolve(ref: string): JsonObject | undefined {
  const name = /^#\/definitions\/(.+)$/.exec(ref)?.[1];
  const definition = name === undefined ? undefined : CoreDefinitions.default().definitions()[name];
  if (name === undefined || !definition) return undefined;
  if (!converted.has(ref)) converted.set(ref, coreDefinitionToJsonSchema(name, definition));
  return converted.get(ref);
}

const compiled = new StructuralValidator(resolve);
const reference = new ReferenceStructuralValidator(resolve);

/** Both validators' findings on a value, each value also a second time (the compiled nodes are then reused). */
function expectSameFindings(values: readonly unknown[], schema: JsonObject): number {
  let findings = 0;
  for (const value of [...values, ...values]) {
    const expected = reference.validate(value, schema);
    expect(compiled.validate(value, schema)).toEqual(expected);
    findings += expected.length;
  }
  return findings;
}

describe('the compiled structural validator finds what the interpreting one found', () => {
  test('on generated objects of every vendored CRD version', () => {
    const catalog = CrdCatalog.default();
    const random = seededRandom(7);
    let findings = 0;
    for (const crd of catalog.all()) {
      for (const version of catalog.versions(crd).values()) {
        const schema = crdSchemaToJsonSchema(version.schema);
        // Values from the CRD's own schema and from the converted one (which adds metadata and int-or-string types).
        const values = [...Array.from({ length: 4 }, () => valueFor(version.schema, random, 8)),
          ...Array.from({ length: 4 }, () => valueFor(schema, random, 8, resolve))];
        findings += expectSameFindings(values, schema);
      }
    }
    expect(findings).toBeGreaterThan(1000);
  });

  test('on generated objects of built-in kinds (through $ref)', () => {
    const random = seededRandom(11);
    let findings = 0;
    for (const name of ['io.k8s.api.apps.v1.Deployment', 'io.k8s.api.core.v1.Service', 'io.k8s.api.core.v1.Pod', 'io.k8s.api.batch.v1.CronJob',
      'io.k8s.api.core.v1.ConfigMap', 'io.k8s.api.networking.v1.NetworkPolicy', 'io.k8s.api.networking.v1.Ingress', 'io.k8s.api.rbac.v1.Role',
      'io.k8s.api.apps.v1.StatefulSet', 'io.k8s.api.core.v1.ServiceAccount']) {
      const schema = { $ref: `#/definitions/${name}` };
      findings += expectSameFindings(Array.from({ length: 12 }, () => valueFor(schema, random, 7, resolve)), schema);
    }
    expect(findings).toBeGreaterThan(300);
  });

  test('on the edge cases of the general path: nulls, inherited names, holes, unresolvable references', () => {
    const schema = {
      type: 'object', required: ['a', 'n'], additionalProperties: false,
      properties: { a: { type: 'string' }, n: { type: ['string', 'null'] }, list: { type: 'array', items: { $ref: '#/definitions/missing' } } },
    };
    const open = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: ['integer', 'null'], enum: [1] } };
    const values = [
      { a: null, n: null }, { a: 'x' }, JSON.parse('{"__proto__": null, "a": "x", "n": "y"}'), JSON.parse('{"__proto__": 5}'),
      { a: 'x', n: null, constructor: null }, { a: 'x', n: null, toString: 'x' }, { a: 'x', n: null, list: [] }, { a: 'x', n: null, list: [, ,] },
      { a: 'x', n: null, list: 'not a list' }, { '': 1, 'a/b': null, 'a.b': 2 }, [], null, 'x',
    ];
    expectSameFindings(values, schema);
    expectSameFindings(values, open);
    expect(() => reference.validate({ a: 'x', n: null, list: [1] }, schema)).toThrow('unresolvable schema reference #/definitions/missing');
    expect(() => compiled.validate({ a: 'x', n: null, list: [1] }, schema)).toThrow('unresolvable schema reference #/definitions/missing');
  });
});

describe('applyDefaults with per-node plans gives what it gave before', () => {
  test('on generated objects of every vendored CRD version, leaving the input as it was', () => {
    const catalog = CrdCatalog.default();
    const random = seededRandom(21);
    let defaulted = 0;
    for (const crd of catalog.all()) {
      for (const version of catalog.versions(crd).values()) {
        for (let i = 0; i < 10; i++) {
          const value = valueFor(version.schema, random, 8);
          const before = structuredClone(value);
          const expected = referenceApplyDefaults(value, version.schema);
          expect(applyDefaults(value, version.schema)).toEqual(expected);
          expect(value).toEqual(before);
          if (JSON.stringify(expected) !== JSON.stringify(value)) defaulted++;
        }
      }
    }
    expect(defaulted).toBeGreaterThan(20); // defaults were applied, not only passed through
  });

  test('on the edge cases: a default object is copied, not shared; an own "__proto__" key; scalars and lists', () => {
    const schema = { type: 'object', properties: { m: { type: 'object', default: { a: [1] }, properties: { a: { type: 'array' } } },
      s: { type: 'string', default: 'x' }, l: { type: 'array', items: { type: 'object', properties: { t: { type: 'string', default: 'T' } } } } } };
    for (const value of [{}, { s: null }, { s: 'y', l: [{}, { t: 'u' }, 3] }, JSON.parse('{"__proto__": {"s": 1}}'), [], 'x', null]) {
      expect(applyDefaults(value, schema)).toEqual(referenceApplyDefaults(value, schema));
    }
    const first = applyDefaults({}, schema) as { m: { a: number[] } };
    first.m.a.push(2);
    expect(applyDefaults({}, schema)).toEqual({ m: { a: [1] }, s: 'x' });
  });
});
