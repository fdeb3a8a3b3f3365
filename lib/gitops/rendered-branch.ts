import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { git, tryRevParse } from './git';
import { RenderRefusedError } from './prepare-render';

/** The rendered branch as it is now: in the repository, and on the remote when one is given. */
export interface RenderedBranchState {
  /** Commit of the local branch. @default - the branch does not exist locally */
  readonly localTip?: string;
  /** Commit of the branch on the remote. @default - no remote given, or the branch is not on it */
  readonly remoteTip?: string;
  /** URL of the remote. @default - no remote given */
  readonly remoteUrl?: string;
  /** The commit a new render builds on: the remote's branch when there is one, else the local branch. */
  readonly base?: string;
}

/** Reads the rendered branch's state; fetches it from `remote` (into FETCH_HEAD only) when given. */
export function readRenderedBranch(repoDir: string, branch: string, remote?: string): RenderedBranchState {
  assertBranchName(repoDir, branch);
  const localTip = tryRevParse(repoDir, `refs/heads/${branch}`);
  if (remote === undefined) return { localTip, base: localTip };
  const remoteUrl = remoteUrlOf(repoDir, remote);
  const listed = git(repoDir, ['ls-remote', '--heads', remote, `refs/heads/${branch}`]);
  let remoteTip: string | undefined;
  if (listed !== '') {
    git(repoDir, ['fetch', '--quiet', '--no-tags', remote, `refs/heads/${branch}`]);
    remoteTip = git(repoDir, ['rev-parse', 'FETCH_HEAD']);
  }
  return { localTip, remoteTip, remoteUrl, base: remoteTip ?? localTip };
}

/** Top-level folders (render targets) of a commit. */
export function targetFoldersOf(repoDir: string, commit: string | undefined): string[] {
  if (commit === undefined) return [];
  return git(repoDir, ['ls-tree', '-d', '--name-only', commit]).split('\n').filter((f) => f !== '').sort();
}

/**
 * Stores `files` as a tree in the repository's object database and returns its id,
 * without touching any worktree or the repository's index: the files are written to a
 * temp dir, hashed without filters (no autocrlf, no LFS) and listed in a temporary index.
 */
export function writeTree(repoDir: string, files: ReadonlyMap<string, string>): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'render-tree-'));
  try {
    const root = path.join(tmp, 'tree');
    const names = [...files.keys()];
    for (const [file, content] of files) {
      const full = path.join(root, file);
      if (!full.startsWith(root + path.sep)) throw new Error(`refusing to publish ${file}: it is outside the rendered tree`);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
    }
    const oids = git(repoDir, ['hash-object', '-w', '--no-filters', '--stdin-paths'], {
      input: names.map((f) => path.join(root, f)).join('\n') + '\n',
    }).split('\n');
    const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
    git(repoDir, ['update-index', '--add', '--index-info'], {
      env, input: names.map((f, i) => `100644 ${oids[i]}\t${f}`).join('\n') + '\n',
    });
    return git(repoDir, ['write-tree'], { env });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The remote's URL when `remote` is a configured remote's name, else `remote` itself (a URL or path). */
function remoteUrlOf(repoDir: string, remote: string): string {
  const names = git(repoDir, ['remote']).split('\n');
  return names.includes(remote) ? git(repoDir, ['remote', 'get-url', remote]) : remote;
}

function assertBranchName(repoDir: string, branch: string): void {
  try {
    git(repoDir, ['check-ref-format', '--branch', branch]);
  } catch {
    throw new RenderRefusedError(`"${branch}" is not a valid branch name; allowed: a name git check-ref-format --branch accepts`);
  }
}
