import { Yaml } from 'cdk8s';

/**
 * `Yaml.stringify(manifest)` of cdk8s (the `yaml` library, YAML 1.1, no line folding), byte for byte, about
 * three times faster: the block structure and the scalars that need no quoting (names, labels, images, numbers)
 * are written directly; every other scalar (quoting, block literals) is written by the library itself, one
 * scalar at a time, and re-indented. Anything else the library treats specially (an object used twice, which it
 * writes as an anchor and alias; undefined in a list; non-JSON values) makes the whole document go through it.
 */
export function stringifyManifest(manifest: object): string {
  try {
    if (!isPlainObject(manifest) || Object.keys(manifest).length === 0) throw DELEGATE;
    const out: string[] = [];
    writeMap(manifest, 0, false, out, new Set());
    return out.join('');
  } catch (error) {
    if (error === DELEGATE) return Yaml.stringify(manifest);
    throw error;
  }
}

/** Thrown inside the writer when the library must write the whole document. */
const DELEGATE = new Error('delegate to the yaml library');

/**
 * A scalar written plain, unquoted: starts with a letter, only URL-ish characters, and is not something YAML 1.1
 * reads as another type: a bool or null word, or a float with only an exponent (`e9`).
 */
const PLAIN = /^[A-Za-z][A-Za-z0-9._/-]*$/;
const RESERVED = /^(?:y|n|yes|no|true|false|on|off|null|e[0-9]+)$/i;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isPlainString(value: string): boolean {
  return PLAIN.test(value) && !RESERVED.test(value);
}

function spaces(count: number): string {
  return ' '.repeat(count);
}

/** Marks a collection as written; the library writes a second occurrence as an alias, so delegate then. */
function visit(value: object, seen: Set<object>): void {
  if (seen.has(value)) throw DELEGATE;
  seen.add(value);
}

/**
 * Writes a mapping whose keys start at column `indent`. With `inline`, the caller has already written the
 * indentation and `- ` of a list item, so the first key goes on that line.
 */
function writeMap(map: Record<string, unknown>, indent: number, inline: boolean, out: string[], seen: Set<object>): void {
  visit(map, seen);
  let first = true;
  for (const key of Object.keys(map)) {
    if (!(first && inline)) out.push(spaces(indent));
    first = false;
    out.push(isPlainString(key) ? key : libraryKey(key), ':');
    const value = map[key];
    if (value === null || value === undefined) {
      out.push(' null\n');
    } else if (Array.isArray(value)) {
      if (value.length === 0) {
        out.push(' []\n');
      } else {
        out.push('\n');
        writeList(value, indent + 2, false, out, seen);
      }
    } else if (isPlainObject(value)) {
      if (Object.keys(value).length === 0) {
        out.push(' {}\n');
      } else {
        out.push('\n');
        writeMap(value, indent + 2, false, out, seen);
      }
    } else {
      out.push(' ', scalar(value, indent, 'map'), '\n');
    }
  }
}

/** Writes a list whose dashes start at column `indent` (`inline`: the first item continues the caller's line). */
function writeList(list: readonly unknown[], indent: number, inline: boolean, out: string[], seen: Set<object>): void {
  visit(list, seen);
  list.forEach((item, position) => {
    out.push(position === 0 && inline ? '-' : `${spaces(indent)}-`);
    if (item === undefined) throw DELEGATE;
    if (item === null) {
      out.push(' null\n');
    } else if (Array.isArray(item)) {
      if (item.length === 0) {
        out.push(' []\n');
      } else {
        out.push(' ');
        writeList(item, indent + 2, true, out, seen);
      }
    } else if (isPlainObject(item)) {
      if (Object.keys(item).length === 0) {
        out.push(' {}\n');
      } else {
        out.push(' ');
        writeMap(item, indent + 2, true, out, seen);
      }
    } else {
      out.push(' ', scalar(item, indent, 'list'), '\n');
    }
  });
}

/** A scalar value as the library writes it in a mapping value or list item at column `indent`, without the newline. */
function scalar(value: unknown, indent: number, context: 'map' | 'list'): string {
  if (typeof value === 'string' && isPlainString(value)) return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  if (typeof value !== 'string' && typeof value !== 'number') throw DELEGATE;
  const lines = libraryScalar(value, context);
  if (lines.length === 1) return lines[0];
  return lines.map((line, i) => (i === 0 || line === '' ? line : spaces(indent) + line)).join('\n');
}

/** Scalars the library wrote, by context and value: the same few (sync waves, CIDRs, flags) recur in every target. */
const libraryScalars = { map: new Map<string | number, string[]>(), list: new Map<string | number, string[]>() };

/** The library's own rendering of a scalar at column 0, as lines (block literals span several). */
function libraryScalar(value: string | number, context: 'map' | 'list'): string[] {
  const cache = libraryScalars[context];
  const cached = cache.get(value);
  if (cached) return cached;
  const written = context === 'map' ? Yaml.stringify({ x: value }) : Yaml.stringify([value]);
  const prefix = context === 'map' ? 'x: ' : '- ';
  if (!written.startsWith(prefix) || !written.endsWith('\n')) throw DELEGATE;
  const lines = written.slice(prefix.length, -1).split('\n');
  if (cache.size < 10_000) cache.set(value, lines);
  return lines;
}

/** A key the library quotes (or otherwise writes specially), as it writes it; one line or delegate. */
function libraryKey(key: string): string {
  const written = Yaml.stringify({ [key]: 0 });
  if (!written.endsWith(': 0\n') || written.indexOf('\n') !== written.length - 1) throw DELEGATE;
  return written.slice(0, -': 0\n'.length);
}
