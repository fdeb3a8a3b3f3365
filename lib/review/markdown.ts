import { Flowchart } from './flowchart';

/** A Markdown table, or `None.` when there are no rows; cells escaped so that a `|` in a value does not split them. */
export function table(header: readonly string[], rows: readonly string[][]): string {
  if (rows.length === 0) return 'None.\n';
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`), '',
  ].join('\n');
}

/** A Markdown code span. */
export function code(text: string): string {
  return `\`${text}\``;
}

/** Markdown decoration removed, for diagram labels. */
export function plain(text: string): string {
  // Only Markdown's code and bold marks: a wildcard identity keeps its `*`.
  return text.replace(/`/g, '').replace(/\*\*/g, '');
}

/** A Mermaid block, or a sentence when there is nothing to draw (an empty flowchart renders as a blank box). */
export function mermaid(chart: Flowchart, nothing: string): string[] {
  return chart.isEmpty ? [nothing, ''] : ['```mermaid', ...chart.lines(), '```', ''];
}

/** `name` of `namespace/name`. */
export function shortName(id: string): string {
  return id.slice(id.indexOf('/') + 1);
}
