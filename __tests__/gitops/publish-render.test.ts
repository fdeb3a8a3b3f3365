import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { RenderRefusedError, publishRender } from '../../lib/gitops';
import { errorOf } from '../support/error-of';
import { configMaps } from '../support/fake-apps';
import { run, treeOf, useRepoFixture } from '../support/git-fixture';

const repo = useRepoFixture();

const twoTargets = configMaps({ alpha: { greeting: 'hello' }, beta: { greeting: 'hi' } });

function branchTip(dir: string, branch = 'rendered'): string | undefined {
  try {
    return run(dir, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`);
  } catch {
    return undefined;
  }
}

test('first publish: an orphan commit with only the rendered folders, their reports and a README, pushed', () => {
  const result = publishRender({ repoDir: repo.dir, build: twoTargets, remote: 'origin' });

  expect(result).toMatchObject({ status: 'published', branch: 'rendered', pushed: true, targets: ['alpha', 'beta'], removedTargets: [] });
  const tree = treeOf(repo.dir, 'rendered');
  expect(Object.keys(tree)).toEqual([
    'README.md', 'alpha.md', 'alpha/01-configmap_alpha_settings.yaml', 'beta.md', 'beta/01-configmap_beta_settings.yaml',
  ]);
  expect(tree['alpha/01-configmap_alpha_settings.yaml']).toContain('greeting: hello');
  expect(tree['README.md']).toContain('| alpha | [`alpha/`](alpha/) | [alpha.md](alpha.md) |');
  // One root commit that records where it came from.
  expect(run(repo.dir, 'rev-list', '--count', 'rendered')).toBe('1');
  const message = run(repo.dir, 'log', '-1', '--format=%B', 'rendered');
  expect(message).toContain(`Source-Commit: ${run(repo.dir, 'rev-parse', 'HEAD')}`);
  expect(message).toContain('Targets: alpha, beta');
  // The remote holds the same commit.
  expect(branchTip(repo.remote)).toBe(result.commit);
  expect(treeOf(repo.remote, 'rendered')).toEqual(tree);
});

test('publishing the same render again commits and pushes nothing', () => {
  const first = publishRender({ repoDir: repo.dir, build: twoTargets, remote: 'origin' });
  const again = publishRender({ repoDir: repo.dir, build: twoTargets, remote: 'origin' });

  expect(again).toMatchObject({ status: 'unchanged', commit: first.commit, pushed: false });
  expect(run(repo.dir, 'rev-list', '--count', 'rendered')).toBe('1');
  expect(branchTip(repo.remote)).toBe(first.commit);
});

test('a changed render is one new commit on top of the previous one, locally and on the remote', () => {
  const first = publishRender({ repoDir: repo.dir, build: twoTargets, remote: 'origin' });
  const changed = publishRender({
    repoDir: repo.dir, remote: 'origin', build: configMaps({ alpha: { greeting: 'bonjour' }, beta: { greeting: 'hi' } }),
  });

  expect(changed.status).toBe('published');
  expect(run(repo.dir, 'rev-parse', `${changed.commit}^`)).toBe(first.commit);
  expect(branchTip(repo.dir)).toBe(changed.commit);
  expect(branchTip(repo.remote)).toBe(changed.commit);
  expect(run(repo.dir, 'diff', '--name-only', first.commit, changed.commit)).toBe('alpha/01-configmap_alpha_settings.yaml');
});

describe('refuses to publish, leaving the branch as it was', () => {
  test.each<[string, (app: App) => void, RegExp]>([
    ['an app without charts', () => undefined, /synthesis failed.*no charts/s],
    ['an empty chart', (app) => new Chart(app, 'alpha'), /the render is empty \(targets without objects: alpha\)/],
    ['an empty chart beside a full one', (app) => {
      configMaps({ alpha: { a: 'b' } })(app);
      new Chart(app, 'beta');
    }, /targets without objects: beta/],
    ['a build that throws', () => {
      throw new Error('chart props are wrong');
    }, /synthesis failed.*chart props are wrong/s],
    ['a construct validation error', (app) => {
      configMaps({ alpha: { a: 'b' } })(app);
      app.node.findChild('alpha').node.addValidation({ validate: () => ['weights must sum to 100'] });
    }, /synthesis failed.*\[alpha\] weights must sum to 100/s],
  ])('%s', (_, build, message) => {
    const published = publishRender({ repoDir: repo.dir, build: twoTargets, remote: 'origin' });

    const refusal = errorOf(() => publishRender({ repoDir: repo.dir, build, remote: 'origin' }));
    expect(refusal).toBeInstanceOf(RenderRefusedError);
    expect(refusal.message).toMatch(message);
    expect(branchTip(repo.dir)).toBe(published.commit);
    expect(branchTip(repo.remote)).toBe(published.commit);
  });

  test('a failing validation, before any branch exists', () => {
    const validate = () => ['[alpha] Server web selects no pod'];

    expect(() => publishRender({ repoDir: repo.dir, build: twoTargets, validate, remote: 'origin' }))
      .toThrow(/validation failed with 1 problem\(s\).*\[alpha\] Server web selects no pod/s);
    expect(branchTip(repo.dir)).toBeUndefined();
    expect(branchTip(repo.remote)).toBeUndefined();
  });

  test('a target folder that would vanish, unless explicitly allowed', () => {
    const published = publishRender({ repoDir: repo.dir, build: twoTargets, remote: 'origin' });
    const alphaOnly = configMaps({ alpha: { greeting: 'hello' } });

    expect(() => publishRender({ repoDir: repo.dir, build: alphaOnly, remote: 'origin' }))
      .toThrow(/target folder\(s\) beta on branch rendered would disappear.*--allow-vanished-targets/s);
    expect(branchTip(repo.remote)).toBe(published.commit);

    const allowed = publishRender({ repoDir: repo.dir, build: alphaOnly, remote: 'origin', allowVanishedTargets: true });
    expect(allowed).toMatchObject({ status: 'published', removedTargets: ['beta'] });
    expect(Object.keys(treeOf(repo.remote, 'rendered'))).toEqual(['README.md', 'alpha.md', 'alpha/01-configmap_alpha_settings.yaml']);
    expect(run(repo.dir, 'log', '-1', '--format=%B', 'rendered')).toContain('Removed-Targets: beta');
  });

  test('an Argo CD Application that syncs another repository, branch or folder than this publish produces', () => {
    const build = (app: App) => {
      twoTargets(app);
      new ApiObject(new Chart(app, 'argocd'), 'app', {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'gamma', namespace: 'argocd' },
        spec: { project: 'p', destination: {}, source: { repoURL: 'https://github.com/someone-else/repo.git', targetRevision: 'main', path: 'gamma' } },
      });
    };

    expect(() => publishRender({ repoDir: repo.dir, build, remote: 'origin' })).toThrow(new RegExp([
      'syncs path "gamma", which this render does not produce; allowed: alpha, beta, argocd',
      'syncs revision "main" but this render is published to branch "rendered"',
      `syncs repository "https://github.com/someone-else/repo.git" but this render is pushed to "${repo.remote}"`,
    ].map((s) => s.replace(/[.()]/g, '\\$&')).join('.*'), 's'));
  });

  test('Applications that all sync another repository than the remote: one problem naming them and what to change', () => {
    const build = (app: App) => {
      twoTargets(app);
      const argocd = new Chart(app, 'argocd');
      for (const target of ['alpha', 'beta']) {
        new ApiObject(argocd, target, {
          apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: target, namespace: 'argocd' },
          spec: { project: 'p', destination: {}, source: { repoURL: 'https://github.com/example-org/repo.git', targetRevision: 'rendered', path: target } },
        });
      }
    };

    const error = errorOf(() => publishRender({ repoDir: repo.dir, build, remote: 'origin' }));
    expect(error.message).toMatch(/^validation failed with 1 problem\(s\), so the render cannot be published:\n/);
    expect(error.message).toContain('2 Applications (alpha, beta) sync repository "https://github.com/example-org/repo.git" '
      + `but this render is pushed to "${repo.remote}"; either set the repository URL the Argo CD Applications are rendered with `
      + `(REPO_URL in main.ts) to the URL Argo CD clones "${repo.remote}" by, or push with --remote to the repository Argo CD reads`);
    expect(branchTip(repo.remote)).toBeUndefined();
  });

  test('a dirty worktree, unless explicitly allowed (and then the commit says so)', () => {
    fs.writeFileSync(path.join(repo.dir, 'main.ts'), 'export const source = 2;\n');
    fs.writeFileSync(path.join(repo.dir, 'new-chart.ts'), 'export {};\n');
    run(repo.dir, 'add', 'new-chart.ts');
    repo.recordUserState();

    expect(() => publishRender({ repoDir: repo.dir,
      build: twoTargets })).toThrow(/uncommitted changes.*M main\.ts.*A  new-chart\.ts.*--allow-dirty/s);
    expect(branchTip(repo.dir)).toBeUndefined();

    const result = publishRender({ repoDir: repo.dir, build: twoTargets, allowDirty: true });
    expect(result.status).toBe('published');
    expect(run(repo.dir, 'log', '-1', '--format=%B', 'rendered')).toContain('Source-Dirty: 2 uncommitted change(s)');
  });

  test('a branch that is checked out in a worktree', () => {
    publishRender({ repoDir: repo.dir, build: twoTargets });
    const checkout = path.join(repo.dir, '..', 'rendered-checkout');
    run(repo.dir, 'worktree', 'add', '-q', checkout, 'rendered');
    try {
      expect(() => publishRender({ repoDir: repo.dir, build: configMaps({ alpha: { a: 'changed' }, beta: {} }) }))
        .toThrow(/branch rendered is checked out in a worktree/);
    } finally {
      run(repo.dir, 'worktree', 'remove', '--force', checkout);
    }
  });

  test('an invalid branch name', () => {
    expect(() => publishRender({ repoDir: repo.dir, build: twoTargets, branch: 'bad..name' })).toThrow(/"bad\.\.name" is not a valid branch name/);
  });
});

test('publishes to a configurable branch and to a remote given by URL', () => {
  const result = publishRender({ repoDir: repo.dir, build: twoTargets, branch: 'deploy/prod', remote: repo.remote });

  expect(result).toMatchObject({ branch: 'deploy/prod', pushed: true });
  expect(branchTip(repo.remote, 'deploy/prod')).toBe(result.commit);
  expect(branchTip(repo.dir, 'rendered')).toBeUndefined();
});

test('a push that the remote rejects (someone else published first) fails and moves no branch', () => {
  publishRender({ repoDir: repo.dir, build: twoTargets, remote: 'origin' });
  // Another publisher's commit lands on the remote in between our fetch and our push: simulate with a hook.
  const hook = path.join(repo.remote, 'hooks', 'pre-receive');
  fs.writeFileSync(hook, '#!/bin/sh\necho "rejected: concurrent publish" >&2\nexit 1\n', { mode: 0o755 });
  const local = branchTip(repo.dir);

  expect(() => publishRender({ repoDir: repo.dir, build: configMaps({ alpha: { a: 'new' }, beta: { b: 'new' } }), remote: 'origin' }))
    .toThrow(/git push .* failed.*rejected: concurrent publish/s);
  expect(branchTip(repo.dir)).toBe(local);
});
