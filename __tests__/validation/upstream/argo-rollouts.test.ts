import { CASES } from './argo-rollouts/cases';
import { expectUpstreamVerdict } from './upstream-case';

/** Argo Rollouts' own test cases (see argo-rollouts/cases.ts): the engine's verdict equals upstream's for each. */
test('at least 25 upstream cases are ported, valid and invalid ones', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(25);
  expect(CASES.filter((c) => c.upstream === 'valid').length).toBeGreaterThanOrEqual(10);
  expect(new Set(CASES.map((c) => `${c.file} ${c.test}`)).size).toBe(CASES.length);
});

test.each(CASES.map((c) => [`${c.file} ${c.test}`, c] as const))('%s', (_, c) => expectUpstreamVerdict(c));
