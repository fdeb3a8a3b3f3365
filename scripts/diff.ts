/**
 * Shows what `npm run render` would change on the rendered branch: first what it does to access and traffic
 * (from the Linkerd policy evaluator), then per object.
 *
 *   npm run diff -- [--branch <name>] [--remote <name|url>] [--format text|json|markdown] [--fail-on-widened-access]
 *
 * Exit codes (for CI gates): 0 no changes; 1 changes; 2 the render could not be made or
 * would be refused (failed synthesis or validation, empty render) or another failure;
 * 4 (only with --fail-on-widened-access) the change widens access: a client gains access, or a Server goes from deny to audit.
 * A target that would vanish, or a rollback (the branch was rendered from code this commit does not
 * contain), is shown and counts as a change.
 */
import { diffExitCode, diffRender, formatRenderDiffAs, git, parseRenderArgs } from '../lib/gitops';
import { guardEarlyExit } from '../lib/output';
import { buildApp } from '../main';

function main(): number {
  try {
    const args = parseRenderArgs('diff', process.argv.slice(2));
    const repoDir = git(process.cwd(), ['rev-parse', '--show-toplevel']);
    const diff = diffRender({ repoDir, build: buildApp, branch: args.branch, remote: args.remote });
    console.log(formatRenderDiffAs(diff, args.format ?? 'text'));
    return diffExitCode(diff, args.failOnWidenedAccess ?? false);
  } catch (error) {
    console.error(`Cannot diff: ${(error as Error).message}`);
    return 2;
  }
}

const guard = guardEarlyExit('diff', () => 'no diff was made', 2);
process.exitCode = main();
guard.finish();
