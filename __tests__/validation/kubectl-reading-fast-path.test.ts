/**
 * The shortcuts of the YAML reader against the long way: the scan for a collection key's ":" against the regex it
 * replaces, the conversion of documents without anchors against the alias-counting one, and the direct reading of
 * small decimal integers against ParseInt's (yaml.v2's resolve() through strconv.ParseInt, then JSON).
 */
import { colonFollows, readKubectlDocument, YamlReadingError } from '../../lib/validation/load/kubectl-reading';

/** What colonFollows replaces, verbatim. */
function colonFollowsByRegex(input: string, position: number): boolean {
  return /^(?:[ \t]|\r?\n)*:(?:[ \t\r\n,\]}]|$)/.exec(input.slice(position, position + 200)) !== null;
}

test('the ":" scan after a collection agrees with the regex on every position of generated inputs', () => {
  const pieces = [' ', '\t', '\n', '\r\n', '\r', ':', ':', 'a', ',', ']', '}', '#', '-', '\u00a0'];
  let state = 7;
  const next = () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  let matches = 0;
  for (let n = 0; n < 2000; n++) {
    const input = Array.from({ length: 1 + Math.floor(next() * 12) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
    for (let position = 0; position <= input.length; position++) {
      expect([input, position, colonFollows(input, position)]).toEqual([input, position, colonFollowsByRegex(input, position)]);
      if (colonFollowsByRegex(input, position)) matches++;
    }
  }
  expect(matches).toBeGreaterThan(1000);
  // The 200-character window: a ":" at its last character counts whatever follows it; one beyond it does not.
  const far = `${' '.repeat(199)}:x`;
  expect([colonFollows(far, 0), colonFollowsByRegex(far, 0)]).toEqual([true, true]);
  const beyond = `${' '.repeat(200)}: `;
  expect([colonFollows(beyond, 0), colonFollowsByRegex(beyond, 0)]).toEqual([false, false]);
});

test('a collection used as a key is refused as kubectl refuses it ("invalid map key"), in block and flow style', () => {
  for (const text of ['[a]: 1\n', '{a: 1}: 2\n', 'x:\n  [a]\r\n  : 1\n', '{[a]: 1}\n', '? [a]\n: 1\n']) {
    expect(() => readKubectlDocument(text)).toThrow(YamlReadingError);
  }
  expect(readKubectlDocument('a: [x]\nb: {w: 1}\nc: [[1], {d: 2}]\n').value).toEqual({ a: ['x'], b: { w: 1 }, c: [[1], { d: 2 }] });
});

/** Documents without anchors; an "&" in a comment sends each one the alias-counting way, which must read it alike. */
const WITHOUT_ANCHORS = [
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, labels: {a: "1"}}\ndata:\n  x: yes\n  y: "0755"\n',
  'list: [0755, 493, 0o755, 1_000, off, 1.5, .inf2, -0, 0, -12, 123456789012345, 1234567890123456789, 0x1F]\n',
  'nested: {a: [{b: [1, {c: On}]}], "x.y": {z: n}}\nmerge: {<<: {a: 1, b: 2}, b: 3}\nmerges: {<<: [{a: 1}, {c: 2}]}\n',
  'k: !!float 1\nbin: !!binary aGVsbG8=\n"null": ~\nempty:\nts: 2001-12-14\n__proto__: {a: 1}\n',
];

test.each(WITHOUT_ANCHORS)('a document without anchors reads as on the alias-counting way: %j', (text) => {
  const direct = readKubectlDocument(text);
  const counted = readKubectlDocument(`${text}# & makes the reader count aliases\n`);
  expect(direct).toEqual(counted);
  expect(Object.keys(direct.value as object).length).toBeGreaterThan(0);
});

test('errors of the conversion are the same without anchors', () => {
  for (const text of ['a: .inf\n', 'm: {<<: 1}\n', 'm: {~: 1}\n', '{a: 1}: 2\n']) {
    let direct: unknown;
    let counted: unknown;
    try {
      readKubectlDocument(text);
    } catch (error) {
      direct = error;
    }
    try {
      readKubectlDocument(`${text}# &\n`);
    } catch (error) {
      counted = error;
    }
    expect(direct).toBeInstanceOf(YamlReadingError);
    expect(direct).toEqual(counted);
  }
});

test('integers read directly (small decimals) are the numbers ParseInt gives; -0, signs and leading zeros go the long way', () => {
  const texts = ['0', '7', '-7', '10', '8080', '-1', '999999999999999', '-999999999999999', '1000000000000000', '9007199254740993',
    '-0', '+0', '+5', '00', '007', '08', '1_0', '-9223372036854775808', '18446744073709551615'];
  const { value } = readKubectlDocument(`v: [${texts.join(', ')}]\n`) as { value: { v: unknown[] } };
  expect(value.v).toEqual([0, 7, -7, 10, 8080, -1, 999999999999999, -999999999999999, 1e15, 9007199254740992,
    0, 0, 5, 0, 7, 8, 10, -9223372036854775808, 18446744073709551615]);
  expect(Object.is(value.v[10], 0)).toBe(true); // not -0: yaml.v2 reads the integer 0
  expect(value.v.map((item) => typeof item)).toEqual(texts.map(() => 'number'));
});
