import { buildApp } from '../main';
import { renderTargets } from '../lib/output';
import { App } from 'cdk8s';
import { validateTargets, ValidationTarget } from '../lib/validation';

/** The app's render targets as plain JSON copies (as read from YAML), straight from the constructs. */
function appTargets(): ValidationTarget[] {
  const app = new App();
  buildApp(app);
  return renderTargets(app).map((t) => ({
    name: t.name,
    subjects: t.objects.map((o) => ({ manifest: JSON.parse(JSON.stringify(o.manifest)) as Record<string, unknown>, source: o.constructPath })),
  }));
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
