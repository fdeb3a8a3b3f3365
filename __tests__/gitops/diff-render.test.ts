import { ApiObject, App, Chart } from 'cdk8s';
import { compareRenders, diffRender, formatRenderDiff, publishRender } from '../../lib/gitops';
import { configMaps } from '../support/fake-apps';
import { useRepoFixture } from '../support/git-fixture';

const repo = useRepoFixture();

const published = configMaps({ alpha: { greeting: 'hello', farewell: 'bye' }, beta: { greeting: 'hi' } });

test('before the first publish, every object is added', () => {
  const diff = diffRender({ repoDir: repo.dir, build: published });

  expect(diff).toMatchObject({ branch: 'rendered', base: undefined, hasChanges: true, vanishedTargets: [] });
  expect(diff.objects.map((o) => `${o.change} ${o.target} ${o.object}`)).toEqual([
    'added alpha core/ConfigMap alpha/settings', 'added beta core/ConfigMap beta/settings',
  ]);
  expect(diff.files.map((f) => `${f.change} ${f.file}`)).toEqual(['added README.md', 'added alpha.md', 'added beta.md']);
});

test('right after a publish there is nothing to diff', () => {
  const result = publishRender({ repoDir: repo.dir, build: published, remote: 'origin' });
  const diff = diffRender({ repoDir: repo.dir, build: published, remote: 'origin' });

  expect(diff).toMatchObject({ base: result.commit, hasChanges: false, objects: [], files: [] });
  expect(formatRenderDiff(diff)).toBe(`Rendered branch rendered at ${result.commit.slice(0, 12)}: no changes`);
});

test('added, removed and changed objects, with the fields that changed, and vanished targets', () => {
  publishRender({ repoDir: repo.dir, build: published });
  const next = (app: App) => {
    configMaps({ alpha: { greeting: 'bonjour', extra: 'new' } })(app);
    new ApiObject(app.node.findChild('alpha') as Chart, 'role', {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: 'alpha' },
    });
  };

  const diff = diffRender({ repoDir: repo.dir, build: next });

  expect(diff.hasChanges).toBe(true);
  expect(diff.vanishedTargets).toEqual(['beta']);
  expect(diff.objects).toEqual([
    {
      change: 'changed', target: 'alpha', object: 'core/ConfigMap alpha/settings', file: 'alpha/01-configmap_alpha_settings.yaml',
      fields: [
        { path: 'data.extra', before: undefined, after: 'new' },
        { path: 'data.farewell', before: 'bye', after: undefined },
        { path: 'data.greeting', before: 'hello', after: 'bonjour' },
      ],
    },
    { change: 'added', target: 'alpha', object: 'core/ServiceAccount alpha/reader', file: 'alpha/01-serviceaccount_alpha_reader.yaml', fields: [] },
    { change: 'removed', target: 'beta', object: 'core/ConfigMap beta/settings', file: 'beta/01-configmap_beta_settings.yaml', fields: [] },
  ]);
  expect(diff.files.map((f) => `${f.change} ${f.file}`)).toEqual(['changed README.md', 'removed beta.md']);
  // The base commit's id depends on the commit time; everything else is deterministic.
  expect(formatRenderDiff(diff).replace(diff.base!.slice(0, 12), '<base>')).toMatchSnapshot();
});

test('an object that moves to another file (sync wave) is one changed object, not a removal and an addition', () => {
  const annotated = (wave: string) => ({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'alpha', annotations: { 'argocd.argoproj.io/sync-wave': wave } },
  });
  const diff = compareRenders(
    new Map([['alpha/01-configmap_alpha_settings.yaml', JSON.stringify(annotated('1'))]]),
    new Map([['alpha/07-configmap_alpha_settings.yaml', JSON.stringify(annotated('7'))]]),
    'rendered',
  );

  expect(diff.objects).toEqual([{
    change: 'changed', target: 'alpha', object: 'core/ConfigMap alpha/settings', file: 'alpha/07-configmap_alpha_settings.yaml',
    fields: [{ path: 'metadata.annotations["argocd.argoproj.io/sync-wave"]', before: '1', after: '7' }],
  }]);
});

test('array fields are compared element by element', () => {
  const route = (weights: number[]) => JSON.stringify({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'n' },
    spec: { rules: [{ backendRefs: weights.map((weight, i) => ({ name: `b${i}`, weight })) }] },
  });
  const diff = compareRenders(new Map([['t/03-r.yaml', route([90, 10])]]), new Map([['t/03-r.yaml', route([50, 50, 1])]]), 'rendered');

  expect(diff.objects[0].fields).toEqual([
    { path: 'spec.rules[0].backendRefs[0].weight', before: 90, after: 50 },
    { path: 'spec.rules[0].backendRefs[1].weight', before: 10, after: 50 },
    { path: 'spec.rules[0].backendRefs[2]', before: undefined, after: { name: 'b2', weight: 1 } },
  ]);
});

test('diff refuses a render that publish would refuse', () => {
  expect(() => diffRender({ repoDir: repo.dir, build: published, validate: () => ['broken'] })).toThrow(/validation failed.*broken/s);
  expect(() => diffRender({ repoDir: repo.dir, build: (app) => new Chart(app, 'alpha') })).toThrow(/the render is empty/);
});
