import * as path from 'path';
import { formatProblem, loadManifestFiles, validateTargets, ValidationTarget } from '../../lib/validation';

const BOOKSAPP = path.join(__dirname, 'fixtures', 'valid', 'booksapp');

function booksapp(): ValidationTarget {
  const { targets, problems } = loadManifestFiles([BOOKSAPP]);
  expect(problems).toEqual([]);
  return targets[0];
}

test('the booksapp target validates without problems', () => {
  const target = booksapp();
  expect(target.subjects.length).toBeGreaterThanOrEqual(20);
  expect(validateTargets([target]).map(formatProblem)).toEqual([]);
});

test('references resolve only within their own target', () => {
  const target = booksapp();
  const services = target.subjects.filter((s) => s.manifest.kind === 'Service');
  const rest = target.subjects.filter((s) => s.manifest.kind !== 'Service');
  const problems = validateTargets([{ name: 'services', subjects: services }, { name: 'rest', subjects: rest }]);
  expect(problems.some((p) => p.target === 'rest' && p.rule === 'ref/rollout-service')).toBe(true);
  expect(problems.some((p) => p.target === 'services' && p.rule === 'ref/service-selector')).toBe(true);
});

test('externalServiceAccounts allows MeshTLSAuthentication to name ServiceAccounts outside the target', () => {
  const target = booksapp();
  const subjects = target.subjects.filter(
    (s) => !(s.manifest.kind === 'ServiceAccount' && (s.manifest.metadata as { name: string }).name === 'webapp'));
  const without = validateTargets([{ name: 'booksapp', subjects }]);
  expect(without).toEqual([
    expect.objectContaining({ rule: 'ref/meshtls-serviceaccount', field: 'spec.identityRefs[1]',
      object: 'policy.linkerd.io/MeshTLSAuthentication booksapp/authors-clients' }),
    expect.objectContaining({ rule: 'semantic/meshtls-unknown-identity', field: 'spec.identities[0]',
      object: 'policy.linkerd.io/MeshTLSAuthentication booksapp/webapp-identity' }),
  ]);
  expect(validateTargets([{ name: 'booksapp', subjects }], { externalServiceAccounts: ['booksapp/webapp'] })).toEqual([]);
});

test('problems name the construct path given as source and are ordered by target, then object', () => {
  const broken = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'x' }, datta: {} });
  const problems = validateTargets([
    { name: 'b', subjects: [{ manifest: broken('Z'), source: 'app/z/Resource' }, { manifest: broken('a'), source: 'app/a/Resource' }] },
    { name: 'a', subjects: [{ manifest: broken('m'), source: 'other/m/Resource' }] },
  ]);
  expect(problems.map((p) => [p.target, p.source, p.rule])).toEqual([
    ['b', 'app/z/Resource', 'schema/unknown-field'],
    ['b', 'app/z/Resource', 'core/dns1123-name'],
    ['b', 'app/a/Resource', 'schema/unknown-field'],
    ['a', 'other/m/Resource', 'schema/unknown-field'],
  ]);
  expect(formatProblem(problems[0])).toBe(
    'b app/z/Resource core/ConfigMap x/Z datta: [schema/unknown-field] unknown field "datta"; allowed: apiVersion, binaryData, data, immutable, kind, metadata');
});

test('cluster-scoped objects are described without a namespace', () => {
  const [problem] = validateTargets([{ name: 't', subjects: [{ manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Bad' } },
    source: 's' }] }]);
  expect(problem).toMatchObject({ object: 'core/Namespace Bad', rule: 'core/dns1123-name', field: 'metadata.name' });
});

test('objects without apiVersion or kind are reported, not thrown on', () => {
  const problems = validateTargets([{ name: 't', subjects: [{ manifest: { metadata: { name: 'x' } }, source: 's' }] }]);
  expect(problems).toContainEqual(expect.objectContaining({ rule: 'schema/required', field: 'apiVersion' }));
});
