import { validateTargets, ValidationProblem } from '../../lib/validation';

const clusterRole = (name: string, namespace?: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: namespace === undefined ? { name } : { name, namespace },
  rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
});

function validate(...manifests: Array<Record<string, unknown>>): ValidationProblem[] {
  return validateTargets([{ name: 't', subjects: manifests.map((manifest, i) => ({ manifest, source: `s${i}` })) }]);
}

const rules = (problems: ValidationProblem[]) => problems.map((p) => [p.source, p.rule, p.field]);

test('metadata.namespace on a cluster-scoped kind is reported; on a namespaced kind it is not', () => {
  expect(rules(validate(clusterRole('reader', 'shop')))).toEqual([['s0', 'core/cluster-scoped-namespace', 'metadata.namespace']]);
  expect(validate({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: 'shop' },
    rules: [] })).toEqual([]);
  expect(validate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, clusterRole('reader'))).toEqual([]);
});

test('cluster-scoped objects differing only in the dropped namespace are duplicates, described without it', () => {
  const problems = validate(clusterRole('reader', 'a'), clusterRole('reader', 'b'));
  expect(rules(problems)).toEqual([
    ['s0', 'core/cluster-scoped-namespace', 'metadata.namespace'],
    ['s1', 'core/cluster-scoped-namespace', 'metadata.namespace'],
    ['s1', 'ref/duplicate-object', 'metadata.name'],
  ]);
  expect(problems[2].object).toBe('rbac.authorization.k8s.io/ClusterRole reader');
  expect(problems[2].message).toContain('is already defined by s0');
});

test('namespaced objects of the same name in different namespaces are not duplicates', () => {
  const configMap = (namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace } });
  expect(validate(configMap('a'), configMap('b'))).toEqual([]);
  expect(rules(validate(configMap('a'), configMap('a')))).toEqual([['s1', 'ref/duplicate-object', 'metadata.name']]);
});
