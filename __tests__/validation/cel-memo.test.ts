import * as vm from 'vm';
import { CelRuleCompiler } from '../../lib/validation/cel/cel-rules';
import { celFindings } from '../../lib/validation/cel/cel-validator';
import { jsonKey, RuleOutcome, RuleOutcomeMemo } from '../../lib/validation/cel/rule-outcomes';
import { CrdCatalog } from '../../lib/validation/schema/crd-catalog';
import { JsonObject } from '../../lib/validation/values';
import { schemaNodes, seededRandom, valueFor } from '../support/schema-values';

/** A memo that counts how often it had to judge. */
class CountingMemo extends RuleOutcomeMemo {
  public judged = 0;
  public calls = 0;

  public override outcomes(schema: JsonObject, value: unknown, judge: () => readonly RuleOutcome[]): readonly RuleOutcome[] {
    this.calls++;
    return super.outcomes(schema, value, () => {
      this.judged++;
      return judge();
    });
  }
}

/** Every served version schema of every vendored CRD, with its name. */
function vendoredSchemas(): Array<[string, JsonObject]> {
  const catalog = CrdCatalog.default();
  return catalog.all().flatMap((crd) => [...catalog.versions(crd).values()]
    .map((v): [string, JsonObject] => [`${crd.group}/${v.name}/${crd.kind}`, v.schema]));
}

const compiler = CelRuleCompiler.default();

describe('remembered CEL outcomes are the outcomes of evaluating every rule', () => {
  const schemas = vendoredSchemas();
  const ruleNodes = schemas.flatMap(([name, schema]) => schemaNodes(schema)
    .filter((node) => Array.isArray(node['x-kubernetes-validations'])).map((node): [string, JsonObject] => [name, node]));

  test('the vendored CRDs declare rules (the comparison below is not empty)', () => {
    expect(ruleNodes.length).toBeGreaterThan(100);
  });

  test('on generated values at every node declaring rules, judged twice, with and without the memo', () => {
    const memo = new CountingMemo();
    const random = seededRandom(14);
    let findings = 0;
    for (const [, node] of ruleNodes) {
      const values = Array.from({ length: 6 }, () => valueFor(node, random));
      // Each value again as a copy (of another realm under jest: not remembered) and the list in reverse (hits in another order).
      for (const value of [...values, ...values.map((v) => structuredClone(v)), ...[...values].reverse()]) {
        const general = celFindings(value, node, compiler, false);
        expect(celFindings(value, node, compiler, memo)).toEqual(general);
        findings += general.length;
      }
    }
    expect(findings).toBeGreaterThan(100); // failing and erroring rules were compared, not only passing ones
    expect(memo.judged).toBeLessThan(memo.calls * 0.6); // and the memo answered most of them
  });

  test('on generated whole documents of every vendored CRD version', () => {
    const memo = new CountingMemo();
    const random = seededRandom(28);
    for (const [, schema] of schemas) {
      const documents = Array.from({ length: 8 }, () => valueFor(schema, random, 9));
      for (const document of [...documents, ...documents]) {
        expect(celFindings(document, schema, compiler, memo)).toEqual(celFindings(document, schema, compiler, false));
      }
    }
    expect(memo.judged).toBeLessThan(memo.calls);
  });

  test('0 and -0 are judged apart, as are values a JSON text cannot tell apart', () => {
    const node = { type: 'object', properties: { d: { type: 'number' } }, 'x-kubernetes-validations': [{ rule: '1.0 / self.d > 0.0' }] };
    const memo = new RuleOutcomeMemo();
    for (const d of [0, -0, 0, -0, NaN, Infinity, -Infinity, NaN]) {
      expect(celFindings({ d }, node, compiler, memo)).toEqual(celFindings({ d }, node, compiler, false));
    }
    expect(celFindings({ d: -0 }, node, compiler, memo)).toHaveLength(1);
    expect(celFindings({ d: 0 }, node, compiler, memo)).toHaveLength(0);
  });
});

describe('jsonKey', () => {
  test('is the JSON text of plain JSON', () => {
    expect(jsonKey({ a: [1, 'x', null, true, { b: 2.5 }] })).toBe('{"a":[1,"x",null,true,{"b":2.5}]}');
    expect(jsonKey(Object.assign(Object.create(null), { a: 1 }))).toBe('{"a":1}');
  });

  test('is undefined for what JSON text would not tell apart or would change', () => {
    for (const value of [-0, NaN, Infinity, [1, undefined], { a: undefined }, new Date(0), new Map(), [, 1], 1n, () => 1,
      { toJSON: () => 'x' }, { a: { b: [-0] } }, vm.runInNewContext('[1]'), vm.runInNewContext('({ a: 1 })')]) {
      expect([value, jsonKey(value)]).toEqual([value, undefined]);
    }
  });

  test('is undefined for values too large to be worth a key', () => {
    expect(jsonKey(Array.from({ length: 300 }, (_, i) => i))).toBeUndefined();
    expect(jsonKey(Array.from({ length: 200 }, (_, i) => i))).toBeDefined();
  });
});
