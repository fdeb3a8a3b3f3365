/**
 * The block reader (lib/validation/load/block-reading.ts) against the general way, js-yaml with KUBECTL_SCHEMA: on
 * every YAML file of the repository's tests and dist/, and on thousands of generated documents, the block reader
 * either gives up (undefined) or builds the very tree js-yaml builds (same classes, same key order, -0 kept), and
 * readKubectlDocument gives the same values and YAML 1.1 readings both ways. Where js-yaml fails, the block reader
 * must have given up, or its tree must be js-yaml's and fail the same conversion: never a different answer.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as jsYaml from 'js-yaml';
import { readBlockDocument } from '../../lib/validation/load/block-reading';
import { readDocumentStream } from '../../lib/validation/load/document-stream';
import { KubectlDocument, readingRoutes, readKubectlDocument, YamlReadingError } from '../../lib/validation/load/kubectl-reading';
import { KUBECTL_SCHEMA, MergeKey } from '../../lib/validation/load/kubectl-schema';
import { readManifestFile } from '../../lib/validation/load-manifests';
import { DocumentGenerator, nestedDocument, seededRandom, TRICKY_SCALARS } from '../support/block-yaml-documents';

const ROOT = path.join(__dirname, '..', '..');

/**
 * The first difference between two trees, or undefined: primitives by Object.is (so -0 differs from 0), objects by
 * prototype, own keys in order, and values; merge keys (numbered per reading) by class only.
 */
function treeDifference(a: unknown, b: unknown, at = '$'): string | undefined {
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') {
    return Object.is(a, b) ? undefined : `${at}: ${String(a)} (${typeof a}) vs ${String(b)} (${typeof b})`;
  }
  const kind = (node: object) => Object.prototype.toString.call(node);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at}: ${kind(a)} vs ${kind(b)}`;
  if (a instanceof MergeKey) return undefined;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.join('\u0000') !== keysB.join('\u0000')) return `${at}: keys ${JSON.stringify(keysA)} vs ${JSON.stringify(keysB)}`;
  for (const key of keysA) {
    const difference = treeDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

type Outcome = { document: KubectlDocument } | { error: YamlReadingError };

function outcome(read: () => KubectlDocument): Outcome {
  try {
    return { document: read() };
  } catch (error) {
    if (!(error instanceof YamlReadingError)) throw error;
    return { error };
  }
}

function jsYamlTree(text: string): { tree: unknown } | undefined {
  try {
    return { tree: jsYaml.load(text, { schema: KUBECTL_SCHEMA }) };
  } catch {
    return undefined;
  }
}

/**
 * How the two ways differ on one text (undefined when they agree), and whether the block reader took it: its tree
 * must be js-yaml's, and readKubectlDocument's answer (document or error) the general way's.
 */
function readingDifference(text: string): { taken: boolean; difference?: string } {
  const block = readBlockDocument(text);
  const taken = block !== undefined;
  if (block !== undefined) {
    const expected = jsYamlTree(text);
    if (expected === undefined) return { taken, difference: 'the block reader answered where js-yaml fails' };
    const difference = treeDifference(block, expected.tree);
    if (difference !== undefined) return { taken, difference: `tree: ${difference}` };
  }
  const general = outcome(() => readKubectlDocument(text, 1, 'general'));
  const any = outcome(() => readKubectlDocument(text));
  if ('error' in general) {
    if ('error' in any && any.error.rule === general.error.rule && any.error.message === general.error.message) return { taken };
    return { taken, difference: `general error ${general.error.message}, other answer ${'error' in any ? any.error.message : 'a document'}` };
  }
  if ('error' in any) return { taken, difference: `error ${any.error.message} where the general way reads a document` };
  const difference = treeDifference(any.document, general.document);
  return difference === undefined ? { taken } : { taken, difference: `document: ${difference}` };
}

/** Expects the two ways to agree on one text; returns whether the block reader took it. */
function expectSameReading(text: string): boolean {
  const { taken, difference } = readingDifference(text);
  expect([text, difference]).toEqual([text, undefined]);
  return taken;
}

function yamlFilesUnder(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : yamlFilesUnder(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

function documentTexts(files: readonly string[]): string[] {
  return files.flatMap((file) => [...readDocumentStream(file)].flatMap((item) => (item.kind === 'document' ? [item.text] : [])));
}

test('every YAML document of the tests and of dist/ reads the same both ways; all of dist/ and most of the tests the block way', () => {
  const distFiles = yamlFilesUnder(path.join(ROOT, 'dist'));
  const distTexts = documentTexts(distFiles);
  expect(distTexts.length).toBeGreaterThan(100);
  for (const text of distTexts) expect([text.slice(0, 200), expectSameReading(text)]).toEqual([text.slice(0, 200), true]);

  const testTexts = documentTexts(yamlFilesUnder(path.join(ROOT, '__tests__')));
  expect(testTexts.length).toBeGreaterThan(500);
  const taken = testTexts.filter((text) => expectSameReading(text)).length;
  // Hand-written fixtures use flow collections and odd syntax (the general way's); most are block style.
  expect(taken).toBeGreaterThan(testTexts.length / 2);
  expect(taken).toBeLessThan(testTexts.length);
});

test('the readers of manifests take the block way: reading dist/ counts one block reading per document, no general one', () => {
  const files = yamlFilesUnder(path.join(ROOT, 'dist'));
  const before = { ...readingRoutes };
  let documents = 0;
  for (const file of files) {
    const sink = { subject: () => undefined, problems: [], yaml11Readings: [] };
    documents += readManifestFile({ path: file, label: path.basename(file) }, 'dist', sink) ?? 0;
  }
  expect(documents).toBeGreaterThan(100);
  expect({ block: readingRoutes.block - before.block, general: readingRoutes.general - before.general }).toEqual({ block: documents, general: 0 });
});

test('generated block documents read the same both ways: tame ones, tricky ones, and ones mutated to leave the subset', () => {
  const generator = new DocumentGenerator(seededRandom(14));
  const total = 6000;
  const taken = [0, 0, 0];
  const differences: { text: string; difference: string }[] = [];
  let errors = 0;
  for (let n = 0; n < total; n++) {
    const mode = n % 3; // 0: scalars that would not read plain are quoted; 1: written as they come; 2: and mutated
    const text = generator.document(mode === 2 ? 1 : 0, mode === 0);
    const { taken: blockWay, difference } = readingDifference(text);
    if (difference !== undefined) differences.push({ text, difference });
    if (blockWay) taken[mode]++;
    if (jsYamlTree(text) === undefined) errors++;
  }
  expect(differences.slice(0, 5)).toEqual([]);
  // Each kind is read the block way often, and left to js-yaml often; js-yaml's errors are exercised.
  expect(taken[0]).toBeGreaterThan(total / 3 * 0.35);
  expect(taken[1]).toBeGreaterThan(total / 3 * 0.2);
  expect(taken[2]).toBeGreaterThan(total / 3 * 0.1);
  expect(taken[0] + taken[1] + taken[2]).toBeLessThan(total * 0.6);
  expect(errors).toBeGreaterThan(total * 0.1);
});

test.each([...TRICKY_SCALARS.keys()])('tricky scalar %#: plain, quoted, as a key, in a sequence and after "- key:"', (index) => {
  const scalar = TRICKY_SCALARS[index];
  const single = `'${scalar.replace(/'/g, "''")}'`;
  const double = `"${scalar.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  for (const written of [scalar, single, double]) {
    for (const text of [`v: ${written}\n`, `- ${written}\n`, `- k: ${written}\n  k2: x\n`, `${written}: v\n`, `a:\n  ${written}: v\n  b: 1\n`,
      `m:\n- ${written}\n- x\nn: ${written} # comment\n`, `v: ${written}\r\nw: 1\r\n`]) {
      expectSameReading(text);
    }
  }
});

test('the readings of YAML 1.1 scalars come out the same, and the block way reads these documents', () => {
  const text = 'spec:\n  a: yes\n  list:\n  - 0755\n  - 1_000\n  - off\n  - k: On\n    "x.y": n\n  b: true\n  c: -0\n  d: 0b101\n';
  expect(expectSameReading(text)).toBe(true);
  const { value, yaml11Readings } = readKubectlDocument(text);
  expect(yaml11Readings.map((reading) => [reading.field, reading.text, reading.value])).toEqual([
    ['spec.a', 'yes', true], ['spec.list[0]', '0755', 493], ['spec.list[1]', '1_000', 1000], ['spec.list[2]', 'off', false],
    ['spec.list[3].k', 'On', true], ['spec.list[3]["x.y"]', 'n', false], ['spec.d', '0b101', 5],
  ]);
  expect(Object.is((value as { spec: { c: number } }).spec.c, 0)).toBe(true);
});

test('literal blocks: clip and strip, blank lines inside and after, more-indented lines, at the end of the text', () => {
  const cases = [
    'q: |\n  a\n  b\nnext: 1\n', 'q: |-\n  a\n\n  b\n\n\nnext: 1\n', 'q: |\n    a\n      b\n    c\n', 'q: |-\n  a\n     \n  b',
    '- |\n  x\n- |-\n  y\n', '- k: |\n    x\n  j: 1\n', 'q: |  # header comment\n  a\n  # kept\n', 'q: |\n  a\r\n  b\r\n',
  ];
  for (const text of cases) expect([text, expectSameReading(text)]).toEqual([text, true]);
  // Left to js-yaml: kept and folded blocks, indentation indicators, leading blank lines, an empty block.
  for (const text of ['q: |+\n  a\n\n', 'q: >\n  a\n  b\n', 'q: |2\n   a\n', 'q: |\n\n  a\n', 'q: |\nnext: 1\n', 'q: |x\n  a\n']) {
    expect([text, expectSameReading(text)]).toEqual([text, false]);
  }
});

test('outside the subset, the block reader gives up and the general way answers (or fails) alone', () => {
  const outside = [
    'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: {b: 1}\n', 'a: [1, 2]\n', '<<: {a: 1}\n', '? a\n: 1\n', 'a:\n\tb: 1\n',
    'a: 1\na: 2\n', 'a: x\n  continued\n', '1: a\n', 'true: a\n', 'null: a\n', '~: a\n', 'a: "multi\n  line"\n', 'a: "\\x41"\n',
    '  a: 1\n', 'a: 1\n- x\n', 'a: 1\n---\nb: 2\n', 'a: 1\n...\n', '%YAML 1.1\n---\na: 1\n', '\ufeffa: 1\n', 'a: 1\rb: 2\n',
    'a: b: c\n', 'a: x:\n', 'a : 1\n', '"a" : 1\n', 'a:1\n', 'scalar\n', '', '# only a comment\n', '- - x\n', 'a: "x"y\n',
    'a: \u0001\n', '__proto__: 1\n', 'a:\n  b: 1\n c: 2\n', '- a\n  b\n', 'a: - x\n', 'a: ? x\n', 'a: |\n\n  x\n',
  ];
  for (const text of outside) {
    expect([text, readBlockDocument(text)]).toEqual([text, undefined]);
    expectSameReading(text);
  }
});

test('an error of the conversion (a float with no JSON form, a key kubectl refuses) is the same error both ways', () => {
  for (const text of ['a: .inf\n', 'a:\n  - -.Inf\n', '"[object Object]": 1\n']) {
    expect(readBlockDocument(text)).toBeDefined();
    expect(() => readKubectlDocument(text, 1, 'general')).toThrow(YamlReadingError);
    expectSameReading(text);
  }
});

test('deep nesting: read the block way up to its limit, left to the general way beyond (the same answer, or the same error)', () => {
  expect(expectSameReading(nestedDocument(150))).toBe(true);
  expect(expectSameReading(nestedDocument(250))).toBe(false);
  expect(expectSameReading(nestedDocument(1200))).toBe(false);
});
