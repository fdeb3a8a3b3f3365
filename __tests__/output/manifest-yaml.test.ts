import { App, Yaml } from 'cdk8s';
import { CORE_SCHEMA, load } from 'js-yaml';
import { parse } from 'yaml';
import { renderTargets, stringifyManifest } from '../../lib/output';
import { buildApp } from '../../main';
import { buildFleet } from '../../scripts/bench/fleet';

// Each app is rendered once for the file; both describe blocks read the same objects.
const renders = new Map<(app: App) => void, object[]>();
function renderedObjects(build: (app: App) => void): object[] {
  const known = renders.get(build);
  if (known !== undefined) return known;
  const app = new App({ outdir: '.cdk8s.out' });
  build(app);
  const objects = renderTargets(app).flatMap((t) => t.objects.map((o) => o.manifest));
  renders.set(build, objects);
  return objects;
}
const fleetOf100 = (app: App) => buildFleet(app, 100);

describe('stringifyManifest writes exactly what cdk8s Yaml.stringify writes', () => {
  test.each([
    ['the demo app', buildApp],
    ['a fleet of 100 services', fleetOf100],
  ])('every object of %s', (_name, build) => {
    const objects = renderedObjects(build);
    expect(objects.length).toBeGreaterThan(90);
    const differing = objects.filter((o) => stringifyManifest(o) !== Yaml.stringify(o));
    expect(differing).toEqual([]);
  });

  const tricky: Array<[string, object]> = [
    ['strings the library quotes', { a: '::/0', b: '-c', c: ' lead', d: 'x: y', e: '', f: '1', g: 'yes', h: 'ON', i: 'a"b', j: "it's", k: '#x',
      l: 'trail ', m: '0x1F', n: '1_000', o: '2001-12-14', p: '.inf', q: '~', r: 'é', s: 'k\tv' }],
    ['block literals at every depth, with blank and indented lines', { a: 'x\ny', b: { c: [{ d: 'one\n\n  two\nthree\n' }, 'l1\nl2', ['n1\nn2']] } }],
    ['keys the library quotes', { '8080': 1, 'a b': 2, 'yes': 3, '': 4, 'x: y': 5, 'app.kubernetes.io/name': 6 }],
    ['numbers, booleans, null and undefined', { a: 0, b: -3, c: 0.5, d: -0, e: 1e21, f: Number.MAX_SAFE_INTEGER + 2, g: true, h: false, i: null,
      j: undefined }],
    ['empty and nested collections', { a: {}, b: [], c: [[1, 2], [], [[]], {}], d: [{ e: [{ f: 1 }], g: {} }] }],
    ['an object used twice (the library writes an anchor and an alias)', (() => {
      const shared = { app: 'web' };
      return { a: shared, b: [shared] };
    })()],
    ['undefined in a list', { a: [1, undefined, 2] }],
  ];
  test.each(tricky)('%s', (_name, value) => {
    expect(stringifyManifest(value)).toBe(Yaml.stringify(value));
  });

  test('random strings, as values and keys, in mappings and lists', () => {
    // A small deterministic generator: letters that form YAML 1.1 words, digits, and every character that matters.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = ['y', 'e', 's', 'n', 'o', 'O', 'N', 'f', 'a', 'l', 'u', 't', 'r', 'x', 'E', '0', '1', '9', '.', '_', '/', '-', ':', '#', ' ',
      '"', "'", '\n', '~', '@', '!', '%', '&', '*', '[', ']', '{', '}', ',', '?', '|', '>', '=', '+'];
    const strings = Array.from({ length: 10_000 }, () => Array.from({ length: 1 + Math.floor(next() * 8) },
      () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
    const differing = strings.filter((s) => {
      const value = { key: s, [s]: 'v', list: [s, { nested: s }] };
      return stringifyManifest(value) !== Yaml.stringify(value);
    });
    expect(differing).toEqual([]);
  });
});

// lib/gitops (diff-render) and lib/change-review read rendered files with js-yaml's core schema, as lib/validation reads
// with js-yaml: one reading library. What synthesis writes must read back as the same objects with it and with `yaml`,
// compared as JSON, as the API server receives them (the one difference found: `yaml` reads -0 as -0, js-yaml as 0).
const sameReading = (text: string) => JSON.stringify(load(text, { schema: CORE_SCHEMA })) === JSON.stringify(parse(text));
describe('what synthesis writes reads back identically with js-yaml (core schema) and the yaml library', () => {
  test.each([
    ['the demo app', buildApp],
    ['a fleet of 100 services', fleetOf100],
  ])('every object of %s', (_name, build) => {
    const texts = renderedObjects(build).map((o) => `---\n${stringifyManifest(o)}`);
    expect(texts.length).toBeGreaterThan(90);
    const differing = texts.filter((text) => !sameReading(text));
    expect(differing).toEqual([]);
  });

  test('values the writer quotes or writes specially, and random strings', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = [...'yesnoOfltrxE01._/-:# "\'~!&*[]{},?|>+', '\n'];
    const randomString = () => Array.from({ length: 1 + Math.floor(next() * 8) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const special = [{ a: '::/0', b: '-c', c: 'yes', d: 'ON', e: '0x1F', f: '2001-12-14', g: '~', h: '1_000', i: '.inf', j: 'x\ny\n' },
      { a: 0, b: -3, c: 0.5, d: -0, e: 1e21, f: true, g: null, h: [1, undefined, 2], '8080': 1, '': 2 }];
    const values = [...special, ...Array.from({ length: 2_000 }, randomString).map((s) => ({ key: s, [s]: 'v', list: [s, { nested: s }] }))];
    const differing = values.map((value) => `---\n${stringifyManifest(value)}`)
      .filter((text) => !sameReading(text));
    expect(differing).toEqual([]);
  });
});
