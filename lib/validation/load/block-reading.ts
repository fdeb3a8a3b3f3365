/**
 * A fast reader for the block-style YAML that kubectl and this project's synthesis write: space-indented block
 * mappings and sequences (compact `- key: v` too), one-line plain and quoted scalars, `{}` and `[]`, `|` and `|-`
 * literal blocks, comments. It builds the very tree js-yaml's `load` with KUBECTL_SCHEMA builds (plain scalars go
 * through the schema's own implicit types, so the same boxed Yaml11Scalar, GoFloat and GoBigInt come out), and
 * readKubectlDocument runs the same JSON conversion on it. On anything else, and on anything js-yaml would reject,
 * it returns undefined and the caller reads the text with js-yaml: anchors, aliases, tags, merge keys, flow
 * collections but empty ones, folded and kept blocks, multi-line scalars, tabs, `?` keys, directives, duplicate
 * keys, keys that are not plain strings, non-printable characters, a lone CR. The rules it follows are js-yaml
 * 4.1's (loader.js: readBlockMapping, readBlockSequence, readPlainScalar, readBlockScalar); each is cited below.
 */
import { KUBECTL_SCHEMA, resolvePlain } from './kubectl-schema';

interface ImplicitType {
  resolve(data: string): boolean;
  construct(data: string): unknown;
}

/** The schema's implicit types in the order js-yaml's composeNode tries them for an untagged plain scalar. */
const IMPLICIT_TYPES = (KUBECTL_SCHEMA as unknown as { compiledImplicit?: ImplicitType[] }).compiledImplicit;

/**
 * Characters this reader leaves to js-yaml: the fast test passes printable ASCII, LF and CR only; text that fails it
 * is read here only if it has none of js-yaml's non-printable characters (its PATTERN_NON_PRINTABLE, which it
 * applies to scalars), no tab (indentation rules) and no byte order mark (js-yaml drops only a leading one).
 */
const NOT_PRINTABLE_ASCII = /[^\n\r\x20-\x7e]/;
const LEFT_TO_JS_YAML = /[\x00-\x09\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;
/** js-yaml reads a CR alone as a line break; the lines here are split at LF (a CR before it is dropped). */
const LONE_CR = /\r(?!\n)/;

/** Nesting beyond this is left to js-yaml (and the conversion's own depth limit). */
const MAX_BLOCK_DEPTH = 200;

const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const SINGLE = 0x27;
const DOUBLE = 0x22;
const BACKSLASH = 0x5c;

/** Thrown inside the reader to give up; caught by readBlockDocument. */
const OUTSIDE_SUBSET = Symbol('outside the block subset');

/**
 * The tree js-yaml would build for `text` (a mapping or a sequence), or undefined when the text is outside the subset
 * read here; then the caller reads it with js-yaml, which also reports every error.
 */
export function readBlockDocument(text: string): object | undefined {
  if (IMPLICIT_TYPES === undefined) return undefined;
  if (NOT_PRINTABLE_ASCII.test(text) && LEFT_TO_JS_YAML.test(text)) return undefined;
  let lines = text.split('\n');
  if (text.includes('\r')) {
    if (LONE_CR.test(text)) return undefined;
    lines = lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }
  try {
    return new BlockReader(lines).document();
  } catch (error) {
    if (error === OUTSIDE_SUBSET) return undefined;
    throw error;
  }
}

function outside(): never {
  throw OUTSIDE_SUBSET;
}

/** A sequence entry's "-" at `column`: followed by a space or the line's end (readBlockSequence). */
function isEntry(line: string, column: number): boolean {
  if (line.charCodeAt(column) !== DASH) return false;
  return column + 1 === line.length || line.charCodeAt(column + 1) === SPACE;
}

/**
 * Whether a plain scalar may start at `column` (readPlainScalar's first-character rule, block context): not an
 * indicator, and "-", "?" only before something other than a space.
 */
function plainMayStart(line: string, column: number): boolean {
  switch (line.charCodeAt(column)) {
    case 0x2c: case 0x5b: case 0x5d: case 0x7b: case 0x7d: // , [ ] { }
    case HASH: case 0x26: case 0x2a: case 0x21: case 0x7c: case 0x3e: // # & * ! | >
    case SINGLE: case DOUBLE: case 0x25: case 0x40: case 0x60: // ' " % @ `
      return false;
    case DASH: case 0x3f: // - ?
      return column + 1 < line.length && line.charCodeAt(column + 1) !== SPACE;
    default:
      return true;
  }
}

/**
 * The ":" that ends a plain key starting at `column` (the first ":" before a space or the line's end), or -1 when a
 * comment (" #") comes first or there is none: then the line holds a plain scalar, not a key.
 */
function plainKeyColon(line: string, column: number): number {
  let colon = line.indexOf(':', column);
  while (colon !== -1 && colon + 1 < line.length && line.charCodeAt(colon + 1) !== SPACE) colon = line.indexOf(':', colon + 1);
  if (colon === -1) return -1;
  const comment = line.indexOf(' #', column);
  return comment !== -1 && comment < colon ? -1 : colon;
}

/** Whether a plain key is read as the string it is: not null, boolean, number or "<<" (those stringify otherwise). */
function isStringKey(key: string): boolean {
  return key !== '<<' && resolvePlain(key).kind === 'str';
}

/** Whether only spaces, then the line's end or a comment, follow `from`; the comment needs a space before it. */
function restIsBlank(line: string, from: number): boolean {
  let i = from;
  while (line.charCodeAt(i) === SPACE) i++;
  return i === line.length || (i > from && line.charCodeAt(i) === HASH);
}

/** js-yaml's single-character escapes of double-quoted scalars (simpleEscapeSequence, tab aside: tabs are left to it). */
const ESCAPES = new Map<number, string>([
  [0x30, '\x00'], [0x61, '\x07'], [0x62, '\x08'], [0x74, '\x09'], [0x6e, '\x0A'], [0x76, '\x0B'], [0x66, '\x0C'],
  [0x72, '\x0D'], [0x65, '\x1B'], [SPACE, ' '], [DOUBLE, '"'], [0x2f, '/'], [BACKSLASH, '\\'], [0x4e, '\x85'],
  [0x5f, '\xA0'], [0x4c, '\u2028'], [0x50, '\u2029'],
]);

/** A quoted scalar that ends on its line. */
interface Quoted {
  readonly value: string;
  /** Index after the closing quote. */
  readonly end: number;
}

/** The single- or double-quoted scalar opening at `column`; outside the subset if it does not end on the line. */
function quoted(line: string, column: number): Quoted {
  const quote = line.charCodeAt(column);
  let value = '';
  let from = column + 1;
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (quote === SINGLE) {
      if (c !== SINGLE) continue;
      value += line.slice(from, i);
      if (line.charCodeAt(i + 1) !== SINGLE) return { value, end: i + 1 };
      value += "'"; // '' is a quote
      from = ++i + 1;
    } else if (c === DOUBLE) {
      return { value: value + line.slice(from, i), end: i + 1 };
    } else if (c === BACKSLASH) {
      const escaped = ESCAPES.get(line.charCodeAt(i + 1));
      if (escaped === undefined) outside(); // \x, \u, \U, a line break, or an unknown escape
      value += line.slice(from, i) + escaped;
      from = ++i + 1;
    }
  }
  return outside();
}

/**
 * A plain scalar's node, as composeNode makes it: the first of the schema's implicit types that resolves the text
 * constructs it, else it stays a string. A text that resolvePlain reads as a string is one for every implicit type
 * but the merge key's, which takes "<<" only: that shortcut skips the five calls for most scalars.
 */
function plainNode(text: string): unknown {
  if (text !== '<<' && resolvePlain(text).kind === 'str') return text;
  for (const type of IMPLICIT_TYPES!) if (type.resolve(text)) return type.construct(text);
  return text;
}

class BlockReader {
  /** The line being read. */
  private at = 0;
  private depth = 0;

  constructor(private readonly lines: readonly string[]) {}

  /** The root: a mapping or a sequence at column 0, and nothing but blanks and comments after it. */
  document(): object {
    if (this.nextContent() !== 0) outside(); // an empty document, or an indented root
    const root = isEntry(this.lines[this.at], 0) ? this.sequence(0) : this.mapping(0);
    if (this.nextContent() !== -1) outside();
    return root;
  }

  /** Moves to the next line with content (skipping blank and comment lines, as skipSeparationSpace does); its indent, or -1 at the end. */
  private nextContent(): number {
    const lines = this.lines;
    for (; this.at < lines.length; this.at++) {
      const line = lines[this.at];
      let i = 0;
      while (line.charCodeAt(i) === SPACE) i++;
      if (i < line.length && line.charCodeAt(i) !== HASH) return i;
    }
    return -1;
  }

  private enter(): void {
    if (++this.depth > MAX_BLOCK_DEPTH) outside();
  }

  /**
   * A block mapping whose first key starts at `column` of the current line (its own line, or after "- "); its other
   * keys start lines indented by `column` (readBlockMapping's nodeIndent). Ends before the first line indented less.
   */
  private mapping(column: number): Record<string, unknown> {
    this.enter();
    const result: Record<string, unknown> = {};
    for (;;) {
      this.entry(result, column);
      const indent = this.nextContent();
      if (indent < column) break;
      if (indent > column) outside(); // js-yaml: "bad indentation of a mapping entry"
    }
    this.depth--;
    return result;
  }

  /** One key and its value, the key at `column` of the current line; leaves the reader after the value's lines. */
  private entry(result: Record<string, unknown>, column: number): void {
    const line = this.lines[this.at];
    let key: string;
    let after: number; // after the ":"
    const first = line.charCodeAt(column);
    if (first === SINGLE || first === DOUBLE) {
      const scalar = quoted(line, column);
      if (line.charCodeAt(scalar.end) !== COLON) outside(); // a space before the ":", or no key at all
      key = scalar.value;
      after = scalar.end + 1;
      if (after < line.length && line.charCodeAt(after) !== SPACE) outside(); // js-yaml: "a whitespace character is expected"
    } else {
      // "---" and "..." at a line's start end the document for js-yaml (testDocumentSeparator).
      if (column === 0 && (line.startsWith('---') || line.startsWith('...'))) outside();
      if (!plainMayStart(line, column)) outside();
      const colon = plainKeyColon(line, column);
      if (colon === -1 || line.charCodeAt(colon - 1) === SPACE) outside(); // not a key, or "key :" (left to js-yaml)
      key = line.slice(column, colon);
      if (!isStringKey(key)) outside();
      after = colon + 1;
    }
    // Duplicates: js-yaml reports them (storeMappingPair); "__proto__" it defines as an own property.
    if (key === '__proto__' || Object.prototype.hasOwnProperty.call(result, key)) outside();
    let start = after;
    while (line.charCodeAt(start) === SPACE) start++;
    if (start === line.length || line.charCodeAt(start) === HASH) {
      this.at++;
      result[key] = this.nested(column, true);
    } else {
      result[key] = this.inline(line, start, column);
    }
  }

  /**
   * A block sequence whose entries' "-" stand at `column` (readBlockSequence's nodeIndent). Ends before the first line
   * indented less, or indented as much but not an entry (a key of the mapping this sequence is the value of).
   */
  private sequence(column: number): unknown[] {
    this.enter();
    const result: unknown[] = [];
    for (;;) {
      const line = this.lines[this.at];
      let start = column + 1;
      while (line.charCodeAt(start) === SPACE) start++;
      if (start === line.length || line.charCodeAt(start) === HASH) {
        this.at++;
        const item = this.nested(column, false);
        result.push(item);
        // After an empty entry js-yaml takes the next "-" as this sequence's entry, even when it is indented less
        // (readBlockSequence's `continue` skips the indent check): left to it.
        if (item === null) {
          const indent = this.nextContent();
          if (indent !== -1 && indent < column && isEntry(this.lines[this.at], indent)) outside();
        }
      } else if (isEntry(line, start)) {
        outside(); // "- - x": a compact sequence
      } else if (this.startsKey(line, start)) {
        result.push(this.mapping(start)); // "- key: value": a compact mapping at the key's column
      } else {
        result.push(this.inline(line, start, column));
      }
      const indent = this.nextContent();
      if (indent < column) break;
      if (indent > column) outside(); // js-yaml: "bad indentation of a sequence entry"
      if (!isEntry(this.lines[this.at], column)) break;
    }
    this.depth--;
    return result;
  }

  /** Whether a key (plain or quoted, then ": " or ":" at the end) starts at `column`. */
  private startsKey(line: string, column: number): boolean {
    const first = line.charCodeAt(column);
    if (first === SINGLE || first === DOUBLE) {
      const scalar = quoted(line, column);
      return line.charCodeAt(scalar.end) === COLON;
    }
    return plainMayStart(line, column) && plainKeyColon(line, column) !== -1;
  }

  /**
   * The value of a key or entry that has nothing after it on its line: a block collection on the lines below,
   * indented more than `parentIndent`; a mapping's value may also be a sequence indented as much as its key.
   * Null (js-yaml's empty node) otherwise; a scalar on the lines below is left to js-yaml.
   */
  private nested(parentIndent: number, ofMapping: boolean): unknown {
    const indent = this.nextContent();
    if (indent === -1) return null;
    const line = this.lines[this.at];
    if (indent > parentIndent) return isEntry(line, indent) ? this.sequence(indent) : this.mapping(indent);
    if (indent === parentIndent && ofMapping && isEntry(line, indent)) return this.sequence(indent);
    return null;
  }

  /**
   * A value starting at `start` of the current line, after a key or a "- ": a one-line scalar, `{}`, `[]` or a
   * literal block. `parentIndent` is the mapping's or sequence's; a line below indented more would continue a plain
   * scalar or be an error, which the caller's indent check leaves to js-yaml.
   */
  private inline(line: string, start: number, parentIndent: number): unknown {
    const first = line.charCodeAt(start);
    if (first === SINGLE || first === DOUBLE) {
      const scalar = quoted(line, start);
      if (!restIsBlank(line, scalar.end)) outside();
      this.at++;
      return scalar.value;
    }
    if (first === 0x7b || first === 0x5b) { // { [
      if (line.charCodeAt(start + 1) !== first + 2 || !restIsBlank(line, start + 2)) outside(); // } ]
      this.at++;
      return first === 0x7b ? {} : [];
    }
    if (first === 0x7c) return this.literal(line, start, parentIndent); // |
    if (!plainMayStart(line, start)) outside();
    let end = line.indexOf(' #', start);
    if (end === -1) end = line.length;
    while (line.charCodeAt(end - 1) === SPACE) end--;
    const text = line.slice(start, end);
    // js-yaml ends a plain scalar at ": " or a final ":", and then finds no mapping there: an error.
    if (text.charCodeAt(text.length - 1) === COLON || text.includes(': ')) outside();
    this.at++;
    return plainNode(text);
  }

  /**
   * A literal block scalar (`|` or `|-`) whose header is at `start`, as readBlockScalar reads it: the first content
   * line sets the indent (at least parentIndent + 1); lines blank or of spaces up to it are empty lines; a line
   * indented less ends it. Clip keeps one final line break, strip none. Leading blank lines (which change the indent
   * js-yaml detects), an empty scalar, `|+` and indentation indicators are left to js-yaml.
   */
  private literal(line: string, start: number, parentIndent: number): string {
    let header = start + 1;
    const strip = line.charCodeAt(header) === DASH;
    if (strip) header++;
    if (header < line.length) {
      if (line.charCodeAt(header) !== SPACE || !restIsBlank(line, header)) outside(); // "+", a digit, or text
    }
    const lines = this.lines;
    let indent = -1;
    let value = '';
    let emptyLines = 0;
    let i = this.at + 1;
    for (; i < lines.length; i++) {
      const text = lines[i];
      let spaces = 0;
      while (text.charCodeAt(spaces) === SPACE) spaces++;
      if (indent === -1) {
        if (spaces === text.length || spaces <= parentIndent) outside();
        indent = spaces;
      } else if (spaces === text.length && spaces <= indent) {
        emptyLines++;
        continue;
      } else if (spaces < indent) {
        break;
      } else {
        value += '\n'.repeat(1 + emptyLines);
      }
      emptyLines = 0;
      value += text.slice(indent);
    }
    if (indent === -1) outside(); // no content line before the text's end
    this.at = i;
    return strip ? value : `${value}\n`;
  }
}
