/**
 * Splits a YAML file into documents the way kubectl does. A file of up to one chunk (1 MiB) is read and split at once;
 * a larger one is read in chunks, so that memory holds one chunk and one document at a time, never the whole file.
 *
 * kubectl (k8s.io/apimachinery/pkg/util/yaml YAMLReader) cuts the stream at every line that starts with "---" at
 * column 0, before any YAML parsing: inside a block scalar or a quoted string too; anything but spaces or a comment
 * after the "---" is an error ("invalid Yaml document separator"). Each piece then goes to yaml.v2, which stops at
 * a "..." document end marker and ignores what follows in that piece. Pieces with only blanks and comments are skipped.
 */
import { isUtf8 } from 'buffer';
import * as fs from 'fs';

/** One document's text, with where it starts. */
export interface DocumentText {
  readonly kind: 'document';
  /** Index among the documents of the file that have content (blank and comment-only pieces are not counted). */
  readonly index: number;
  /** 1-based line of the document's first line in the file. */
  readonly firstLine: number;
  readonly text: string;
}

/** Something wrong with the stream itself: a document cannot be told apart, or the file is not UTF-8 text. */
export interface StreamProblem {
  readonly kind: 'problem';
  /** The document it belongs to, or undefined for the file as a whole. */
  readonly index?: number;
  /** True when the whole file is unreadable (binary, not UTF-8): nothing read from it counts. */
  readonly wholeFile: boolean;
  readonly message: string;
}

export type StreamItem = DocumentText | StreamProblem;

const CHUNK_BYTES = 1024 * 1024;
const DOCUMENT_END = /^\.\.\.(?:[ \t\r\n]|#|$)/;
const CONTENT = /^[ \t\r]*[^ \t\r\n#]/;
/** What YAML (and kubectl: "control characters are not allowed") refuses anywhere in a stream (NUL in UTF-8 is caught before). */
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * Reads a file as a stream of documents; stops at the first whole-file problem. A file that fits one chunk is read
 * with one read (as readFileSync reads it) and split at once by {@link splitDocumentBytes}; a larger one, one that
 * grew since its size was taken, or one whose size the file system does not tell (0: a pipe, /proc), streams through
 * {@link splitDocuments} chunk by chunk.
 * @param size the file's size if the caller has stat'ed it (saves an fstat); a stale one still reads the file as it is now
 */
export function readDocumentStream(file: string, size?: number): Iterable<StreamItem> {
  const fd = fs.openSync(file, 'r');
  let bytes: Buffer | undefined;
  try {
    const known = size ?? fs.fstatSync(fd).size;
    if (known > 0 && known <= CHUNK_BYTES) bytes = readWhole(fd, known);
  } finally {
    fs.closeSync(fd);
  }
  return bytes === undefined ? streamDocuments(file) : splitDocumentBytes(bytes);
}

/**
 * The file's bytes if it holds `size` or fewer (it may have shrunk), read as readFileSync reads a file of known size:
 * one read, asking one byte more than `size` so that a file that grew is seen (undefined) without a read more.
 */
function readWhole(fd: number, size: number): Buffer | undefined {
  const bytes = Buffer.allocUnsafe(size + 1);
  let filled = 0;
  while (filled < size) {
    const read = fs.readSync(fd, bytes, filled, size + 1 - filled, null);
    if (read === 0) break;
    filled += read;
  }
  return filled > size ? undefined : bytes.subarray(0, filled);
}

function* streamDocuments(file: string): Generator<StreamItem> {
  const fd = fs.openSync(file, 'r');
  try {
    yield* splitDocuments(byteChunks(fd));
  } finally {
    fs.closeSync(fd);
  }
}

/** The file's bytes in chunks of one buffer, sized to the file and reused: the consumer decodes each chunk before the next. */
function* byteChunks(fd: number): Generator<Buffer> {
  const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK_BYTES, fs.fstatSync(fd).size)));
  for (;;) {
    const read = fs.readSync(fd, buffer, 0, buffer.length, null);
    if (read === 0) return;
    yield buffer.subarray(0, read);
  }
}

const DASH = 0x2d;
const DOT = 0x2e;
const PERCENT = 0x25;

/**
 * The split itself, over any sequence of byte chunks (exported for tests). Chunks may be reused after the next one is
 * asked for. Lines are visited by offset in the decoded text: a document's text is one slice of it, not a join of lines.
 */
export function* splitDocuments(chunks: Iterable<Buffer>): Generator<StreamItem> {
  let decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  let pending = '';
  let text = ''; // the decoded text whose lines are being visited
  let lineNumber = 0;
  let parts: string[] = []; // the current document's text before its open segment
  let segmentStart = -1; // the current document's last contiguous run of lines in `text`: [segmentStart, segmentEnd)
  let segmentEnd = -1;
  let documentLine = 1;
  let hasContent = false;
  let ended: number | undefined; // line of a "..." marker in the current document
  let afterEnd: number | undefined; // first line with content after it
  let pieceError: string | undefined; // a problem of the piece being read: its separator line or a directive
  let index = 0;

  // Plain functions filling `ready`, emptied after each line: a generator per line costs more than the parsing.
  const ready: StreamItem[] = [];

  /** Moves the open segment into `parts`, before `text` changes. */
  function closeSegment(): void {
    if (segmentStart !== -1) parts.push(text.slice(segmentStart, segmentEnd));
    segmentStart = -1;
  }

  function finishDocument(): void {
    if (pieceError !== undefined) {
      ready.push({ kind: 'problem', index, wholeFile: false, message: pieceError });
      pieceError = undefined;
      if (!hasContent) index++;
    }
    if (hasContent) {
      closeSegment();
      ready.push({ kind: 'document', index, firstLine: documentLine, text: parts.length === 1 ? parts[0] : parts.join('') });
      if (afterEnd !== undefined) ready.push({ kind: 'problem', index, wholeFile: false, message: afterEndMessage(afterEnd, ended!) });
      index++;
    }
    parts = [];
    segmentStart = -1;
    hasContent = false;
    ended = undefined;
    afterEnd = undefined;
  }

  /** The line of `text` from start to end (after its newline, if any). */
  function line(start: number, end: number): void {
    lineNumber++;
    const first = text.charCodeAt(start);
    if (first === DASH && text.startsWith('---', start)) {
      finishDocument();
      documentLine = lineNumber + 1;
      pieceError = separatorError(text.slice(start, end), lineNumber);
      return;
    }
    if (ended !== undefined) {
      if (afterEnd === undefined && CONTENT.test(text.slice(start, end))) afterEnd = lineNumber;
      return;
    }
    if (hasContent && first === DOT && DOCUMENT_END.test(text.slice(start, end))) {
      ended = lineNumber;
      return;
    }
    if (!hasContent && first === PERCENT) {
      pieceError ??= `directive on line ${lineNumber} ("${text.slice(start, end).trim().slice(0, 40)}"); kubectl cuts the stream at "---" `
        + 'before parsing, which leaves the directive without its document ("did not find expected <document start>"); allowed: no directives';
      return;
    }
    if (!hasContent && CONTENT.test(text.slice(start, end))) hasContent = true;
    if (segmentStart !== -1 && segmentEnd !== start) closeSegment();
    if (segmentStart === -1) segmentStart = start;
    segmentEnd = end;
  }

  let first = true;
  for (const chunk of chunks) {
    if (first) {
      const encoding = encodingOf(chunk);
      if (encoding === 'utf-32') {
        yield { kind: 'problem', wholeFile: true, message: 'UTF-32 text (byte order mark); allowed: UTF-8 or UTF-16 YAML text' };
        return;
      }
      decoder = new TextDecoder(encoding, { fatal: true });
    }
    const nul = decoder.encoding === 'utf-8' ? chunk.indexOf(0) : -1; // UTF-16 is full of zero bytes: U+0000 is CONTROL then
    if (nul !== -1) {
      yield { kind: 'problem', wholeFile: true, message: `binary file (a NUL byte at offset ${offset + nul}); allowed: UTF-8 YAML text` };
      return;
    }
    let decoded: string;
    try {
      decoded = decoder.decode(chunk, { stream: true });
    } catch {
      const utf8 = decoder.encoding === 'utf-8';
      const at = utf8 ? `invalid byte sequence at offset ${offset + firstInvalidUtf8(chunk)}` : `invalid ${decoder.encoding}`;
      yield { kind: 'problem', wholeFile: true, message: `not ${utf8 ? 'UTF-8' : 'UTF-16'} (${at}); allowed: UTF-8 YAML text` };
      return;
    }
    const control = CONTROL.exec(decoded);
    if (control !== null) {
      const errorLine = lineNumber + 1 + countNewlines(pending) + countNewlines(decoded.slice(0, control.index));
      const code = control[0].charCodeAt(0).toString(16).padStart(2, '0');
      const message = `control character 0x${code} on line ${errorLine}, which YAML and kubectl refuse; allowed: UTF-8 YAML text`;
      yield { kind: 'problem', wholeFile: true, message };
      return;
    }
    first = false;
    offset += chunk.length;
    text = pending + decoded;
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      line(start, newline + 1);
      start = newline + 1;
      if (ready.length > 0) yield* ready.splice(0);
    }
    closeSegment();
    pending = text.slice(start);
  }
  try {
    pending += decoder.decode();
  } catch {
    const message = `not UTF-8 (the file ends inside a multi-byte character at offset ${offset}); allowed: UTF-8 YAML text`;
    yield { kind: 'problem', wholeFile: true, message };
    return;
  }
  text = pending;
  if (pending !== '') line(0, pending.length);
  finishDocument();
  yield* ready.splice(0);
}

/** The problem of a separator line (from "---" to its end), or undefined when only blanks or a comment follow the "---". */
function separatorError(lineText: string, lineNumber: number): string | undefined {
  const rest = lineText.slice(3).trim();
  if (rest === '' || rest.startsWith('#')) return undefined;
  return `content after the document separator on line ${lineNumber} ("${lineText.trimEnd().slice(0, 40)}"); kubectl rejects it `
    + '("invalid Yaml document separator"); allowed: "---" alone on its line, then the document';
}

function afterEndMessage(afterEnd: number, ended: number): string {
  return `content on line ${afterEnd} after the document end marker "..." (line ${ended}); kubectl ignores it; `
    + 'allowed: "---" to start another document';
}

/**
 * The split of a whole file's bytes at once: the same items as `splitDocuments([bytes])` (exported for tests), faster
 * for the common file. Plain UTF-8 (valid, no byte order mark but UTF-8's, no control character) in which no line starts with
 * "%" or "..." is split by {@link splitPlainText}; anything else (directives, end markers, UTF-16, bad bytes, whose
 * problems need the line by line visit) goes through {@link splitDocuments}.
 */
export function splitDocumentBytes(bytes: Buffer): StreamItem[] {
  let items: StreamItem[] | undefined;
  if (isUtf8(bytes)) {
    const decoded = bytes.toString('utf8');
    // NUL and the other control characters (UTF-16's zero bytes too) are the general path's to report; TextDecoder
    // drops a UTF-8 byte order mark, and so does this.
    if (!CONTROL.test(decoded)) items = splitPlainText(decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded);
  }
  return items ?? [...splitDocuments([bytes])];
}

/** True when text[start, end) holds something but blanks and a comment: /^[ \t\r]*[^ \t\r\n#]/ on the line. */
function lineHasContent(text: string, start: number, end: number): boolean {
  let i = start;
  for (let c = text.charCodeAt(i); i < end && (c === 0x20 || c === 0x09 || c === 0x0d); c = text.charCodeAt(++i));
  if (i >= end) return false;
  const c = text.charCodeAt(i);
  return c !== 0x0a && c !== 0x23;
}

function newlinesIn(text: string, start: number, end: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', start); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * {@link splitDocuments}'s rules where no line starts with "%" or "..." (undefined otherwise): then a piece is one
 * contiguous slice from the line after its separator to the next separator, and only the lines before its first
 * content need a look; from there it jumps to the next "\n---" with indexOf, counting the newlines it passes.
 * Exported for tests.
 */
export function splitPlainText(text: string): StreamItem[] | undefined {
  if (text.startsWith('%') || text.startsWith('...') || text.includes('\n%') || text.includes('\n...')) return undefined;
  const items: StreamItem[] = [];
  const length = text.length;
  let index = 0;
  let lineNumber = 0; // of the last line visited
  let documentLine = 1;
  let pieceStart = 0;
  let pieceError: string | undefined;
  let start = 0; // of the next line to visit
  for (;;) {
    // The lines of a piece before its first content: blanks, comments, or a separator that ends the piece.
    let end = start;
    let content = false;
    while (start < length) {
      const newline = text.indexOf('\n', start);
      end = newline === -1 ? length : newline + 1;
      lineNumber++;
      if (text.charCodeAt(start) === DASH && text.startsWith('---', start)) {
        if (pieceError !== undefined) items.push({ kind: 'problem', index: index++, wholeFile: false, message: pieceError });
        documentLine = lineNumber + 1;
        pieceError = separatorError(text.slice(start, end), lineNumber);
        pieceStart = end;
      } else if (lineHasContent(text, start, end)) {
        content = true;
        break;
      }
      start = end;
    }
    if (!content) {
      if (pieceError !== undefined) items.push({ kind: 'problem', index, wholeFile: false, message: pieceError });
      return items;
    }
    // The piece has content: it runs to the next separator.
    const separator = end < length ? text.indexOf('\n---', end - 1) + 1 : 0;
    const pieceEnd = separator === 0 ? length : separator;
    if (pieceError !== undefined) items.push({ kind: 'problem', index, wholeFile: false, message: pieceError });
    items.push({ kind: 'document', index, firstLine: documentLine, text: text.slice(pieceStart, pieceEnd) });
    index++;
    pieceError = undefined;
    if (separator === 0) return items;
    lineNumber += newlinesIn(text, end, separator);
    start = separator;
  }
}

/**
 * kubectl reads files through unicode.BOMOverride: a UTF-16 byte order mark makes it decode UTF-16 (LE or BE), a
 * UTF-8 one is dropped, and anything else is taken as UTF-8. UTF-32 has no decoder there (its BOM starts like UTF-16 LE).
 */
function encodingOf(chunk: Buffer): 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32' {
  if (chunk.length >= 4 && (chunk.readUInt32BE(0) === 0x0000feff || chunk.readUInt32LE(0) === 0x0000feff)) return 'utf-32';
  if (chunk.length >= 2 && chunk.readUInt16LE(0) === 0xfeff) return 'utf-16le';
  if (chunk.length >= 2 && chunk.readUInt16BE(0) === 0xfeff) return 'utf-16be';
  return 'utf-8';
}

/** Offset of the first byte that does not continue a valid UTF-8 sequence (for the message only). */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    if (i + length > bytes.length) return i; // cut by the chunk end: the decoder reports it only at the end
    for (let k = 1; k < length; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i; // not a continuation byte (10xxxxxx)
    i += length;
  }
  return i;
}
