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

  public override outcomes(schema: JsonObject, value: unknown, judge: () => readonly RuleOutcome[],
    reads?: (key: string) => boolean): readonly RuleOutcome[] {
    this.calls++;
    return super.outcomes(schema, value, () => {
      this.judged++;
      return judge();
    }, reads);
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

describe('outcomes remembered by the fields the rules read', () => {
  const ruleNodes = vendoredSchemas().flatMap(([, schema]) => schemaNodes(schema)
    .filter((node) => Array.isArray(node['x-kubernetes-validations'])));

  test('the fields of self an expression reads, or undefined when it uses self otherwise', () => {
    const fields = (expression: string): string[] | undefined => {
      const compiled = compiler.compile(expression);
      if (compiled.status !== 'ready') throw new Error(`${expression} is not ready`);
      return compiled.selfFields && [...compiled.selfFields].sort();
    };
    expect(fields("(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true")).toEqual(['group', 'kind', 'port']);
    expect(fields('self.a.b.all(x, x.c == self.d) && has(self.e[0].f)')).toEqual(['a', 'd', 'e']);
    expect(fields('self.__namespace__ == "x"')).toEqual(['__namespace__']);
    expect(fields('1 == 1')).toEqual([]);
    for (const whole of ['size(self) > 0', 'self.all(x, x.a)', 'self["a"] == 1', '"a" in self', 'self.x.all(self, self.y)', 'self == {}']) {
      expect([whole, fields(whole)]).toEqual([whole, undefined]);
    }
  });

  test('on every vendored node declaring rules, values changed in one field at a time judge as evaluating every rule', () => {
    const memo = new CountingMemo();
    const random = seededRandom(42);
    let variants = 0;
    let findings = 0;
    for (const node of ruleNodes) {
      const properties = (node.properties ?? {}) as Record<string, JsonObject>;
      for (let round = 0; round < 4; round++) {
        const value = valueFor(node, random);
        const compare = (candidate: unknown): void => {
          const general = celFindings(candidate, node, compiler, false);
          expect(celFindings(candidate, node, compiler, memo)).toEqual(general);
          findings += general.length;
        };
        compare(value);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
        const object = value as JsonObject;
        // Each field replaced by another value of its schema, removed, and a field added: a rule reading that field
        // must be judged again; one reading it not may answer from the memo.
        for (const key of [...Object.keys(object), ...Object.keys(properties)]) {
          const schema = properties[key] ?? (isObjectSchema(node.additionalProperties) ? node.additionalProperties : {});
          for (let i = 0; i < 3; i++) compare({ ...object, [key]: valueFor(schema, random, 4) });
          const { [key]: _removed, ...without } = object;
          compare(without);
          variants += 4;
        }
        compare({ ...object, unknownField: 'x' });
      }
    }
    expect(variants).toBeGreaterThan(1000);
    expect(findings).toBeGreaterThan(1000); // failing and erroring rules were compared, not only passing ones
    expect(memo.judged).toBeLessThan(memo.calls * 0.5); // values differing in unread fields were answered from the memo
  });

  const node = (rules: JsonObject[], properties: JsonObject = {}): JsonObject => ({
    type: 'object', properties, additionalProperties: { type: 'string' }, 'x-kubernetes-validations': rules,
  });

  test('a rule reading self as a whole is judged on the whole value', () => {
    const schema = node([{ rule: 'size(self) < 2', message: 'too many' }], { a: { type: 'string' } });
    const memo = new CountingMemo();
    expect(celFindings({ a: 'x' }, schema, compiler, memo)).toHaveLength(0);
    expect(celFindings({ a: 'x', b: 'y' }, schema, compiler, memo)).toHaveLength(1);
    expect(memo.judged).toBe(2);
  });

  test('a failing rule\'s messageExpression is read too', () => {
    const schema = node([{ rule: 'self.a == "ok"', messageExpression: '"b is " + self.b' }], { a: { type: 'string' }, b: { type: 'string' } });
    const memo = new CountingMemo();
    const messages = ['1', '2', '1'].map((b) => celFindings({ a: 'no', b }, schema, compiler, memo).map((f) => f.message));
    const failed = (b: string): string[] => [`b is ${b} (failed rule: self.a == "ok")`];
    expect(messages).toEqual([failed('1'), failed('2'), failed('1')]);
    expect(memo.judged).toBe(2);
    // And the unread field c answers from the memo.
    expect(celFindings({ a: 'no', b: '1', c: 'z' }, schema, compiler, memo)).toHaveLength(1);
    expect(memo.judged).toBe(2);
  });

  test('declared names are read by their escaped CEL name; a map key of that name counts too', () => {
    const schema = node([{ rule: 'self.__namespace__ == "a"' }], { namespace: { type: 'string' } });
    const memo = new CountingMemo();
    const values = [{ namespace: 'a' }, { namespace: 'b' }, { namespace: 'a', __namespace__: 'b' }, { __namespace__: 'a' },
      { namespace: 'a', other: 'b' }];
    for (const value of values) expect(celFindings(value, schema, compiler, memo)).toEqual(celFindings(value, schema, compiler, false));
    expect(memo.judged).toBe(4);
    expect(celFindings({ namespace: 'b' }, schema, compiler, false)).toHaveLength(1);
  });

  test('a value with an own "__proto__" is judged every time', () => {
    const schema = node([{ rule: 'self.a == "x"' }], { a: { type: 'string' } });
    const memo = new CountingMemo();
    const value = JSON.parse('{"a": "x", "__proto__": {"b": "y"}}');
    for (let i = 0; i < 2; i++) expect(celFindings(value, schema, compiler, memo)).toEqual(celFindings(value, schema, compiler, false));
    expect(memo.judged).toBe(2);
  });
});

function isObjectSchema(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
