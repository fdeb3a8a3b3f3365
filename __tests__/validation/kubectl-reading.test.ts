/** Reader details the kubectl-recorded fixtures (yaml-reading.test.ts) do not pin down. */
import { MAX_DEPTH, readKubectlDocument, YamlReadingError } from '../../lib/validation/load/kubectl-reading';
import { goFloatKey } from '../../lib/validation/load/kubectl-schema';

function nested(levels: number): string {
  return `a: ${'['.repeat(levels)}${']'.repeat(levels)}\n`;
}

test(`nesting up to ${MAX_DEPTH} levels is read; deeper is a yaml/parse problem, not a stack overflow`, () => {
  expect(() => readKubectlDocument(nested(MAX_DEPTH - 1))).not.toThrow();
  for (const levels of [MAX_DEPTH + 1, 5000, 20000]) {
    expect(() => readKubectlDocument(nested(levels))).toThrow(new YamlReadingError('yaml/parse',
      `document nests deeper than ${MAX_DEPTH} levels, more than this reader follows (kubectl stops at 10000); allowed: flatter documents`));
  }
});

test('an alias is the same converted value; a merge copies the keys (and y: is the key "true", as for kubectl)', () => {
  const text = 'base: &b {x: 1}\none: {<<: *b}\ntwo: {<<: *b, z: 2, y: 3}\nsame: *b\n';
  const { value } = readKubectlDocument(text) as { value: Record<string, unknown> };
  expect(value).toEqual({ base: { x: 1 }, one: { x: 1 }, two: { x: 1, z: 2, true: 3 }, same: { x: 1 } });
  expect(value.same).toBe(value.base);
  expect(value.one).not.toBe(value.base);
});

test('YAML 1.1 readings are reported with their field path; YAML 1.2 forms are not', () => {
  const { yaml11Readings } = readKubectlDocument('spec:\n  a: yes\n  b: true\n  list: [0755, 493, 0o755, 1_000, off]\n  "x.y": {z: On}\n');
  expect(yaml11Readings).toEqual([
    { field: 'spec.a', text: 'yes', value: true },
    { field: 'spec.list[0]', text: '0755', value: 493 },
    { field: 'spec.list[3]', text: '1_000', value: 1000 },
    { field: 'spec.list[4]', text: 'off', value: false },
    { field: 'spec["x.y"].z', text: 'On', value: true },
  ]);
});

test.each([
  [1000, '1000'], [1e6, '1e+06'], [0.1, '0.1'], [0.123456789, '0.12345679'], [1.5e-7, '1.5e-07'], [-2.5, '-2.5'], [123456, '123456'], [1e21, '1e+21'],
])(
  'float key %p prints as Go\'s FormatFloat(v, \'g\', -1, 32): %p', (value, text) => expect(goFloatKey(value)).toBe(text),
);
