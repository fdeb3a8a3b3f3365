import * as path from 'node:path';
import { diffAccess, formatAccessDiff, isEmptyAccessDiff } from '../change-review';
import { AppBuilder, LockBusyError, acquireLock, faultPoint } from '../output';
import { git, readCommitTree, tryRevParse } from './git';
import { RenderRefusedError, RenderValidator, prepareRender } from './prepare-render';
import { readRenderedBranch, targetFoldersOf, writeTree } from './rendered-branch';
import { DEFAULT_RENDERED_BRANCH } from './rendered-branch-applications';
import { rollbackMessage, rollbackOf } from './rollback';

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
  /**
   * Publish even though the branch was last rendered from a commit that the one being rendered does not contain
   * (recorded as `Rolled-Back-From` in the commit message). @default false
   */
  readonly allowRollback?: boolean;
  /** How long to wait for another render of the same repository. @default - $RENDER_LOCK_TIMEOUT_SECONDS, else 60 s */
  readonly lockTimeoutMs?: number;
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
  /** The source commit of the render this one replaced, when it was not an ancestor (only with `allowRollback`). */
  readonly rolledBackFrom?: string;
}

const ZERO_OID = '0000000000000000000000000000000000000000';

/**
 * Publishes the render of `build` to a branch that holds only rendered folders, their
 * review reports and a README: one commit per change, recording the source commit;
 * nothing is committed when the render did not change.
 *
 * Refuses (throws {@link RenderRefusedError}, changing nothing) when the worktree is dirty,
 * synthesis or validation fails, the render is empty, a target folder on the branch would
 * disappear, or the branch was rendered from code this commit does not contain (a rollback).
 * Never touches the user's worktree, index or checked-out branch: the commit is
 * built with git plumbing in a temporary index. Renders of one repository are serialized by a lock
 * in its git directory; the remote is pushed without force and the local branch moved by
 * compare-and-swap, so a concurrent publish elsewhere makes this one fail instead of being overwritten.
 */
export function publishRender(options: PublishRenderOptions): PublishResult {
  const { repoDir } = options;
  const branch = options.branch ?? DEFAULT_RENDERED_BRANCH;
  git(repoDir, ['rev-parse', '--show-toplevel']);
  const source = sourceCommitOf(repoDir, options.allowDirty ?? false);
  assertNotCheckedOut(repoDir, branch);
  let lock;
  try {
    const gitDir = path.resolve(repoDir, git(repoDir, ['rev-parse', '--git-common-dir']));
    lock = acquireLock(path.join(gitDir, 'lpd-render.lock'), { what: `the rendered branch of ${repoDir}`, timeoutMs: options.lockTimeoutMs });
  } catch (error) {
    if (error instanceof LockBusyError) throw new RenderRefusedError(`${error.message}; nothing was published`);
    throw nothingPublished(error);
  }
  try {
    return publishLocked(options, branch, source);
  } finally {
    lock.release();
  }
}

function publishLocked(options: PublishRenderOptions, branch: string, source: SourceCommit): PublishResult {
  const { repoDir, remote } = options;
  let committed: CommittedRender;
  try {
    committed = commitRender(options, branch, source);
  } catch (error) {
    throw nothingPublished(error);
  }
  const { state, render, removedTargets, commit, status, rolledBackFrom } = committed;
  const notes: string[] = [];
  let pushed = false;
  if (remote !== undefined && state.remoteTip !== commit) {
    try {
      git(repoDir, ['push', '--quiet', '--no-verify', remote, `${commit}:refs/heads/${branch}`]);
    } catch (error) {
      throw nothingPublished(error);
    }
    pushed = true;
  }
  if (state.localTip !== commit) {
    if (state.localTip === undefined || isAncestor(repoDir, state.localTip, commit!)) {
      moveLocalBranch(repoDir, branch, commit!, state.localTip, `render: ${status} from ${source.commit}`, pushed, notes);
    } else {
      notes.push(`local branch ${branch} has diverged from ${remote}/${branch} and was left at ${state.localTip.slice(0, 12)}`);
    }
  }
  return { status, branch, commit: commit!, sourceCommit: source.commit, targets: render.targets, removedTargets, pushed, notes, rolledBackFrom };
}

/** The render committed (not yet on any branch), with what the branch held before. */
interface CommittedRender {
  readonly state: ReturnType<typeof readRenderedBranch>;
  readonly render: ReturnType<typeof prepareRender>;
  readonly removedTargets: string[];
  readonly commit: string | undefined;
  readonly status: PublishResult['status'];
  readonly rolledBackFrom: string | undefined;
}

/** Renders, checks and commits (plumbing only: no ref moves); throws when the render must not be published. */
function commitRender(options: PublishRenderOptions, branch: string, source: SourceCommit): CommittedRender {
  const { repoDir, remote } = options;
  const state = readRenderedBranch(repoDir, branch, remote);
  const render = prepareRender(options.build, options.validate, { branch, remoteUrl: state.remoteUrl });

  const removedTargets = targetFoldersOf(repoDir, state.base).filter((t) => !render.targets.includes(t));
  if (removedTargets.length > 0 && !options.allowVanishedTargets) {
    throw new RenderRefusedError(`target folder(s) ${removedTargets.join(', ')} on branch ${branch} would disappear, and Argo CD `
      + 'would prune everything they deployed; if that is intended, publish with --allow-vanished-targets');
  }

  const tree = writeTree(repoDir, render.files);
  let commit = state.base;
  let status: PublishResult['status'] = 'unchanged';
  let rolledBackFrom: string | undefined;
  if (state.base === undefined || git(repoDir, ['rev-parse', `${state.base}^{tree}`]) !== tree) {
    const rollback = rollbackOf(repoDir, state.base, source.commit);
    if (rollback !== undefined && !options.allowRollback) throw new RenderRefusedError(rollbackMessage(rollback, branch));
    rolledBackFrom = rollback?.renderedSource;
    commit = git(repoDir, ['commit-tree', tree, ...(state.base ? ['-p', state.base] : [])], {
      input: commitMessage(source, render.targets, removedTargets, rolledBackFrom, accessSummary(repoDir, state.base, render.files)),
      env: committerIdentity(repoDir),
    });
    status = 'published';
    faultPoint('render-committed');
  }
  return { state, render, removedTargets, commit, status, rolledBackFrom };
}

/**
 * Moves the local branch from `expected` to `commit` only if it is still at `expected` (update-ref compare-and-swap):
 * a branch moved by someone else meanwhile is never overwritten.
 */
function moveLocalBranch(
  repoDir: string, branch: string, commit: string, expected: string | undefined, reason: string, pushed: boolean, notes: string[],
): void {
  try {
    git(repoDir, ['update-ref', '-m', reason, `refs/heads/${branch}`, commit, expected ?? ZERO_OID]);
  } catch (error) {
    const now = tryRevParse(repoDir, `refs/heads/${branch}`)?.slice(0, 12) ?? 'nothing';
    const moved = `local branch ${branch} moved while this render was made (expected ${expected?.slice(0, 12) ?? 'no branch'}, found ${now})`;
    if (!pushed) throw new RenderRefusedError(`${moved}; nothing was published: run the render again (${(error as Error).message})`);
    notes.push(`${moved}, so it was left there; the remote has ${commit.slice(0, 12)}`);
  }
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

/** The access and traffic section of `npm run diff`, for the commit message body; none when nothing changed for access or traffic. */
function accessSummary(repoDir: string, base: string | undefined, files: ReadonlyMap<string, string>): readonly string[] {
  const diff = diffAccess(readCommitTree(repoDir, base), files);
  return isEmptyAccessDiff(diff) ? [] : [...formatAccessDiff(diff), ''];
}

function commitMessage(
  source: SourceCommit, targets: readonly string[], removedTargets: readonly string[], rolledBackFrom: string | undefined, body: readonly string[],
): string {
  return [
    `Render ${source.commit.slice(0, 12)}${source.dirty.length > 0 ? ' with uncommitted changes' : ''}`,
    '',
    ...body,
    `Source-Commit: ${source.commit}`,
    ...(source.dirty.length > 0 ? [`Source-Dirty: ${source.dirty.length} uncommitted change(s)`] : []),
    `Targets: ${targets.join(', ')}`,
    ...(removedTargets.length > 0 ? [`Removed-Targets: ${removedTargets.join(', ')}`] : []),
    ...(rolledBackFrom !== undefined ? [`Rolled-Back-From: ${rolledBackFrom}`] : []),
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

/** An error before anything reached a branch, saying so (a refusal already does). */
function nothingPublished(error: unknown): Error {
  if (error instanceof RenderRefusedError) return error;
  return new Error(`${error instanceof Error ? error.message : String(error)}; nothing was published`, { cause: error });
}
