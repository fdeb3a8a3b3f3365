import { formatProblem, validateTargets } from '../../../lib/validation';
import { CASES, UpstreamCase } from './argo-rollouts/cases';

/**
 * Argo Rollouts' own test cases (see argo-rollouts/cases.ts): the engine's verdict equals upstream's for each. Manifests go
 * through JSON, as rendered or loaded ones do (fields a case sets to undefined are absent).
 */
function problemsOf(c: UpstreamCase) {
  return validateTargets([{ name: 'upstream', subjects: c.objects.map((manifest, i) => ({ manifest: JSON.parse(JSON.stringify(manifest)), source: `${c.test}#${i}` })) }]);
}

test('at least 25 upstream cases are ported, valid and invalid ones', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(25);
  expect(CASES.filter((c) => c.upstream === 'valid').length).toBeGreaterThanOrEqual(10);
  expect(new Set(CASES.map((c) => `${c.file} ${c.test}`)).size).toBe(CASES.length);
});

test.each(CASES.map((c) => [`${c.file} ${c.test}`, c] as const))('%s', (_, c) => {
  const problems = problemsOf(c);
  if (c.upstream === 'valid') {
    expect(problems.map(formatProblem)).toEqual([]);
    return;
  }
  const { rule, field, alsoRules = [] } = c.upstream;
  const text = problems.map(formatProblem).join('\n');
  if (!problems.some((p) => p.rule === rule && p.field === field)) throw new Error(`upstream: ${c.upstream.error}\nexpected [${rule}] at ${field}; got:\n${text}`);
  const allowed = new Set([rule, ...alsoRules]);
  expect(problems.filter((p) => !allowed.has(p.rule)).map(formatProblem)).toEqual([]);
});
