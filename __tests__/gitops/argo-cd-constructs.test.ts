import { Chart, Duration, Testing } from 'cdk8s';
import {
  ArgoCdApplication, ArgoCdApplicationProps, ArgoCdProject, ArgoCdProjectProps, SyncPolicy, SyncRetry, normalizeRepoUrl,
} from '../../lib/gitops';

const projectProps: ArgoCdProjectProps = {
  metadata: { name: 'shop' },
  description: 'shop',
  sourceRepos: ['https://github.com/example-org/mesh.git'],
  destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'shop' }],
  clusterResources: [{ group: '', kind: 'Namespace', name: 'shop' }],
  namespacedResources: [{ group: 'apps', kind: 'Deployment' }],
};

function application(props: Partial<ArgoCdApplicationProps>): Record<string, any> {
  const chart = new Chart(Testing.app(), 'argocd', { namespace: 'argocd' });
  const project = new ArgoCdProject(chart, 'project', projectProps);
  new ArgoCdApplication(chart, 'shop', {
    metadata: { name: 'shop' }, project, repoUrl: 'https://github.com/example-org/mesh.git', branch: 'rendered', path: 'shop', ...props,
  });
  return Testing.synth(chart).find((m) => m.kind === 'Application');
}

test('manual sync: no automated block at all', () => {
  expect(application({ syncPolicy: SyncPolicy.manual() }).spec.syncPolicy.automated).toBeUndefined();
});

test('automated sync with prune and selfHeal as options', () => {
  expect(application({ syncPolicy: SyncPolicy.automated({ prune: false }) }).spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
  expect(application({}).spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
});

test('retry backoff renders Go durations', () => {
  const retry = SyncRetry.backoff({ limit: 3, initialDelay: Duration.seconds(90), factor: 3, maxDelay: Duration.hours(1) });
  expect(application({ retry }).spec.syncPolicy.retry).toEqual({ limit: 3, backoff: { duration: '90s', factor: 3, maxDuration: '1h' } });
});

const route = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop', name: 'r' };

test('ignoreDifferences render JSON pointers and jq paths, each only when given, and make syncs respect them', () => {
  const spec = application({ ignoreDifferences: [
    { ...route, jsonPointers: ['/spec/rules/0/backendRefs/0/weight'], jqPathExpressions: [] },
    { ...route, name: 's', jqPathExpressions: ['.spec.rules[].backendRefs[].weight'] },
    { ...route, name: 'guarded',
      jqPathExpressions: ['select(.metadata.labels["rollouts.argoproj.io/gatewayapi-canary"] == "in-progress") | .spec.rules'] },
  ] }).spec;
  expect(spec.ignoreDifferences).toEqual([
    { ...route, jsonPointers: ['/spec/rules/0/backendRefs/0/weight'] },
    { ...route, name: 's', jqPathExpressions: ['.spec.rules[].backendRefs[].weight'] },
    { ...route, name: 'guarded',
      jqPathExpressions: ['select(.metadata.labels["rollouts.argoproj.io/gatewayapi-canary"] == "in-progress") | .spec.rules'] },
  ]);
  expect(spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
  expect(application({}).spec.syncPolicy.syncOptions).not.toContain('RespectIgnoreDifferences=true');
});

describe('invalid Application props', () => {
  test.each<[string, Partial<ArgoCdApplicationProps>, RegExp]>([
    ['repository root as path', { path: '.' }, /\[argocd\/shop\] path "\." is invalid; allowed: one rendered folder name/],
    ['nested path', { path: 'shop/sub' }, /\[argocd\/shop\] path "shop\/sub" is invalid/],
    ['createNamespace without namespace', { createNamespace: true },
      /\[argocd\/shop\] createNamespace true is invalid; allowed: createNamespace only with a namespace/],
    ['negative sync wave', { syncWave: -1 }, /\[argocd\/shop\] syncWave -1 is invalid; allowed: integers 0\.\.99/],
    ['fractional sync wave', { syncWave: 1.5 }, /\[argocd\/shop\] syncWave 1.5 is invalid; allowed: integers 0\.\.99/],
    ['retry limit 0', { retry: SyncRetry.backoff({ limit: 0 }) }, /\[argocd\/shop\] retry limit 0 is invalid; allowed: integers 1\.\.20/],
    ['fractional factor', { retry: SyncRetry.backoff({ factor: 1.5 }) }, /\[argocd\/shop\] retry factor 1.5 is invalid; allowed: integers 1\.\.10/],
    ['sub-second delay', { retry: SyncRetry.backoff({ initialDelay: Duration.millis(500) }) },
      /\[argocd\/shop\] retry initialDelay 500ms is invalid; allowed: a whole number of seconds, at least 1s/],
    ['max below initial', { retry: SyncRetry.backoff({ initialDelay: Duration.minutes(5), maxDelay: Duration.minutes(1) }) },
      /\[argocd\/shop\] retry maxDelay 60000ms is invalid; allowed: a delay not below initialDelay 5 minutes/],
    ['ignoring a whole object (no fields)', { ignoreDifferences: [{ ...route }] },
      /\[argocd\/shop\] ignoreDifferences for HTTPRoute shop\/r fields \[\] is invalid; allowed: at least one JSON pointer or jq path/],
    ['ignoring a whole object (empty lists)', { ignoreDifferences: [{ ...route, jsonPointers: [], jqPathExpressions: [] }] },
      /\[argocd\/shop\] ignoreDifferences for HTTPRoute shop\/r fields \[\] is invalid; allowed: at least one JSON pointer or jq path/],
    ['root JSON pointer', { ignoreDifferences: [{ ...route, jsonPointers: ['/'] }] },
      /\[argocd\/shop\] ignoreDifferences for HTTPRoute shop\/r: JSON pointer "\/" is invalid; allowed: an RFC 6901 pointer to a field/],
    ['JSON pointer without a leading slash', { ignoreDifferences: [{ ...route, jsonPointers: ['spec/replicas'] }] },
      /\[argocd\/shop\] ignoreDifferences for HTTPRoute shop\/r: JSON pointer "spec\/replicas" is invalid/],
    ['root jq path', { ignoreDifferences: [{ ...route, jqPathExpressions: ['.'] }] },
      /\[argocd\/shop\] ignoreDifferences for HTTPRoute shop\/r: jq path "\." is invalid; allowed: a path to a field/],
    ['a condition guarding the whole object', { ignoreDifferences: [{ ...route, jqPathExpressions: ['select(.metadata.labels.a == "b") | .'] }] },
      /jq path "select\(\.metadata\.labels\.a == \\"b\\"\) \| \." is invalid; allowed: a path to a field, e\.g\. \.spec\.replicas, optionally behind a condition/],
  ])('%s', (_, props, message) => {
    expect(() => application(props)).toThrow(message);
  });
});

test('an AppProject with several invalid props reports all of them in one error, one line each', () => {
  const chart = new Chart(Testing.app(), 'argocd', { namespace: 'argocd' });
  expect(() => new ArgoCdProject(chart, 'project', { ...projectProps, sourceRepos: ['https://github.com/example-org/*'], namespacedResources: [] }))
    .toThrow(new Error([
      '[argocd/project] source repository "https://github.com/example-org/*" is invalid; allowed: exact repository URLs only (no patterns)',
      '[argocd/project] namespacedResources [] is invalid; allowed: at least one group/kind (Argo CD reads an empty list as "every kind")',
    ].join('\n')));
});

describe('invalid AppProject props', () => {
  test.each<[string, Partial<ArgoCdProjectProps>, RegExp]>([
    ['no repository', { sourceRepos: [] }, /\[argocd\/project\] sourceRepos \[\] is invalid; allowed: at least one repository URL/],
    ['repository pattern', { sourceRepos: ['https://github.com/example-org/*'] },
      /\[argocd\/project\] source repository "https:\/\/github\.com\/example-org\/\*" is invalid; allowed: exact repository URLs only/],
    ['namespace wildcard', { destinations: [{ server: 'https://kubernetes.default.svc', namespace: '*' }] },
      /\[argocd\/project\] destination "https:\/\/kubernetes\.default\.svc \*" is invalid; allowed: an exact server URL and an exact, non-empty namespace/],
    ['cluster kind wildcard', { clusterResources: [{ group: '*', kind: '*' }] }, /\[argocd\/project\] cluster resource "\*" is invalid; allowed: exact kinds and names/],
    ['no namespaced kinds', { namespacedResources: [] },
      /\[argocd\/project\] namespacedResources \[\] is invalid; allowed: at least one group\/kind \(Argo CD reads an empty list as "every kind"\)/],
  ])('%s', (_, props, message) => {
    const chart = new Chart(Testing.app(), 'argocd', { namespace: 'argocd' });
    expect(() => new ArgoCdProject(chart, 'project', { ...projectProps, ...props })).toThrow(message);
  });
});

describe('repository URLs compared by render and diff', () => {
  test.each([
    'https://github.com/example-org/mesh.git',
    'https://github.com/example-org/mesh',
    'https://GitHub.com/example-org/mesh/',
    'ssh://git@github.com/example-org/mesh.git',
    'git@github.com:example-org/mesh.git',
  ])('%s is the same repository as https://github.com/example-org/mesh.git', (url) => {
    expect(normalizeRepoUrl(url)).toBe(normalizeRepoUrl('https://github.com/example-org/mesh.git'));
  });

  test.each([
    'https://github.com/example-org/other.git',
    'https://github.com/other-org/mesh.git',
    'https://gitlab.com/example-org/mesh.git',
    '/tmp/remote.git',
  ])('%s is another repository', (url) => {
    expect(normalizeRepoUrl(url)).not.toBe(normalizeRepoUrl('https://github.com/example-org/mesh.git'));
  });
});
