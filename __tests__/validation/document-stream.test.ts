/** The streamed split of a file into documents: the same result however the bytes are chunked, and lazy. */
import { splitDocuments, StreamItem } from '../../lib/validation/load/document-stream';

const STREAM = [
  '# leading comment\r\n', '---\r\n', 'a: "café ☕"\r\n', 'b: |\r\n', '  ---\r\n', '  still in the block\r\n',
  '--- # comment\n', '\n', '---\n', 'c: 😀\n', '...\n', '---\n', 'd: 1\n', '...\n', 'trailing: content\n', '--- x\n', 'e: 2',
].join('');

function items(chunks: Buffer[]): StreamItem[] {
  return [...splitDocuments(chunks)];
}

test('the split of a sample stream: documents with content, their first lines, and the stream problems', () => {
  const result = items([Buffer.from(STREAM)]);
  expect(result.filter((item) => item.kind === 'document')).toEqual([
    { kind: 'document', index: 0, firstLine: 3, text: 'a: "café ☕"\r\nb: |\r\n  ---\r\n  still in the block\r\n' },
    { kind: 'document', index: 1, firstLine: 10, text: 'c: 😀\n' },
    { kind: 'document', index: 2, firstLine: 13, text: 'd: 1\n' },
    { kind: 'document', index: 3, firstLine: 17, text: 'e: 2' },
  ]);
  expect(result.filter((item) => item.kind === 'problem').map((item) => item.kind === 'problem' && [item.index, item.message.slice(0, 60)])).toEqual([
    [2, 'content on line 15 after the document end marker "..." (line'],
    [3, 'content after the document separator on line 16 ("--- x"); k'],
  ]);
});

test('every two-chunk cut of the bytes (inside multi-byte characters and separators too) gives the same split', () => {
  const bytes = Buffer.from(STREAM);
  const whole = items([bytes]);
  for (let cut = 0; cut <= bytes.length; cut++) expect(items([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole);
  expect(items([...bytes].map((byte) => Buffer.from([byte])))).toEqual(whole);
});

test('documents come out while the stream is read: memory holds one document, not the file', () => {
  let chunksRead = 0;
  function* endless(): Generator<Buffer> {
    for (;;) {
      chunksRead++;
      yield Buffer.from(`---\nkind: ConfigMap\nmetadata: {name: cm-${chunksRead}}\n`);
    }
  }
  const stream = splitDocuments(endless());
  const first = [stream.next().value, stream.next().value, stream.next().value];
  expect(first.map((item) => item.kind === 'document' && item.text)).toEqual([1, 2, 3].map((n) => `kind: ConfigMap\nmetadata: {name: cm-${n}}\n`));
  expect(chunksRead).toBe(4);
});

test('a non-UTF-8 byte or a NUL ends the file with one whole-file problem, wherever it is', () => {
  const before = Buffer.from('a: 1\n---\nb: 2\n');
  expect(items([before, Buffer.from([0x62, 0x3a, 0x20, 0xe9, 0x0a])]).slice(-1)).toEqual([
    { kind: 'problem', wholeFile: true, message: 'not UTF-8 (invalid byte sequence at offset 17); allowed: UTF-8 YAML text' },
  ]);
  expect(items([before, Buffer.from([0x00])]).slice(-1)).toEqual([
    { kind: 'problem', wholeFile: true, message: 'binary file (a NUL byte at offset 14); allowed: UTF-8 YAML text' },
  ]);
});
