import { CREDENTIAL_PATTERNS, SHORTEST_CREDENTIAL } from '../../lib/validation/checks/secrets-and-credentials';
import { judgeTarget } from '../../lib/validation/judge-target';
import { seededRandom } from '../support/schema-values';

const PIECES = ['Bearer', ' ', '\t', 'AKIA', 'eyJ', '-----BEGIN ', 'PRIVATE KEY-----', 'RSA ', '.', '-', '_', '=', 'A', 'Z', '0', 'a', 'x'];

test(`no credential pattern matches a string shorter than ${SHORTEST_CREDENTIAL} characters (generated from their pieces)`, () => {
  const random = seededRandom(5);
  const matched: string[] = [];
  const lengths = new Set<number>();
  for (let i = 0; i < 50000; i++) {
    let text = '';
    while (text.length < SHORTEST_CREDENTIAL - 1 && random() < 0.9) text += PIECES[Math.floor(random() * PIECES.length)];
    text = text.slice(0, SHORTEST_CREDENTIAL - 1);
    lengths.add(text.length);
    if (CREDENTIAL_PATTERNS.some(([pattern]) => pattern.test(text))) matched.push(text);
  }
  expect(matched).toEqual([]);
  expect(lengths.has(SHORTEST_CREDENTIAL - 1)).toBe(true); // the longest strings the check skips were tried
});

test('the shortest credential of each kind is still found', () => {
  const data = { bearer: 'Bearer abcdefgh', aws: 'AKIAABCDEFGHIJKLMNOP', jwt: 'eyJabcde.fghij.klmno', short: 'Bearer abcdefg' };
  expect(data.bearer).toHaveLength(SHORTEST_CREDENTIAL);
  const problems = judgeTarget({ name: 't', subjects: [{ source: 'cm.yaml#0',
    manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' }, data } }] })
    .map((p) => p.problem).filter((p) => p.rule === 'safety/credential');
  expect(problems.map((p) => p.field)).toEqual(['data.bearer', 'data.aws', 'data.jwt']);
});
