import { celFindings } from '../../lib/validation/cel/cel-validator';
import { escapeCelPropertyName } from '../../lib/validation/cel/cel-value';

const withRule = (rule: Record<string, unknown>, properties: Record<string, unknown> = {}) => ({
  type: 'object',
  properties: { spec: { type: 'object', properties, 'x-kubernetes-validations': [rule] } },
});

test('a failing rule reports its message at the node declaring it', () => {
  const schema = withRule({ rule: 'self.replicas <= 10', message: 'too many replicas' }, { replicas: { type: 'integer' } });
  expect(celFindings({ spec: { replicas: 11 } }, schema)).toEqual([
    { field: 'spec', rule: 'cel', message: 'too many replicas (failed rule: self.replicas <= 10)' },
  ]);
  expect(celFindings({ spec: { replicas: 3 } }, schema)).toEqual([]);
});

test('rules on list items are evaluated for every item', () => {
  const schema = {
    type: 'object',
    properties: { items: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } },
      'x-kubernetes-validations': [{ rule: 'self.n > 0' }] } } },
  };
  expect(celFindings({ items: [{ n: 1 }, { n: 0 }, { n: -1 }] }, schema).map((f) => f.field)).toEqual(['items[1]', 'items[2]']);
});

test('transition rules (oldSelf) are skipped: there is no old object on create', () => {
  expect(celFindings({ spec: {} }, withRule({ rule: 'self == oldSelf', message: 'immutable' }))).toEqual([]);
});

test('a rule calling an unknown function fails loudly as cel/unsupported naming the rule', () => {
  const [finding] = celFindings({ spec: { url: 'x' } }, withRule({ rule: 'isURL(self.url)' }, { url: { type: 'string' } }));
  expect(finding).toMatchObject({ rule: 'cel/unsupported', field: 'spec' });
  expect(finding.message).toContain('"isURL(self.url)"');
  expect(finding.message).toContain('function isURL is not implemented');
});

test('a rule that does not parse fails loudly as cel/unsupported', () => {
  const [finding] = celFindings({ spec: {} }, withRule({ rule: 'self.a ==' }));
  expect(finding).toMatchObject({ rule: 'cel/unsupported' });
  expect(finding.message).toContain('cannot parse');
});

test('messageExpression, fieldPath and reason are used', () => {
  const schema = withRule(
    { rule: 'self.min <= self.max', messageExpression: "'min ' + string(self.min) + ' exceeds max ' + string(self.max)", fieldPath: '.min',
      reason: 'FieldValueInvalid' },
    { min: { type: 'integer' }, max: { type: 'integer' } },
  );
  expect(celFindings({ spec: { min: 5, max: 2 } }, schema)).toEqual([
    { field: 'spec.min', rule: 'cel', message: 'min 5 exceeds max 2 [FieldValueInvalid] (failed rule: self.min <= self.max)' },
  ]);
});

test('has() on an indexed operand works (cel-js only accepts field chains; rewritten to "in")', () => {
  const schema = withRule({ rule: 'has(self.matches[0].path)' },
    { matches: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' } } } } });
  expect(celFindings({ spec: { matches: [{ path: '/' }] } }, schema)).toEqual([]);
  expect(celFindings({ spec: { matches: [{}] } }, schema)).toHaveLength(1);
});

test('reserved property names are escaped as Kubernetes does', () => {
  expect(escapeCelPropertyName('namespace')).toBe('__namespace__');
  expect(escapeCelPropertyName('x-y.z/w__v')).toBe('x__dash__y__dot__z__slash__w__underscores__v');
  const schema = withRule({ rule: "self.__namespace__ == 'ns'" }, { namespace: { type: 'string' } });
  expect(celFindings({ spec: { namespace: 'ns' } }, schema)).toEqual([]);
});

test('the Kubernetes list library and regex find are available', () => {
  const list = { type: 'array', items: { type: 'integer' } };
  const cases: Array<[string, boolean]> = [
    ['self.l.isSorted()', true], ['self.l.sum() == 6', true], ['self.l.min() == 1 && self.l.max() == 3', true],
    ["'abc123'.find('[0-9]+') == '123'", true], ["'a1b2'.findAll('[0-9]') == ['1', '2']", true], ['[3, 1].isSorted()', false],
  ];
  for (const [rule, passes] of cases) {
    expect([rule, celFindings({ spec: { l: [1, 2, 3] } }, withRule({ rule }, { l: list }))]).toEqual([rule,
      passes ? [] : [expect.objectContaining({ rule: 'cel' })]]);
  }
});

test('a runtime error (missing field) is reported as a failed rule', () => {
  const [finding] = celFindings({ spec: {} }, withRule({ rule: "self.value.startsWith('/')" }, { value: { type: 'string' } }));
  expect(finding).toMatchObject({ rule: 'cel', field: 'spec' });
  expect(finding.message).toContain('could not be evaluated');
});
