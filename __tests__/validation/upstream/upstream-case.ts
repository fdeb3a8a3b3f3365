import { formatProblem, validateTargets } from '../../../lib/validation';
import type { UpstreamCase } from './argo-rollouts/cases';

/**
 * Asserts that the engine's verdict on a ported upstream case equals upstream's: no problem at all for a valid case;
 * for an invalid one, the problem of the expected rule at the expected field, and no problem of another rule than the
 * case lists. Manifests go through JSON, as rendered or loaded ones do (fields a case sets to undefined are absent).
 */
export function expectUpstreamVerdict(c: UpstreamCase): void {
  const subjects = c.objects.map((manifest, i) => ({ manifest: JSON.parse(JSON.stringify(manifest)), source: `${c.test}#${i}` }));
  const problems = validateTargets([{ name: 'upstream', subjects }]);
  if (c.upstream === 'valid') {
    expect(problems.map(formatProblem)).toEqual([]);
    return;
  }
  const { rule, field, alsoRules = [] } = c.upstream;
  if (!problems.some((p) => p.rule === rule && p.field === field)) {
    throw new Error(`upstream: ${c.upstream.error}\nexpected [${rule}] at ${field}; got:\n${problems.map(formatProblem).join('\n')}`);
  }
  const allowed = new Set([rule, ...alsoRules]);
  expect(problems.filter((p) => !allowed.has(p.rule)).map(formatProblem)).toEqual([]);
}
