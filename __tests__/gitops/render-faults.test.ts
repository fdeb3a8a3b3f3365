/**
 * Faults during `npm run render`, asserting the rendered branch's invariant (ARCHITECTURE.md, "What a reader of dist/
 * and of the rendered branch can observe"): the branch, local and on the remote, moves only from one complete render
 * to a newer one. A render killed after its commit, or failing on a full disk or a read-only repository, leaves both
 * tips where they were, and the next render needs no manual step.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { publishRender } from '../../lib/gitops';
import { errorOf } from '../support/error-of';
import { configMaps } from '../support/fake-apps';
import { canMount, mount, umount } from '../support/fault-harness';
import { run, useRepoFixture } from '../support/git-fixture';

const repo = useRepoFixture();
const ROOT = path.resolve(__dirname, '..', '..');
const greeting = (text: string) => configMaps({ alpha: { greeting: text } });
const tips = () => [run(repo.dir, 'rev-parse', 'refs/heads/rendered'), run(repo.remote, 'rev-parse', 'refs/heads/rendered')];
// The killed render is a process of its own: on a loaded machine one can take 30 s to start.
jest.setTimeout(300_000);

function withFault<T>(spec: string, action: () => T): T {
  process.env.LPD_FAULT_INJECT = spec;
  try {
    return action();
  } finally {
    delete process.env.LPD_FAULT_INJECT;
  }
}

test('killed after its commit, before any branch moved: both tips unchanged; the next render takes the lock over at once', () => {
  const published = publishRender({ repoDir: repo.dir, build: greeting('first'), remote: 'origin' });
  const { LPD_FAULT_INJECT: _, ...env } = process.env;
  // Bundled and code-cached (support/run-bundled.cjs): a fraction of tsx's start-up CPU and time.
  const killed = spawnSync(process.execPath, [path.join('__tests__', 'support', 'run-bundled.cjs'),
    path.join('__tests__', 'support', 'fixtures', 'publish-app.ts')], {
    cwd: ROOT, encoding: 'utf8',
    env: { ...env, REPO_DIR: repo.dir, GREETING: 'killed', REMOTE: 'origin', LPD_FAULT_INJECT: 'render-committed=kill' },
  });
  expect(killed.signal).toBe('SIGKILL');
  expect(tips()).toEqual([published.commit, published.commit]);
  expect(fs.existsSync(path.join(repo.dir, '.git', 'lpd-render.lock'))).toBe(true);

  const next = publishRender({ repoDir: repo.dir, build: greeting('second'), remote: 'origin', lockTimeoutMs: 0 });
  expect(next.status).toBe('published');
  expect(run(repo.dir, 'rev-parse', `${next.commit}^`)).toBe(published.commit);
  expect(tips()).toEqual([next.commit, next.commit]);
  expect(fs.existsSync(path.join(repo.dir, '.git', 'lpd-render.lock'))).toBe(false);
});

test.each(['enospc', 'erofs'])('%s injected after the commit: the render fails, both tips unchanged, the lock released', (fault) => {
  const published = publishRender({ repoDir: repo.dir, build: greeting('first'), remote: 'origin' });
  const error = withFault(`render-committed=${fault}`, () => errorOf(() => publishRender({
    repoDir: repo.dir, build: greeting('second'), remote: 'origin',
  })));
  expect(error.message).toBe(fault === 'enospc' ? 'ENOSPC: no space left on device (injected at render-committed); nothing was published'
    : 'EROFS: read-only file system (injected at render-committed); nothing was published');
  expect(tips()).toEqual([published.commit, published.commit]);
  expect(fs.existsSync(path.join(repo.dir, '.git', 'lpd-render.lock'))).toBe(false);
});

(canMount ? test : test.skip)('a real full disk (the object store on a full tmpfs): the render fails, both tips unchanged; then it works', () => {
  const published = publishRender({ repoDir: repo.dir, build: greeting('first'), remote: 'origin' });
  const objects = path.join(repo.dir, '.git', 'objects');
  const saved = `${objects}.saved`;
  fs.cpSync(objects, saved, { recursive: true });
  mount('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', objects);
  try {
    fs.cpSync(saved, objects, { recursive: true });
    const { bavail, bsize } = fs.statfsSync(objects);
    fs.writeFileSync(path.join(objects, 'filler'), Buffer.alloc(bavail * bsize));

    const error = errorOf(() => publishRender({ repoDir: repo.dir, build: greeting('second'), remote: 'origin' }));
    expect(error.message).toMatch(/No space left on device.*; nothing was published$/is);
    expect(tips()).toEqual([published.commit, published.commit]);
    expect(fs.existsSync(path.join(repo.dir, '.git', 'lpd-render.lock'))).toBe(false);

    fs.rmSync(path.join(objects, 'filler'));
    const next = publishRender({ repoDir: repo.dir, build: greeting('second'), remote: 'origin' });
    expect(run(repo.dir, 'rev-parse', `${next.commit}^`)).toBe(published.commit);
    expect(tips()).toEqual([next.commit, next.commit]);
    // Keep the objects for the fixture's check of the checkout, which runs after the unmount.
    fs.cpSync(objects, saved, { recursive: true });
  } finally {
    umount(objects);
  }
  fs.rmSync(objects, { recursive: true, force: true });
  fs.renameSync(saved, objects);
});

(canMount ? test : test.skip)('a real read-only repository (a read-only bind mount): the render fails saying so, both tips unchanged', () => {
  const published = publishRender({ repoDir: repo.dir, build: greeting('first'), remote: 'origin' });
  mount('--bind', repo.dir, repo.dir);
  try {
    mount('-o', 'remount,bind,ro', repo.dir);
    const error = errorOf(() => publishRender({ repoDir: repo.dir, build: greeting('second'), remote: 'origin' }));
    expect(error.message).toMatch(/EROFS: read-only file system/);
    expect(error.message).toContain('nothing was published');
    expect(tips()).toEqual([published.commit, published.commit]);
  } finally {
    umount(repo.dir);
  }
  expect(fs.readdirSync(path.join(repo.dir, '.git')).filter((f) => f.startsWith('lpd-render.lock'))).toEqual([]);
});
