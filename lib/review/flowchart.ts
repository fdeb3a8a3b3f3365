/**
 * A Mermaid flowchart whose nodes name the objects they stand for (`%% node <id> = <Kind ns/name>` comments,
 * which Mermaid ignores), so that a test can check every edge against the manifests. Deterministic ids.
 */
export class Flowchart {
  private readonly ids = new Map<string, string>();
  private readonly nodes: string[] = [];
  private readonly edges: string[] = [];
  private readonly edgeKeys = new Set<string>();
  private readonly classes = new Map<string, string[]>();

  constructor(private readonly direction: 'LR' | 'TB') {}

  /** Declares a node once; `object` is what it stands for (`Kind namespace/name`, or a client class such as `anyone`). */
  public node(key: string, text: string, shape: 'box' | 'round' | 'stadium', object: string, cssClass?: string): string {
    const existing = this.ids.get(key);
    if (existing) return existing;
    const id = `n${this.ids.size}`;
    this.ids.set(key, id);
    const [open, close] = shape === 'box' ? ['[', ']'] : shape === 'round' ? ['(', ')'] : ['([', '])'];
    this.nodes.push(`  %% node ${id} = ${object}`, `  ${id}${open}${label(text)}${close}`);
    if (cssClass) this.classes.set(cssClass, [...(this.classes.get(cssClass) ?? []), id]);
    return id;
  }

  /** An edge, once per (from, to): `dotted` for audit-only, `denied` ends in a cross. */
  public edge(from: string, to: string, style: 'solid' | 'dotted' | 'denied', text?: string): void {
    const key = `${from} ${to}`;
    if (this.edgeKeys.has(key)) return;
    this.edgeKeys.add(key);
    const arrow = style === 'solid' ? '-->' : style === 'dotted' ? '-.->' : '--x';
    this.edges.push(`  ${from} ${arrow}${text ? `|${label(text)}|` : ''} ${to}`);
  }

  public get isEmpty(): boolean {
    return this.edges.length === 0;
  }

  public lines(): string[] {
    const classDefs = [...this.classes.keys()].sort().map((c) => `  classDef ${c} ${CLASS_STYLES[c] ?? ''}`);
    const classUses = [...this.classes.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, ids]) => `  class ${ids.join(',')} ${c}`);
    return [`flowchart ${this.direction}`, ...this.nodes, ...this.edges, ...classDefs, ...classUses];
  }
}

const CLASS_STYLES: Record<string, string> = {
  denied: 'stroke:#d73a49,stroke-width:2px,stroke-dasharray:4 3',
  audit: 'stroke:#b08800,stroke-width:2px,stroke-dasharray:4 3',
};

/** A quoted Mermaid label without Markdown marks (a wildcard identity keeps its `*`). */
export function label(text: string): string {
  return `"${text.replace(/`/g, '').replace(/\*\*/g, '').replace(/"/g, '#quot;')}"`;
}
