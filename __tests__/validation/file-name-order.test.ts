import { fileNameOrder } from '../../lib/validation/schema/crd-catalog';
import { seededRandom } from '../support/schema-values';

const CHARACTERS = '_-.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
// Outside the characters fileNameOrder knows: it must hand these to localeCompare.
const OTHERS = ' é~#É';

test('fileNameOrder orders names as localeCompare does (generated names, with case-only and prefix differences)', () => {
  const random = seededRandom(3);
  const pick = (alphabet: string) => alphabet[Math.floor(random() * alphabet.length)];
  const name = () => Array.from({ length: 1 + Math.floor(random() * 6) },
    () => (random() < 0.02 ? pick(OTHERS) : random() < 0.3 ? pick('_-.') : pick(CHARACTERS))).join('');
  for (let i = 0; i < 20000; i++) {
    const a = name();
    const variant = random();
    const b = variant < 0.3 ? [...a].map((c) => (random() < 0.5 ? c.toUpperCase() : c)).join('')
      : variant < 0.4 ? a + name() : name();
    expect([a, b, Math.sign(fileNameOrder(a, b))]).toEqual([a, b, Math.sign(a.localeCompare(b))]);
  }
});

test('fileNameOrder sorts the vendored file names as localeCompare does', () => {
  const names = ['SOURCES.md', 'argo-cd', 'argo-rollouts', 'cert-manager.io_certificates.yaml', 'cert-manager.io_clusterissuers.yaml',
    'gateway.networking.k8s.io_grpcroutes.yaml', 'gateway.networking.k8s.io_httproutes.yaml', 'crd.yaml', 'rollout-crd.yaml', 'README.md'];
  expect([...names].sort(fileNameOrder)).toEqual([...names].sort((a, b) => a.localeCompare(b)));
});
