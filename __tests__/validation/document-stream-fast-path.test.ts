/**
 * The fast split of a whole file (splitDocumentBytes, and readDocumentStream's one-read path) against the general,
 * chunked split (splitDocuments): the same documents and problems, in the same order, on every input. Each case names
 * the kubectl behaviour it is about (the rules are in lib/validation/load/document-stream.ts's top comment).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readDocumentStream, splitDocumentBytes, splitDocuments, splitPlainText, StreamItem } from '../../lib/validation/load/document-stream';

function general(chunks: Buffer[]): StreamItem[] {
  return [...splitDocuments(chunks)];
}

/** A deterministic pseudo-random sequence in [0, 1) (Park and Miller's), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = 1 + (seed % 2147483646);
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/**
 * The bytes cut at random places (1 to 7 bytes apart): chunk ends inside separators, CRLFs and multi-byte characters.
 * The first chunk holds 4 bytes at least, as a file's first chunk does: the byte order mark is looked for in it.
 */
function randomChunks(bytes: Buffer, next: () => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = (at === 0 ? 4 : 1) + Math.floor(next() * 7);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** Expects the fast split of `bytes` to be the general split, whole and chunked; returns whether the fast path took it. */
function expectSameSplit(bytes: Buffer, next: () => number = random(bytes.length)): boolean {
  const whole = general([bytes]);
  expect(splitDocumentBytes(bytes)).toEqual(whole);
  // A whole-file problem ends the stream where it is met: what came before it (dropped by readers) depends on the chunks.
  if (!whole.some((item) => item.kind === 'problem' && item.wholeFile)) expect(general(randomChunks(bytes, next))).toEqual(whole);
  // The text split itself, where the bytes are plain UTF-8 (what splitDocumentBytes gives it): undefined when it declines.
  const decoded = bytes.toString('utf8');
  const plainUtf8 = Buffer.from(decoded).equals(bytes) && !/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/.test(decoded);
  const fast = plainUtf8 ? splitPlainText(decoded.replace(/^\uFEFF/, '')) : undefined;
  if (fast !== undefined) expect(fast).toEqual(whole);
  return fast !== undefined;
}

const utf8 = (text: string): Buffer => Buffer.from(text);

describe('cases, each about one kubectl behaviour', () => {
  const plain: Record<string, string> = {
    // kubectl cuts at every "---" at column 0 before parsing: inside a block scalar and a quoted string too.
    'separator inside a block scalar': 'a: |\n  x\n---\n  y\nb: 1\n',
    'separator inside a quoted string': 'a: "x\n---\ny"\n---\nb: \'z\n---\'\n',
    'indented "---" is block content, not a separator': 'a: |\n  ---\n  b\n',
    // "---" followed by blanks or a comment is a separator; anything else is "invalid Yaml document separator".
    'separator with a comment or blanks': '--- # one\na: 1\n---   \nb: 2\n---\t# two\nc: 3\n',
    'separator with content': '--- x\na: 1\n----\nb: 2\n---x\n---\nc: 3\n--- |\n',
    'separator with content, then an empty piece': 'a: 1\n--- {b: 2}\n# only a comment\n---\nc: 3\n',
    // Pieces with only blanks and comments are not documents (not counted in the index).
    'empty and comment-only pieces': '\n---\n# c\n\n---\n---\n  # indented\n---\na: 1\n---\n\n',
    'comments before the content are kept in the text': '---\n# about a\n\na: 1\n',
    // kubectl's reader splits lines at "\n": "\r" stays in the line, blank after "---".
    'CRLF line ends': '---\r\na: 1\r\n--- # c\r\n\r\nb: 2\r\n---\r\n',
    'a lone CR inside a line': 'a: "x\ry"\n---\r\rb: 1\n',
    // The last line counts without its newline.
    'no trailing newline': 'a: 1\n---\nb: 2',
    'no trailing newline, separator last': 'a: 1\n---',
    'no trailing newline, separator with content last': 'a: 1\n--- x',
    // What is not a marker at column 0 is content.
    'dots, percent and dashes that are content': 'a: 1\n.b\n-- c\n - d\n  %e\n  ...\n',
    'only a separator': '---\n',
    'empty file': '',
    'non-ASCII text': 'a: café ☕\n---\nb: 😀\n--- ü\n',
    // unicode.BOMOverride drops a UTF-8 byte order mark.
    'UTF-8 byte order mark': '\uFEFF---\na: 1\n',
    'UTF-8 byte order mark, then content': '\uFEFFa: 1\n---\nb: 2\n',
    'byte order mark later in the text is content': 'a: 1\n---\n\uFEFF\n',
  };
  test.each(Object.entries(plain))('%s: the fast path splits it as the general path does', (_, text) => {
    expect(expectSameSplit(utf8(text))).toBe(true);
  });

  const declined: Record<string, Buffer> = {
    // yaml.v2 stops at "..." and ignores the rest of the piece: the fast path leaves these to the general path.
    'document end marker, content after it': utf8('a: 1\n...\nb: 2\n---\nc: 3\n'),
    'document end marker with a comment': utf8('a: 1\n... # end\n---\n...\nb: 1\n'),
    '"...." is not a marker': utf8('a: |\n  x\n....\n'),
    '"..." before content is content': utf8('...\n---\na: 1\n...'),
    // A directive is left without its document once kubectl cuts the stream at "---".
    'directive': utf8('%YAML 1.1\n---\na: 1\n'),
    'directive after a separator': utf8('a: 1\n---\n%TAG ! x\nb: 2\n'),
    'percent at column 0 after content': utf8('a: |\n%x\n'),
    // kubectl decodes UTF-16 with a byte order mark (LE or BE); UTF-32 it cannot.
    'UTF-16 LE': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: 1\n---\nb: 2\n', 'utf16le')]),
    'UTF-16 BE': Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('a: 1\n---\nb: 2\n', 'utf16le').swap16()]),
    'UTF-32': Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00]),
    // Control characters, NUL and invalid UTF-8 make the file unreadable.
    'control character': utf8('a: 1\n---\nb: "\x07"\n'),
    'DEL': utf8('a: \x7f\n'),
    'NUL': utf8('a: 1\n\x00\n'),
    'invalid byte': Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]),
    'surrogate encoded in UTF-8': Buffer.from([0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80, 0x0a]),
    'overlong encoding': Buffer.from([0x61, 0x3a, 0x20, 0xc0, 0xaf, 0x0a]),
    'beyond U+10FFFF': Buffer.from([0x61, 0x3a, 0x20, 0xf4, 0x90, 0x80, 0x80, 0x0a]),
    'cut inside a multi-byte character': Buffer.from([0x61, 0x3a, 0x20, 0xe2, 0x98]),
  };
  test.each(Object.entries(declined))('%s: the fast path leaves it to the general path, with the same split', (_, bytes) => {
    expect(expectSameSplit(bytes)).toBe(false);
  });

  test('the cases give documents and problems (the comparison is not between empty results)', () => {
    const separatorProblem = (index: number, line: number, text: string) => ({
      kind: 'problem', index, wholeFile: false, message: expect.stringContaining(`separator on line ${line} ("${text}")`),
    });
    // '--- x\na: 1\n----\nb: 2\n---x\n---\nc: 3\n--- |\n': a separator's problem goes with the piece it starts.
    expect(splitDocumentBytes(utf8(plain['separator with content']))).toEqual([
      separatorProblem(0, 1, '--- x'),
      { kind: 'document', index: 0, firstLine: 2, text: 'a: 1\n' },
      separatorProblem(1, 3, '----'),
      { kind: 'document', index: 1, firstLine: 4, text: 'b: 2\n' },
      separatorProblem(2, 5, '---x'),
      { kind: 'document', index: 3, firstLine: 7, text: 'c: 3\n' },
      separatorProblem(4, 8, '--- |'),
    ]);
    const endMarker = splitDocumentBytes(declined['document end marker, content after it']);
    expect(endMarker.map((item) => item.kind)).toEqual(['document', 'problem', 'document']);
    expect(splitDocumentBytes(declined['UTF-16 BE'])).toEqual([
      { kind: 'document', index: 0, firstLine: 1, text: 'a: 1\n' },
      { kind: 'document', index: 1, firstLine: 3, text: 'b: 2\n' },
    ]);
  });
});

/** Lines to build streams from: separators of each kind, markers, directives, blanks, comments, content. */
const LINES = [
  '---', '---', '--- # c', '---\t', '--- x', '----', '---"', "---'", '...', '... # end', '....', '%YAML 1.1', '%x',
  '', '', '  ', '\t', '# comment', '  # indented', 'a: 1', 'kind: ConfigMap', 'b: |', '  ---', '  ...', '  block',
  'c: "quoted', 'd: \'single', '- item', '-- x', '.dot', ' %p', 'e: café ☕', 'f: 😀', 'g: x\ry',
];

test('generated streams: the fast split is the general split, whole and chunked, for 3000 streams', () => {
  const next = random(14);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  let fastTaken = 0;
  for (let n = 0; n < 3000; n++) {
    const lines = Array.from({ length: Math.floor(next() * 14) }, () => pick(LINES));
    // Streams without "%" or "..." lines are most files: give them half the cases, so the fast path is tested.
    const plain = next() < 0.5 ? lines.filter((line) => !/^(%|\.\.\.)/.test(line)) : lines;
    let text = plain.map((line) => line + (next() < 0.3 ? '\r\n' : '\n')).join('');
    if (next() < 0.3) text = text.replace(/\r?\n$/, '');
    if (next() < 0.1) text = `\uFEFF${text}`;
    let bytes = utf8(text);
    const odd = next();
    if (odd < 0.03) bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    else if (odd < 0.06) bytes = Buffer.concat([bytes, Buffer.from([0x07])]);
    else if (odd < 0.08) bytes = Buffer.concat([bytes, Buffer.from([0xe9, 0x0a])]);
    if (expectSameSplit(bytes, next)) fastTaken++;
  }
  expect(fastTaken).toBeGreaterThan(1000);
});

describe('readDocumentStream reads a file as the chunked split reads its bytes', () => {
  let directory: string;
  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'document-stream-'));
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  function expectFileSplit(name: string, bytes: Buffer): StreamItem[] {
    const file = path.join(directory, name);
    fs.writeFileSync(file, bytes);
    const items = [...readDocumentStream(file)];
    expect(items).toEqual(general([bytes]));
    return items;
  }

  test('a small file (one read), an empty one, and one beyond a chunk (streamed)', () => {
    expect(expectFileSplit('small.yaml', utf8('a: 1\n---\nb: 2\n'))).toHaveLength(2);
    expect(expectFileSplit('empty.yaml', Buffer.alloc(0))).toEqual([]);
    const big = Array.from({ length: 40_000 }, (_, i) => `---\nkind: ConfigMap\nmetadata: {name: cm-${i}}\n`).join('');
    expect(Buffer.byteLength(big)).toBeGreaterThan(1024 * 1024);
    expect(expectFileSplit('big.yaml', utf8(big))).toHaveLength(40_000);
    expect(expectFileSplit('directive.yaml', utf8('%YAML 1.1\n---\na: 1\n'))).toHaveLength(2);
  });

  test('a size given from an earlier stat that is stale (the file grew or shrank since) reads the file as it is now', () => {
    const bytes = utf8('a: 1\n---\nb: 2\n---\nc: 3\n');
    const file = path.join(directory, 'changed.yaml');
    fs.writeFileSync(file, bytes);
    const now = general([bytes]);
    expect(now).toHaveLength(3);
    for (const size of [1, bytes.length - 1, bytes.length, bytes.length + 1, 10_000, 0, 2 * 1024 * 1024]) {
      expect([size, [...readDocumentStream(file, size)]]).toEqual([size, now]);
    }
  });
});
