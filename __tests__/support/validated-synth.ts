import { Chart, Testing } from 'cdk8s';
import { Manifest } from '../../lib/output';
import { formatProblem, validateTargets } from '../../lib/validation';

/**
 * A chart's manifests (`Testing.synth`), after checking that each passes the project's validator
 * (CRD schemas and CEL rules, core API rules, Linkerd and Argo semantics, safety). Reference
 * rules (`ref/*`) are left out: a unit test's small chart need not contain every object its
 * constructs point at.
 */
export function validatedSynth(chart: Chart): Manifest[] {
  const manifests = Testing.synth(chart) as Manifest[];
  const problems = validateTargets([{
    name: chart.node.id,
    subjects: manifests.map((m, i) => ({ manifest: m as unknown as Record<string, unknown>, source: `${chart.node.id}#${i}` })),
  }]).filter((p) => !p.rule.startsWith('ref/'));
  expect(problems.map(formatProblem)).toEqual([]);
  return manifests;
}
