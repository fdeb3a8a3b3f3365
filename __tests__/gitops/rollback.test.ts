/**
 * No silent rollback: a render of a commit that does not contain the code the rendered branch was last rendered from
 * is refused (naming both commits) unless allowed, and diff shows it. Concurrent renders are serialized and never
 * overwrite each other's commits.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RenderRefusedError, diffRender, formatRenderDiff, publishRender } from '../../lib/gitops';
import { errorOf } from '../support/error-of';
import { configMaps } from '../support/fake-apps';
import { run, useRepoFixture } from '../support/git-fixture';

const repo = useRepoFixture();
const ROOT = path.resolve(__dirname, '..', '..');
const RUN = path.join('__tests__', 'support', 'run-bundled.cjs');
const image = (tag: string) => configMaps({ alpha: { image: `web:${tag}` } });

function commitSource(dir: string, content: string): string {
  fs.writeFileSync(path.join(dir, 'main.ts'), content);
  run(dir, 'commit', '-q', '-am', content);
  return run(dir, 'rev-parse', 'HEAD');
}

const tip = (dir: string) => run(dir, 'rev-parse', 'refs/heads/rendered');
// The concurrent cases run renders as processes: on a loaded machine one can take 30 s to start.
jest.setTimeout(300_000);

describe('a render from a checkout behind the rendered branch', () => {
  test('is refused naming both commits, diff shows it, and --allow-rollback publishes it, recorded', () => {
    const old = run(repo.dir, 'rev-parse', 'HEAD');
    publishRender({ repoDir: repo.dir, build: image('v0.0.3'), remote: 'origin' });
    const newer = commitSource(repo.dir, 'export const source = 2;\n');
    const published = publishRender({ repoDir: repo.dir, build: image('v0.1.0'), remote: 'origin' });
    run(repo.dir, 'checkout', '-q', '-b', 'behind', old);
    repo.recordUserState();

    const refusal = errorOf(() => publishRender({ repoDir: repo.dir, build: image('v0.0.3'), remote: 'origin' }));
    expect(refusal).toBeInstanceOf(RenderRefusedError);
    expect(refusal.message).toBe(`branch rendered at ${published.commit.slice(0, 12)} was rendered from ${newer.slice(0, 12)}, but this render is of `
      + `${old.slice(0, 12)}, which is not an ancestor of it (someone rendered newer code, or this checkout is behind): publishing would roll back `
      + `what ${newer.slice(0, 12)} deployed. Update this checkout (git pull) and render again, `
      + 'or publish with --allow-rollback to roll back on purpose');
    expect(tip(repo.dir)).toBe(published.commit);
    expect(tip(repo.remote)).toBe(published.commit);

    const diff = diffRender({ repoDir: repo.dir, build: image('v0.0.3'), remote: 'origin' });
    expect(diff.rollback).toEqual({ branchCommit: published.commit, renderedSource: newer, source: old, reason: 'not-ancestor' });
    expect(formatRenderDiff(diff)).toContain(`  ! rollback: branch rendered at ${published.commit.slice(0, 12)} `
      + `was rendered from ${newer.slice(0, 12)}`);
    expect(formatRenderDiff(diff)).toContain('data.image: "web:v0.1.0" → "web:v0.0.3"');

    const allowed = publishRender({ repoDir: repo.dir, build: image('v0.0.3'), remote: 'origin', allowRollback: true });
    expect(allowed).toMatchObject({ status: 'published', rolledBackFrom: newer, sourceCommit: old });
    expect(run(repo.dir, 'log', '-1', '--format=%B', 'rendered')).toContain(`Source-Commit: ${old}\nTargets: alpha\nRolled-Back-From: ${newer}`);
    expect(tip(repo.remote)).toBe(allowed.commit);
  });

  test('is not refused when it would publish nothing (the branch already holds this render)', () => {
    const old = run(repo.dir, 'rev-parse', 'HEAD');
    commitSource(repo.dir, 'export const source = 2;\n');
    const published = publishRender({ repoDir: repo.dir, build: image('v0.1.0') });
    run(repo.dir, 'checkout', '-q', '-b', 'behind', old);
    repo.recordUserState();

    expect(publishRender({ repoDir: repo.dir, build: image('v0.1.0') })).toMatchObject({ status: 'unchanged', commit: published.commit });
    expect(diffRender({ repoDir: repo.dir, build: image('v0.1.0') }).rollback).toBeUndefined();
  });

  test('whose rendered source is not in this repository at all (rendered from another clone) is refused, saying to fetch', () => {
    publishRender({ repoDir: repo.dir, build: image('v0.0.3'), remote: 'origin' });
    const other = path.join(repo.dir, '..', 'other');
    run(path.dirname(other), 'clone', '-q', repo.dir, other);
    run(other, 'config', 'user.name', 'Other');
    run(other, 'config', 'user.email', 'other@example.com');
    const elsewhere = commitSource(other, 'export const source = 3;\n');
    const theirs = publishRender({ repoDir: other, build: image('v0.2.0'), remote: repo.remote });

    const refusal = errorOf(() => publishRender({ repoDir: repo.dir, build: image('v0.1.0'), remote: 'origin' }));
    const head = run(repo.dir, 'rev-parse', 'HEAD');
    expect(refusal.message).toContain(`was rendered from ${elsewhere.slice(0, 12)}, but this render is of ${head.slice(0, 12)}, `
      + 'which is not in this repository (fetch it, e.g. git fetch origin)');
    expect(tip(repo.remote)).toBe(theirs.commit);
  });
});

describe('concurrent renders', () => {
  function publishInBackground(greeting: string, env: Record<string, string> = {}) {
    // Bundled and code-cached (support/run-bundled.cjs): a fraction of tsx's start-up CPU and time.
    const child: ChildProcess = spawn(process.execPath, [RUN, path.join('__tests__', 'support', 'fixtures', 'publish-app.ts')], {
      cwd: ROOT, env: { ...process.env, REPO_DIR: repo.dir, GREETING: greeting, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => { stdout += d; });
    child.stderr!.on('data', (d) => { stderr += d; });
    const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on('close', (status) => resolve({ status, stdout, stderr })));
    return { child, done, stderr: () => stderr };
  }

  async function until(condition: () => boolean, what: string): Promise<void> {
    for (const deadline = Date.now() + 120_000; !condition();) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  test('the second waits for the first (naming it), then builds on its commit: nothing is overwritten', async () => {
    const barrier = path.join(repo.dir, '..', 'barrier');
    const first = publishInBackground('first', { REMOTE: 'origin', LPD_FAULT_INJECT: `render-committed=barrier:${barrier}` });
    await until(() => fs.existsSync(`${barrier}.reached`), 'the first render to commit');
    const second = publishInBackground('second', { REMOTE: 'origin' });
    const waiting = `Waiting for the rendered branch of ${repo.dir}: pid ${first.child.pid} (`;
    await until(() => second.stderr().includes(waiting), 'the second render to wait');
    fs.writeFileSync(barrier, '');
    const [a, b] = await Promise.all([first.done, second.done]);

    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    const [ca, cb] = [JSON.parse(a.stdout).commit, JSON.parse(b.stdout).commit];
    expect(run(repo.remote, 'rev-list', 'rendered')).toBe(`${cb}\n${ca}`);
    expect(run(repo.dir, 'rev-parse', 'rendered')).toBe(cb);
    expect(run(repo.remote, 'show', 'rendered:alpha/01-configmap_alpha_settings.yaml')).toContain('greeting: second');
  });

  test('a branch moved by something that ignores the lock is never overwritten: the render fails and says so', async () => {
    publishRender({ repoDir: repo.dir, build: image('v1') });
    const barrier = path.join(repo.dir, '..', 'barrier');
    const render = publishInBackground('late', { LPD_FAULT_INJECT: `render-committed=barrier:${barrier}` });
    await until(() => fs.existsSync(`${barrier}.reached`), 'the render to commit');
    // Something else (a forced push, another tool) moves the branch meanwhile.
    const before = tip(repo.dir);
    const stray = run(repo.dir, 'commit-tree', `${before}^{tree}`, '-p', before, '-m', 'moved by hand');
    run(repo.dir, 'update-ref', 'refs/heads/rendered', stray);
    fs.writeFileSync(barrier, '');
    const result = await render.done;

    expect(result.status).toBe(1);
    expect(result.stdout.startsWith(`refused: local branch rendered moved while this render was made (expected ${before.slice(0, 12)}, `
      + `found ${stray.slice(0, 12)}); nothing was published: run the render again`)).toBe(true);
    expect(tip(repo.dir)).toBe(stray);
  });
});
