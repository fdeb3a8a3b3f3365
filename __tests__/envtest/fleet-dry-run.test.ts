import { dryRunTargets } from '../../lib/envtest';
import { synthesize, toValidationTargets } from '../../lib/output';
import { formatProblem, validateTargets, ValidationTarget } from '../../lib/validation';
import { buildApp } from '../../main';
import { envtestSuite } from '../support/envtest';

const FLEET_TARGETS = ['platform', 'linkerd-identity', 'fleet', 'staging-rollouts-demo', 'production-rollouts-demo'];

/** One synth for the tests that read the fleet's targets (neither changes them). */
let fleetTargets: ValidationTarget[] | undefined;
const renderedFleet = () => (fleetTargets ??= toValidationTargets(synthesize(buildApp).targets.filter((t) => FLEET_TARGETS.includes(t.name))));

envtestSuite('platform and environment renders against the real API server', (envtest) => {
  test('the platform, identity, fleet and environment targets are accepted by strict server-side dry runs', async () => {
    const targets = renderedFleet();
    expect(targets.map((t) => t.name).sort()).toEqual([...FLEET_TARGETS].sort());
    const kinds = new Set(targets.flatMap((t) => t.subjects.map((s) => String(s.manifest.kind))));
    // cert-manager and trust-manager kinds are served from the vendored CRDs, so the server really judged them.
    for (const kind of ['Application', 'AppProject', 'Certificate', 'Issuer', 'Bundle', 'Rollout']) expect(kinds).toContain(kind);
    const problems = await dryRunTargets(envtest().runner, targets);
    expect(problems.map(formatProblem)).toEqual([]);
  }, 120_000);

  test('no secret material: neither the server nor the safety rules find a Secret payload, key or token', async () => {
    const targets = renderedFleet();
    expect(targets.flatMap((t) => t.subjects).filter((s) => s.manifest.kind === 'Secret')).toEqual([]);
    expect(validateTargets(targets).filter((p) => p.rule.startsWith('safety/'))).toEqual([]);
    // The rules can fail: a private key smuggled into the Certificate is reported.
    const identity = targets.find((t) => t.name === 'linkerd-identity')!;
    const certificate = identity.subjects.find((s) => s.manifest.kind === 'Certificate')!;
    const broken = { ...certificate, manifest: { ...certificate.manifest, metadata: {
      ...(certificate.manifest.metadata as object), annotations: { leak: '-----BEGIN EC PRIVATE KEY-----\nMHc=\n-----END EC PRIVATE KEY-----' } } } };
    expect(validateTargets([{ name: identity.name, subjects: [broken] }]).map((p) => p.rule)).toContain('safety/credential');
  });

  test('the server refuses a Certificate the schema forbids (the CRDs are really installed)', async () => {
    const manifest = {
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'bad', namespace: 'fleet-probe' },
      spec: { secretName: 'x', issuerRef: { name: 'i' }, privateKey: { algorithm: 'DSA' } },
    };
    const problems = await dryRunTargets(envtest().runner, [{ name: 'probe', subjects: [{ source: 'probe#0', manifest }] }]);
    expect(problems).toEqual([expect.objectContaining({ rule: 'apiserver/Invalid', field: 'spec.privateKey.algorithm' })]);
  });
});
