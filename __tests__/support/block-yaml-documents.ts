/**
 * Generated YAML documents for comparing the block reader (lib/validation/load/block-reading.ts) with js-yaml: block
 * mappings and sequences in every nesting style the reader takes, tricky scalars plain and quoted, literal and folded
 * blocks, and mutations that put a document just outside the reader's subset (or make it invalid) so that both the
 * fast way and the fallback are exercised. Deterministic: the same seed gives the same documents.
 */

/** A deterministic pseudo-random sequence in [0, 1) (Park and Miller's), so that a failure can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = 1 + (seed % 2147483646);
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/** Scalars whose reading differs between YAML 1.1, YAML 1.2, quoting and js-yaml's plain-scalar rules. */
export const TRICKY_SCALARS: readonly string[] = [
  'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'Yes', 'NO', 'On', 'OFF', 'true', 'True', 'TRUE', 'false', 'False',
  '~', 'null', 'Null', 'NULL', 'nULL', '0x1F', '0X1f', '0o17', '017', '08', '0b101', '1_000', '1__0', '_1', '+1', '-1', '-0', '+0',
  '0', '00', '1e3', '1E-3', '.5', '+.5', '-.5', '1.', '1.5', '-1.5e-3', '1_0.5', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.Nan',
  '12:30', '1:20:30', '-1:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5',
  '123456789012345', '1234567890123456', '9007199254740993', '9223372036854775807', '9223372036854775808',
  '18446744073709551615', '18446744073709551616', '-9223372036854775808', '-9223372036854775809', '0x8000000000000000',
  '1e400', '-1e400', '4.9e-325', '<<', '=', 'a: b', 'a:b', 'a #b', 'a#b', '#x', 'x:', 'x::', ':x', '::', 'a : b',
  "it's", 'say "hi"', "''", '""', 'ü', '日本語', '😀 emoji', '\u2028', '\u0085', '\u00a0nbsp', '', ' ', ' x', 'x ', 'a  b',
  '-', '- x', '--x', '-x', '?x', '? x', '?', '[x]', '{x}', '[]', '{}', 'a,b', 'x[0]', 'x{y}', '@x', '`x', '%x', '!x',
  '&x', '*x', '|', '>', '|-', 'http://example.com/a?b=c#d', '0.0.0.0', '1.2.3', '\\n', 'back\\slash', 'tab\there',
  'cr\rhere', 'line\nbreak', 'ctl\u0001', 'del\u007f', '\ufeffbom', 'lone\ud800surrogate', '...', '---', '--- x', 'x---',
];

export const TRICKY_KEYS: readonly string[] = [
  'a', 'b', 'name', 'apiVersion', 'kind', 'a b', 'a.b', 'x/y', 'app.kubernetes.io/name', '1', '01', '0x1', 'true',
  'yes', 'y', 'n', 'null', '~', '', '<<', '__proto__', 'constructor', 'toString', 'k:v', 'k: v', 'k#', 'k #c', '-k', '?k',
  ':k', '.dockerconfigjson', '[object Object]', 'ü', 'k ', ' k', '1.5', '-0', '2001-12-14', 'key with "quotes"', "it's",
];

/** A node of a generated document: the shape, not yet the text. */
type GeneratedNode =
  | { kind: 'mapping'; entries: { key: string; value: GeneratedNode }[] }
  | { kind: 'sequence'; items: GeneratedNode[] }
  | { kind: 'scalar'; text: string }
  | { kind: 'empty' }
  | { kind: 'flow'; text: string }
  | { kind: 'block'; header: string; lines: string[] };

const BLOCK_HEADERS = ['|', '|', '|-', '|-', '|+', '>', '>-', '|2', '|-1', '| # c', '|x', '|  '];
const FLOW_TEXTS = ['{}', '[]', '{ }', '[ ]', '[a, b]', '{a: 1}', '[]x', '{} # c', '[] #c', '{}#c', '[[]]'];

/** Whether a scalar written plain reads as itself or a YAML 1.1 value (no indicator first, no ": " or " #", no control character). */
function plainIsSafe(text: string): boolean {
  if (!/^(?:[^\s,[\]{}#&*!|>'"%@`?:-]|[?:-][^\s])/.test(text) || /: | #|:$|\s$|^(?:---|\.\.\.)/.test(text)) return false;
  return !/[\t\r\n\u0000-\u001f\u007f-\u009f\u2028\ufeff\ud800-\udfff]/.test(text);
}

export class DocumentGenerator {
  /** When set, scalars and keys that would not read plain are quoted, so most documents are valid block YAML. */
  private tame = false;

  constructor(private readonly next: () => number) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  private chance(p: number): boolean {
    return this.next() < p;
  }

  /** A document's text; `weird` is the chance of each mutation that may take it outside the subset. */
  document(weird: number, tame = false): string {
    this.tame = tame;
    const root = this.next() < 0.85 ? this.mapping(0) : this.sequence(0);
    let lines = this.render(root, 0);
    lines = this.mutate(lines, weird);
    let text = lines.join('\n');
    if (this.chance(0.9)) text += '\n';
    if (this.chance(0.1 + weird * 0.3)) text = text.replace(/\n/g, '\r\n');
    if (this.chance(weird * 0.05)) text = `\ufeff${text}`;
    if (this.chance(weird * 0.05)) text = text.replace('\n', '\r');
    return text;
  }

  private node(depth: number): GeneratedNode {
    const r = this.next();
    if (depth < 5 && r < 0.22) return this.mapping(depth + 1);
    if (depth < 5 && r < 0.36) return this.sequence(depth + 1);
    if (r < 0.42) return { kind: 'empty' };
    if (r < 0.46) return { kind: 'flow', text: this.chance(0.7) ? this.pick(FLOW_TEXTS.slice(0, 2)) : this.pick(FLOW_TEXTS) };
    if (r < 0.52) return this.block();
    return { kind: 'scalar', text: this.scalar(this.chance(0.7) ? this.pick(TRICKY_SCALARS) : this.word()) };
  }

  private word(): string {
    const words = ['web', 'api', 'nginx:1.25', 'default', '80', 'http', 'linkerd.io/inject', 'enabled', '1Gi', '500m', 'v1'];
    return this.pick(words) + (this.chance(0.3) ? `-${Math.floor(this.next() * 100)}` : '');
  }

  private mapping(depth: number): GeneratedNode {
    const count = 1 + Math.floor(this.next() * 4);
    const entries = Array.from({ length: count }, () => ({
      key: this.key(),
      value: this.node(depth),
    }));
    return { kind: 'mapping', entries };
  }

  private sequence(depth: number): GeneratedNode {
    const count = 1 + Math.floor(this.next() * 4);
    return { kind: 'sequence', items: Array.from({ length: count }, () => this.node(depth)) };
  }

  private block(): GeneratedNode {
    const count = 1 + Math.floor(this.next() * 4);
    const pieces = ['line', 'sum(rate(x{a="b"}[1m]))', '', '', '  more indented', '# not a comment', 'a: b', '- x', '   '];
    const lines = Array.from({ length: count }, () => this.pick(pieces));
    if (this.chance(0.3)) lines.push('');
    return { kind: 'block', header: this.chance(0.8) ? this.pick(BLOCK_HEADERS.slice(0, 4)) : this.pick(BLOCK_HEADERS), lines };
  }

  private key(): string {
    if (this.chance(0.6)) return this.scalar(this.word().replace(/[:/.]/g, '') || 'k');
    const key = this.pick(TRICKY_KEYS);
    return this.tame ? `'${key.replace(/'/g, "''")}'` : this.scalar(key);
  }

  /** The text as a plain, single- or double-quoted scalar. */
  private scalar(text: string): string {
    const r = this.tame && !plainIsSafe(text) ? 0.7 : this.next();
    if (r < 0.6) return text;
    if (r < 0.8) return `'${text.replace(/'/g, "''")}'`;
    let escaped = text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    if (this.chance(0.2)) escaped += this.pick(['\\n', '\\t', '\\/', '\\x41', '\\u00e9', '\\ ', '\\0', '\\e', '\\N', '\\_', '\\q']);
    return `"${escaped}"`;
  }

  /** The node's lines, indented by `indent`; the first line's text is what follows "key:" or "-" (see inlineLines). */
  private render(node: GeneratedNode, indent: number): string[] {
    const pad = ' '.repeat(indent);
    if (node.kind === 'mapping') {
      return node.entries.flatMap(({ key, value }) => {
        const [head, ...rest] = this.valueLines(value, indent, true);
        return [`${pad}${key}:${head}`, ...rest];
      });
    }
    if (node.kind === 'sequence') {
      return node.items.flatMap((item) => {
        if (item.kind === 'mapping' && this.chance(0.7)) {
          // A compact mapping: "- key: value", its other keys under the first.
          const gap = ' '.repeat(this.chance(0.85) ? 1 : 1 + Math.floor(this.next() * 3));
          const lines = this.render(item, indent + 1 + gap.length);
          return [`${pad}-${gap}${lines[0].trimStart()}`, ...lines.slice(1)];
        }
        if (item.kind === 'sequence' && this.chance(0.2)) {
          const lines = this.render(item, indent + 2);
          return [`${pad}- ${lines[0].trimStart()}`, ...lines.slice(1)];
        }
        const [head, ...rest] = this.valueLines(item, indent, false);
        return [`${pad}-${head}`, ...rest];
      });
    }
    return [`${pad}${this.valueLines(node, indent, false)[0].trimStart()}`];
  }

  /** A value after "key:" or "-": its first line's remainder (with its leading space) and the lines below. */
  private valueLines(node: GeneratedNode, indent: number, ofMapping: boolean): string[] {
    const comment = this.chance(0.05) ? this.pick([' # c', '  #c', ' #', '#c']) : '';
    switch (node.kind) {
      case 'scalar':
        return [` ${node.text}${comment}${this.chance(0.05) ? '  ' : ''}`];
      case 'empty':
        return [comment];
      case 'flow':
        return [` ${node.text}`];
      case 'block': {
        const step = 1 + Math.floor(this.next() * 3);
        const blank = () => (this.chance(0.5) ? '' : ' '.repeat(Math.floor(this.next() * 6)));
        const lines = node.lines.map((line) => (line === '' ? blank() : ' '.repeat(indent + step) + line));
        return [` ${node.header}`, ...lines];
      }
      default: {
        // A collection on the lines below: indented more, or (a sequence under a key) as much as the key.
        const same = ofMapping && node.kind === 'sequence' && this.chance(0.3);
        const step = same ? 0 : this.chance(0.8) ? 2 : 1 + Math.floor(this.next() * 4);
        return [comment, ...this.render(node, indent + step)];
      }
    }
  }

  /** Comments, blank lines, trailing spaces; with `weird`: tabs, shifted indents, repeated lines, content after the root. */
  private mutate(lines: string[], weird: number): string[] {
    const out: string[] = [];
    for (const line of lines) {
      if (this.chance(0.05)) out.push(' '.repeat(Math.floor(this.next() * 8)) + this.pick(['# comment', '#', '# a: b', '#- x']));
      if (this.chance(0.03)) out.push(this.chance(0.5) ? '' : '   ');
      let changed = line;
      if (this.chance(0.03)) changed += '   ';
      if (this.chance(weird * 0.03)) changed = ` ${changed}`;
      if (this.chance(weird * 0.03) && changed.startsWith(' ')) changed = changed.slice(1);
      if (this.chance(weird * 0.01)) changed = changed.replace(' ', '\t');
      if (this.chance(weird * 0.02)) changed = changed.replace(': ', ': &anchor ');
      if (this.chance(weird * 0.02)) changed = changed.replace(': ', ': !!str ');
      out.push(changed);
      if (this.chance(weird * 0.02)) out.push(changed);
      if (this.chance(weird * 0.01)) out.push(`${changed.replace(/\S.*/, '')}  continued`);
    }
    if (this.chance(weird * 0.05)) out.push(this.pick(['x', 'tail: 1', '- x', '---', '...', '--- a', '  indented: 1', '%YAML 1.1']));
    return out;
  }
}

/** Deeply nested block mappings (each level's key on its own line), `levels` deep. */
export function nestedDocument(levels: number): string {
  return `${Array.from({ length: levels }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n')} leaf\n`;
}
