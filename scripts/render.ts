/**
 * Publishes the render of main.ts to the rendered branch that Argo CD syncs.
 *
 *   npm run render -- [--branch <name>] [--remote <name|url>] [--allow-vanished-targets] [--allow-dirty] [--allow-rollback]
 *
 * Exit codes: 0 published, or nothing to publish (the branch already holds this render);
 * 1 refused (dirty worktree, failed synthesis or validation, empty render, vanished target,
 * rollback: the branch was rendered from code this commit does not contain; another render holding the lock too long);
 * 2 any other failure (not a git repository, push rejected, bad arguments).
 * Never touches the checkout, the index or dist/.
 */
import { RenderRefusedError, git, parseRenderArgs, publishRender } from '../lib/gitops';
import { guardEarlyExit } from '../lib/output';
import { buildApp } from '../main';

function main(): number {
  try {
    const args = parseRenderArgs('render', process.argv.slice(2));
    const result = publishRender({ repoDir: git(process.cwd(), ['rev-parse', '--show-toplevel']), build: buildApp, ...args });
    const where = `${result.branch}${args.remote ? ` (${result.pushed ? 'pushed to' : 'already on'} ${args.remote})` : ''}`;
    console.log(result.status === 'published'
      ? `Published the render of ${result.sourceCommit.slice(0, 12)} to ${where} as ${result.commit.slice(0, 12)}: ${result.targets.join(', ')}`
      : `Nothing to publish: ${where} at ${result.commit.slice(0, 12)} already holds this render`);
    if (result.removedTargets.length > 0) console.log(`Removed target folders: ${result.removedTargets.join(', ')}`);
    if (result.rolledBackFrom) console.log(`Rolled back (--allow-rollback): the branch had been rendered from ${result.rolledBackFrom.slice(0, 12)}`);
    for (const note of result.notes) console.log(`Note: ${note}`);
    return 0;
  } catch (error) {
    console.error(`Refused: ${(error as Error).message}`);
    return error instanceof RenderRefusedError ? 1 : 2;
  }
}

const guard = guardEarlyExit('render', () => 'nothing was published');
process.exitCode = main();
guard.finish();
