import { ApplyPhase, applyPhaseOf, syncWaveOf, withSyncWave, SYNC_WAVE_ANNOTATION } from '../../lib/output';

const manifest = (apiVersion: string, kind: string, annotations?: Record<string, string>) =>
  ({ apiVersion, kind, metadata: { name: 'x', namespace: 'ns', annotations } });

describe('apply phases', () => {
  test.each([
    ['v1', 'Namespace', ApplyPhase.NAMESPACES],
    ['v1', 'ServiceAccount', ApplyPhase.IDENTITIES_AND_CONFIG],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', ApplyPhase.IDENTITIES_AND_CONFIG],
    ['policy.linkerd.io/v1alpha1', 'MeshTLSAuthentication', ApplyPhase.AUTHENTICATIONS],
    ['policy.linkerd.io/v1alpha1', 'NetworkAuthentication', ApplyPhase.AUTHENTICATIONS],
    ['policy.linkerd.io/v1beta3', 'HTTPRoute', ApplyPhase.ROUTES_AND_POLICIES],
    ['gateway.networking.k8s.io/v1', 'HTTPRoute', ApplyPhase.ROUTES_AND_POLICIES],
    ['policy.linkerd.io/v1alpha1', 'AuthorizationPolicy', ApplyPhase.ROUTES_AND_POLICIES],
    ['policy.linkerd.io/v1beta3', 'Server', ApplyPhase.SERVERS],
    ['apps/v1', 'Deployment', ApplyPhase.WORKLOADS],
    ['argoproj.io/v1alpha1', 'Rollout', ApplyPhase.WORKLOADS],
  ])('%s %s is applied in phase %d', (apiVersion, kind, phase) => {
    expect(applyPhaseOf({ apiVersion, kind })).toBe(phase);
  });

  test('every authentication, route and policy phase comes before Servers, and Servers before workloads', () => {
    expect(ApplyPhase.AUTHENTICATIONS).toBeLessThan(ApplyPhase.SERVERS);
    expect(ApplyPhase.ROUTES_AND_POLICIES).toBeLessThan(ApplyPhase.SERVERS);
    expect(ApplyPhase.SERVERS).toBeLessThan(ApplyPhase.WORKLOADS);
  });

  test('a kind of another API group with the same name is not mistaken for a Linkerd kind', () => {
    expect(applyPhaseOf({ apiVersion: 'example.com/v1', kind: 'Server' })).toBe(ApplyPhase.WORKLOADS);
  });
});

describe('sync waves', () => {
  test('stamped from the phase, keeping existing annotations', () => {
    const stamped = withSyncWave(manifest('policy.linkerd.io/v1beta3', 'Server', { keep: 'me' }));
    expect(stamped.metadata.annotations).toEqual({ keep: 'me', [SYNC_WAVE_ANNOTATION]: '4' });
  });

  test('an explicit wave wins', () => {
    expect(syncWaveOf(manifest('apps/v1', 'Deployment', { [SYNC_WAVE_ANNOTATION]: '7' }))).toBe(7);
  });

  test.each(['-1', 'two', '100', ''])('an explicit wave "%s" is rejected with what is allowed', (wave) => {
    expect(() => syncWaveOf(manifest('apps/v1', 'Deployment', { [SYNC_WAVE_ANNOTATION]: wave })))
      .toThrow(/Deployment x: annotation argocd.argoproj.io\/sync-wave=".*" is not allowed; allowed: an integer from "0" to "99"/);
  });
});
