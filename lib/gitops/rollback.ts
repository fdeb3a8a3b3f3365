import { git } from './git';

/** The rendered branch holds a render of code that the commit being rendered does not contain. */
export interface Rollback {
  /** The rendered branch's commit compared with. */
  readonly branchCommit: string;
  /** Its `Source-Commit` trailer: the code that render came from. */
  readonly renderedSource: string;
  /** The commit being rendered now. */
  readonly source: string;
  /** `not-ancestor`: the rendered source is not in the history of `source`; `unknown`: it is not in this repository at all. */
  readonly reason: 'not-ancestor' | 'unknown';
}

/** The `Source-Commit` trailer of a rendered branch commit; undefined when it has none. */
export function renderedSourceOf(repoDir: string, branchCommit: string): string | undefined {
  const message = git(repoDir, ['log', '-1', '--format=%B', branchCommit]);
  return [...message.matchAll(/^Source-Commit: ([0-9a-f]{40})$/gm)].pop()?.[1];
}

/**
 * Whether publishing a render of `source` over `branchCommit` would roll back: the branch was last rendered from a
 * commit that `source` does not contain (someone rendered newer code, or this checkout is behind). Undefined when it is
 * safe: no branch yet, no trailer, or the rendered source is `source` or one of its ancestors.
 */
export function rollbackOf(repoDir: string, branchCommit: string | undefined, source: string): Rollback | undefined {
  if (branchCommit === undefined) return undefined;
  const renderedSource = renderedSourceOf(repoDir, branchCommit);
  if (renderedSource === undefined || renderedSource === source) return undefined;
  try {
    git(repoDir, ['cat-file', '-e', `${renderedSource}^{commit}`]);
  } catch {
    return { branchCommit, renderedSource, source, reason: 'unknown' };
  }
  try {
    git(repoDir, ['merge-base', '--is-ancestor', renderedSource, source]);
    return undefined;
  } catch {
    return { branchCommit, renderedSource, source, reason: 'not-ancestor' };
  }
}

/** One sentence naming both commits and what to do. */
export function rollbackMessage(rollback: Rollback, branch: string): string {
  const short = (commit: string) => commit.slice(0, 12);
  const why = rollback.reason === 'unknown'
    ? 'which is not in this repository (fetch it, e.g. git fetch origin), so this render cannot be shown to contain it'
    : 'which is not an ancestor of it (someone rendered newer code, or this checkout is behind)';
  return `branch ${branch} at ${short(rollback.branchCommit)} was rendered from ${short(rollback.renderedSource)}, but this render is of `
    + `${short(rollback.source)}, ${why}: publishing would roll back what ${short(rollback.renderedSource)} deployed. `
    + 'Update this checkout (git pull) and render again, or publish with --allow-rollback to roll back on purpose';
}
