import { App } from 'cdk8s';
import { renderTargets, toValidationTargets } from '../lib/output';
import { validateTargets, ValidationTarget } from '../lib/validation';
import { buildApp } from '../main';

/** The app's render targets as the pipeline hands them to the engine, deep-copied (as read from YAML) so tests may break them. */
function appTargets(): ValidationTarget[] {
  const app = new App();
  buildApp(app);
  return JSON.parse(JSON.stringify(toValidationTargets(renderTargets(app)))) as ValidationTarget[];
}

test('every object of every render target passes schema, CEL, core, reference, semantic and safety checks', () => {
  const targets = appTargets();
  expect(targets.flatMap((t) => t.subjects).length).toBeGreaterThan(0);
  expect(validateTargets(targets)).toEqual([]);
});

test('the check is not vacuous: breaking one rendered object is reported against its construct', () => {
  const targets = appTargets();
  const subject = targets.flatMap((t) => t.subjects).find((s) => s.manifest.kind === 'Service')!;
  (subject.manifest.spec as Record<string, unknown>).selector = { app: 'no-such-pods' };
  const problems = validateTargets(targets);
  expect(problems.map((p) => [p.source, p.rule])).toContainEqual([subject.source, expect.stringMatching(/^ref\//)]);
});

test('the engine recognizes the Gateway API plugin routing lib/delivery renders: a Rollout whose HTTPRoute is missing is reported', () => {
  // The engine spells the plugin name itself (it depends on no construct code); this fails if the two ever differ.
  const target = appTargets().find((t) => t.name === 'rollouts-demo')!;
  const rollout = target.subjects.find((s) => s.manifest.kind === 'Rollout')!;
  const subjects = target.subjects.filter(
    (s) => !(s.manifest.kind === 'HTTPRoute' && String(s.manifest.apiVersion).startsWith('gateway.networking.k8s.io/')));
  expect(subjects.length).toBe(target.subjects.length - 1);
  const problems = validateTargets([{ name: target.name, subjects }]);
  expect(problems).toContainEqual(expect.objectContaining({
    source: rollout.source,
    rule: 'ref/rollout-httproute',
    field: expect.stringMatching(/^spec\.strategy\.canary\.trafficRouting\.plugins\["argoproj-labs\/gatewayAPI"\]\.httpRoute$/),
  }));
});
