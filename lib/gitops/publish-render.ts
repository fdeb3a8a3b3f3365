import { AppBuilder } from '../output';
import { git, tryRevParse } from './git';
import { RenderRefusedError, RenderValidator, prepareRender } from './prepare-render';
import { readRenderedBranch, targetFoldersOf, writeTree } from './rendered-branch';
import { DEFAULT_RENDERED_BRANCH } from './rendered-branch-applications';

/** Options of {@link publishRender}. */
export interface PublishRenderOptions {
  /** The repository to publish into: a checkout of this project (its HEAD is the recorded source commit). */
  readonly repoDir: string;
  /** Builds the app to render (main.ts: `buildApp`). */
  readonly build: AppBuilder;
  /** Extra checks; any problem refuses the publish. @default - only the checks every publish runs */
  readonly validate?: RenderValidator;
  /** The rendered branch. @default 'rendered' */
  readonly branch?: string;
  /** Remote (name or URL) to push the branch to, without force. @default - the local branch only */
  readonly remote?: string;
  /** Publish even though a target folder on the branch is not rendered any more (Argo CD will prune it). @default false */
  readonly allowVanishedTargets?: boolean;
  /** Publish from a worktree with uncommitted changes (recorded in the commit message). @default false */
  readonly allowDirty?: boolean;
}

/** What {@link publishRender} did. */
export interface PublishResult {
  /** `published` when a commit was made, `unchanged` when the branch already held exactly this render. */
  readonly status: 'published' | 'unchanged';
  readonly branch: string;
  /** The commit the branch points to now. */
  readonly commit: string;
  /** The source commit (HEAD of `repoDir`) recorded in the commit message. */
  readonly sourceCommit: string;
  /** Render targets (folders) on the branch. */
  readonly targets: readonly string[];
  /** Target folders that were removed (only with `allowVanishedTargets`). */
  readonly removedTargets: readonly string[];
  /** Whether the commit was pushed to the remote. */
  readonly pushed: boolean;
  /** Anything the user should know, e.g. a local branch left behind. */
  readonly notes: readonly string[];
}

const ZERO_OID = '0000000000000000000000000000000000000000';

/**
 * Publishes the render of `build` to a branch that holds only rendered folders, their
 * review reports and a README: one commit per change, recording the source commit;
 * nothing is committed when the render did not change.
 *
 * Refuses (throws {@link RenderRefusedError}, changing nothing) when the worktree is dirty,
 * synthesis or validation fails, the render is empty, or a target folder on the branch would
 * disappear. Never touches the user's worktree, index or checked-out branch: the commit is
 * built with git plumbing in a temporary index. Pushes without force, so a concurrent publish
 * makes this one fail instead of being overwritten.
 */
export function publishRender(options: PublishRenderOptions): PublishResult {
  const { repoDir, remote } = options;
  const branch = options.branch ?? DEFAULT_RENDERED_BRANCH;
  git(repoDir, ['rev-parse', '--show-toplevel']);
  const source = sourceCommitOf(repoDir, options.allowDirty ?? false);
  assertNotCheckedOut(repoDir, branch);
  const state = readRenderedBranch(repoDir, branch, remote);
  const render = prepareRender(options.build, options.validate, { branch, remoteUrl: state.remoteUrl });

  const removedTargets = targetFoldersOf(repoDir, state.base).filter((t) => !render.targets.includes(t));
  if (removedTargets.length > 0 && !options.allowVanishedTargets) {
    throw new RenderRefusedError(`target folder(s) ${removedTargets.join(', ')} on branch ${branch} would disappear, and Argo CD `
      + 'would prune everything they deployed; if that is intended, publish with --allow-vanished-targets');
  }

  const tree = writeTree(repoDir, render.files);
  const notes: string[] = [];
  let commit = state.base;
  let status: PublishResult['status'] = 'unchanged';
  if (state.base === undefined || git(repoDir, ['rev-parse', `${state.base}^{tree}`]) !== tree) {
    commit = git(repoDir, ['commit-tree', tree, ...(state.base ? ['-p', state.base] : [])], {
      input: commitMessage(source, render.targets, removedTargets),
      env: committerIdentity(repoDir),
    });
    status = 'published';
  }

  let pushed = false;
  if (remote !== undefined && state.remoteTip !== commit) {
    git(repoDir, ['push', '--quiet', '--no-verify', remote, `${commit}:refs/heads/${branch}`]);
    pushed = true;
  }
  if (state.localTip !== commit) {
    if (state.localTip === undefined || isAncestor(repoDir, state.localTip, commit!)) {
      git(repoDir, ['update-ref', '-m', `render: ${status} from ${source.commit}`, `refs/heads/${branch}`, commit!, state.localTip ?? ZERO_OID]);
    } else {
      notes.push(`local branch ${branch} has diverged from ${remote}/${branch} and was left at ${state.localTip.slice(0, 12)}`);
    }
  }
  return { status, branch, commit: commit!, sourceCommit: source.commit, targets: render.targets, removedTargets, pushed, notes };
}

interface SourceCommit {
  readonly commit: string;
  /** Uncommitted changes that went into the render (only with allowDirty). */
  readonly dirty: readonly string[];
}

function sourceCommitOf(repoDir: string, allowDirty: boolean): SourceCommit {
  const commit = tryRevParse(repoDir, 'HEAD');
  if (commit === undefined) throw new RenderRefusedError(`${repoDir} has no commit yet; the render must record the commit it comes from`);
  // --no-optional-locks: do not even refresh the user's index.
  const dirty = git(repoDir, ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=normal'])
    .split('\n').filter((l) => l !== '');
  if (dirty.length > 0 && !allowDirty) {
    throw new RenderRefusedError(`the worktree has uncommitted changes, so the render would not match commit ${commit.slice(0, 12)}:\n  `
      + `${dirty.slice(0, 10).join('\n  ')}${dirty.length > 10 ? `\n  … and ${dirty.length - 10} more` : ''}\n`
      + 'commit or stash them, or publish with --allow-dirty');
  }
  return { commit, dirty };
}

function assertNotCheckedOut(repoDir: string, branch: string): void {
  const checkedOut = git(repoDir, ['worktree', 'list', '--porcelain']).split('\n')
    .some((line) => line === `branch refs/heads/${branch}`);
  if (checkedOut) {
    throw new RenderRefusedError(`branch ${branch} is checked out in a worktree; publishing would change files under someone's feet. `
      + 'Check out another branch there, or publish to another branch with --branch');
  }
}

function isAncestor(repoDir: string, ancestor: string, descendant: string): boolean {
  try {
    git(repoDir, ['merge-base', '--is-ancestor', ancestor, descendant]);
    return true;
  } catch {
    return false;
  }
}

function commitMessage(source: SourceCommit, targets: readonly string[], removedTargets: readonly string[]): string {
  return [
    `Render ${source.commit.slice(0, 12)}${source.dirty.length > 0 ? ' with uncommitted changes' : ''}`,
    '',
    `Source-Commit: ${source.commit}`,
    ...(source.dirty.length > 0 ? [`Source-Dirty: ${source.dirty.length} uncommitted change(s)`] : []),
    `Targets: ${targets.join(', ')}`,
    ...(removedTargets.length > 0 ? [`Removed-Targets: ${removedTargets.join(', ')}`] : []),
    '',
  ].join('\n');
}

/** The repository's configured identity, or a fixed one for machines (CI) that have none. */
function committerIdentity(repoDir: string): Record<string, string> {
  const configured = (key: string) => {
    try {
      return git(repoDir, ['config', key]) || undefined;
    } catch {
      return undefined;
    }
  };
  const name = process.env.GIT_AUTHOR_NAME ?? configured('user.name') ?? 'npm run render';
  const email = process.env.GIT_AUTHOR_EMAIL ?? configured('user.email') ?? 'render@localhost';
  return {
    GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? name, GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? email,
  };
}
