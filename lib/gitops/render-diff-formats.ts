import { formatAccessDiffMarkdown } from '../change-review';
import { RenderDiffFormat } from './cli-args';
import { formatRenderDiff, RenderDiff } from './diff-render';

/** Exit code of `npm run diff -- --fail-on-widened-access` when the change widens access (documented in README). */
export const WIDENED_ACCESS_EXIT_CODE = 4;

/**
 * A render diff as Markdown for a pull-request comment: the access and traffic section first (what a reviewer must
 * not miss), then the object list, folded.
 */
export function formatRenderDiffMarkdown(diff: RenderDiff): string {
  const where = `\`${diff.branch}\`${diff.base ? ` at \`${diff.base.slice(0, 12)}\`` : ' (does not exist yet)'}`;
  if (!diff.hasChanges) return `## Render diff\n\nRendered branch ${where}: no changes.\n`;
  const text = formatRenderDiff({ ...diff, access: { access: [], enforcement: [], traffic: [], widened: false } });
  return [
    '## Render diff', '', `Rendered branch ${where}.`, '', formatAccessDiffMarkdown(diff.access),
    `<details><summary>${diff.objects.length} object(s) and ${diff.files.length} other file(s) differ</summary>`, '',
    '```text', text, '```', '', '</details>', '',
  ].join('\n');
}

/** The exit code of `npm run diff`: 0 no changes, 1 changes, 4 widened access when the caller gates on it. */
export function diffExitCode(diff: RenderDiff, failOnWidenedAccess: boolean): number {
  if (failOnWidenedAccess && diff.access.widened) return WIDENED_ACCESS_EXIT_CODE;
  return diff.hasChanges ? 1 : 0;
}

/** The diff as `npm run diff` prints it in `format`. */
export function formatRenderDiffAs(diff: RenderDiff, format: RenderDiffFormat): string {
  if (format === 'json') return JSON.stringify(diff, null, 2);
  if (format === 'markdown') return formatRenderDiffMarkdown(diff);
  return formatRenderDiff(diff);
}
