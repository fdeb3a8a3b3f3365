import { Manifest, SYNC_WAVE_ANNOTATION, synthesize } from '../../lib/output';
import { meshShop } from '../support/fixtures/mesh-shop';

/**
 * The sync waves as a GitOps user relies on them, checked on rendered output: identities
 * first, then authentications, then routes and authorization policies, then Servers, then
 * workloads, so that no Server is enforced before its clients are authorized.
 */
const synthesis = synthesize((app) => meshShop(app));
const manifests = synthesis.targets[0].objects.map((o) => o.manifest);
const waveOf = (m: Manifest) => Number(m.metadata.annotations?.[SYNC_WAVE_ANNOTATION]);
const wavesOf = (kind: string) => [...new Set(manifests.filter((m) => m.kind === kind).map(waveOf))];

test('every rendered object carries its sync wave', () => {
  for (const m of manifests) expect(waveOf(m)).toEqual(expect.any(Number));
});

test.each([
  ['Namespace', 0], ['ServiceAccount', 1], ['MeshTLSAuthentication', 2], ['NetworkAuthentication', 2],
  ['HTTPRoute', 3], ['AuthorizationPolicy', 3], ['Server', 4], ['Deployment', 5], ['Rollout', 5], ['Service', 5],
])('%s objects are in wave %d', (kind, wave) => {
  expect(wavesOf(kind)).toEqual([wave]);
});

test('each Server comes after every route and policy that opens it, and before the workloads it selects', () => {
  const policies = manifests.filter((m) => m.kind === 'AuthorizationPolicy' || (m.kind === 'HTTPRoute' && m.apiVersion.startsWith('policy.')));
  const authentications = manifests.filter((m) => m.kind.endsWith('Authentication'));
  for (const server of manifests.filter((m) => m.kind === 'Server')) {
    for (const p of [...policies, ...authentications]) expect(waveOf(p)).toBeLessThan(waveOf(server));
    for (const w of manifests.filter((m) => ['Deployment', 'Rollout'].includes(m.kind))) expect(waveOf(w)).toBeGreaterThan(waveOf(server));
  }
});

test('kubectl apply -f <folder> applies in the same order: file names sort by wave', () => {
  // The folder's files; the review report shop.md is beside it.
  const files = [...synthesis.files.keys()].filter((f) => f.startsWith('shop/'));
  expect(files.length).toBe(manifests.length);
  const waves = files.map((f) => Number(f.split('/')[1].slice(0, 2)));
  expect(waves).toEqual([...waves].sort((a, b) => a - b));
  expect(files.map((f) => f.split('/')[1]).filter((f) => /server|authorizationpolicy|deployment/.test(f))).toEqual([
    '03-authorizationpolicy.policy.linkerd.io_shop_api-probe-kubelet.yaml',
    '03-authorizationpolicy.policy.linkerd.io_shop_api-read-web.yaml',
    '03-authorizationpolicy.policy.linkerd.io_shop_web-meshed.yaml',
    '04-server.policy.linkerd.io_shop_api-http.yaml',
    '04-server.policy.linkerd.io_shop_web-http.yaml',
    '05-deployment.apps_shop_web.yaml',
  ]);
});
