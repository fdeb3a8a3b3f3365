import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A user's repository with one commit and a bare remote `origin`, in a temp dir (see useRepoFixture). */
export interface RepoFixture {
  readonly dir: string;
  readonly remote: string;
  cleanup(): void;
}

export function run(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).replace(/\n$/, '');
}

function buildRepo(root: string): void {
  const dir = path.join(root, 'work');
  const remote = path.join(root, 'remote.git');
  fs.mkdirSync(dir);
  run(dir, 'init', '-q', '-b', 'main');
  run(dir, 'config', 'user.name', 'Test User');
  run(dir, 'config', 'user.email', 'test@example.com');
  fs.writeFileSync(path.join(dir, 'main.ts'), 'export const source = 1;\n');
  fs.mkdirSync(path.join(dir, 'dist'));
  fs.writeFileSync(path.join(dir, 'dist', 'keep.yaml'), 'the user\'s own dist\n');
  run(dir, 'add', '-A');
  run(dir, 'commit', '-q', '-m', 'source');
  run(root, 'init', '-q', '--bare', remote);
  run(dir, 'remote', 'add', 'origin', remote);
}

/** The repository built once per test file, which createRepo copies: 7 git processes a test fewer. */
let template: string | undefined;

function templateRoot(): string {
  if (template === undefined) {
    template = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-template-'));
    buildRepo(template);
  }
  return template;
}

function removeTemplate(): void {
  if (template !== undefined) fs.rmSync(template, { recursive: true, force: true });
  template = undefined;
}

export function createRepo(): RepoFixture {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-test-'));
  const dir = path.join(root, 'work');
  const remote = path.join(root, 'remote.git');
  const from = templateRoot();
  fs.cpSync(from, root, { recursive: true });
  // The remote's path is the only absolute path in the copy; the index's file stats are refreshed for the copied files.
  const config = path.join(dir, '.git', 'config');
  fs.writeFileSync(config, fs.readFileSync(config, 'utf8').split(path.join(from, 'remote.git')).join(remote));
  run(dir, 'update-index', '-q', '--refresh');
  return { dir, remote, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/**
 * A fresh repository for each test of the calling file (`repo.dir`, `repo.remote` read the
 * current one). After each test it asserts that the user's checkout and index are exactly as
 * they were, whatever the test did (a publish or diff must never touch them), then removes it.
 */
export function useRepoFixture(): RepoInTest {
  let repo: RepoFixture | undefined;
  let before = '';
  beforeEach(() => {
    repo = createRepo();
    before = userState(repo.dir);
  });
  afterEach(() => {
    try {
      expect(userState(repo!.dir)).toBe(before);
    } finally {
      repo!.cleanup();
    }
  });
  afterAll(removeTemplate);
  return {
    get dir() { return repo!.dir; },
    get remote() { return repo!.remote; },
    recordUserState: () => {
      before = userState(repo!.dir);
    },
  };
}

/** The repository of the running test, from {@link useRepoFixture}. */
export interface RepoInTest {
  readonly dir: string;
  readonly remote: string;
  /** The test changed the checkout on purpose: compare with its state now after the test. */
  recordUserState(): void;
}

/**
 * Everything of the user's checkout that a publish must leave alone: HEAD, the index
 * file byte for byte, staged and unstaged changes, and every worktree file's content.
 * One git process: status v2's branch header is HEAD's commit and branch, and the
 * staged changes follow from the index and HEAD (both compared).
 */
export function userState(dir: string): string {
  const index = path.join(dir, '.git', 'index');
  const indexHash = fs.existsSync(index) ? createHash('sha256').update(fs.readFileSync(index)).digest('hex') : 'none';
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith(`.git${path.sep}`))
    .sort()
    .map((f) => `${f} ${createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')}`);
  return [
    `index ${indexHash}`,
    `status\n${run(dir, '--no-optional-locks', 'status', '--porcelain=v2', '--branch', '--untracked-files=all')}`,
    `worktree\n${files.join('\n')}`,
  ].join('\n');
}

/** path → content of a commit's tree. */
export function treeOf(dir: string, rev: string): Record<string, string> {
  const files = run(dir, 'ls-tree', '-r', '--name-only', rev).split('\n').filter((f) => f !== '');
  return Object.fromEntries(files.map((f) => [f, run(dir, 'show', `${rev}:${f}`)]));
}
