import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as jsYaml from 'js-yaml';
import { CrdCatalog, parseOneVersion } from '../../lib/validation/schema/crd-catalog';
import { CRD_DIRECTORY } from '../../lib/validation/schema/schema-files';

interface CrdDocument {
  readonly kind?: string;
  readonly spec: { group: string; names: { kind: string }; scope: string; versions: Array<{ name: string }> };
}

/** The catalog indexes CRDs with a line scan; it must agree with a full parse of every file. */
test('the line-scan index matches a full parse of crds/', () => {
  const parsed: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) {
        for (const doc of jsYaml.loadAll(fs.readFileSync(full, 'utf8')) as Array<CrdDocument | null>) {
          if (doc?.kind !== 'CustomResourceDefinition') continue;
          parsed.push(`${doc.spec.group}/${doc.spec.names.kind}/${doc.spec.scope}/${doc.spec.versions.map((v) => v.name).join(',')}`);
        }
      }
    }
  };
  walk(CRD_DIRECTORY);
  const catalog = new CrdCatalog(CRD_DIRECTORY);
  const indexed = catalog.all().map((crd) => `${crd.group}/${crd.kind}/${crd.scope}/${[...catalog.versions(crd).keys()].join(',')}`);
  expect(indexed.sort()).toEqual(parsed.sort());
  expect(indexed.length).toBeGreaterThanOrEqual(20);
});

/** Parsing one version's part of a CRD must give exactly what a full parse gives, for every vendored CRD and version. */
test('each version parsed on its own equals the same version of a full parse', () => {
  const full = new CrdCatalog(CRD_DIRECTORY);
  const single = new CrdCatalog(CRD_DIRECTORY);
  let parsedAlone = 0;
  for (const crd of full.all()) {
    for (const [name, version] of full.versions(crd)) {
      const alone = parseOneVersion(crd.text, name);
      if (alone) {
        parsedAlone++;
        expect(alone).toEqual(version);
      }
      expect(single.version(crd, name)).toEqual(version);
    }
    expect(single.version(crd, 'v0-missing')).toBeUndefined();
  }
  // Every vendored CRD is laid out conventionally, so none needs the whole-document fallback.
  expect(parsedAlone).toBe(full.all().reduce((n, crd) => n + full.versions(crd).size, 0));
});

test('a version item that cannot be parsed on its own falls back to the whole document', () => {
  const text = [
    'kind: CustomResourceDefinition',
    'spec:',
    '  group: example.com',
    '  versions:',
    '  - name: v1',
    '    served: true',
    '    schema: &shared',
    '      openAPIV3Schema: {type: object}',
    '  - name: v2',
    '    served: false',
    '    schema: *shared',
  ].join('\n');
  expect(parseOneVersion(text, 'v1')).toEqual({ name: 'v1', served: true, schema: { type: 'object' } });
  expect(parseOneVersion(text, 'v2')).toBeUndefined();
  expect(parseOneVersion(text.replace('  versions:', '  versions: []\n  other:'), 'v1')).toBeUndefined();
});

describe('the cache of parsed versions (JSON, named by a hash of the CRD text)', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-cache-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const cacheFiles = (cache: string) => (fs.existsSync(cache) ? fs.readdirSync(cache).filter((f) => f.endsWith('.json')).sort() : []);

  test('gives every version exactly as parsed, the first time and read back', () => {
    const cache = path.join(scratch, 'all');
    const uncached = new CrdCatalog(CRD_DIRECTORY);
    const writing = new CrdCatalog(CRD_DIRECTORY, cache);
    const reading = new CrdCatalog(CRD_DIRECTORY, cache);
    let versions = 0;
    for (const crd of uncached.all()) {
      for (const name of [...uncached.versions(crd).keys(), 'v0-missing']) {
        versions++;
        const parsed = uncached.version(crd, name);
        expect(writing.version(crd, name)).toEqual(parsed);
        expect(reading.version(crd, name)).toEqual(parsed);
      }
    }
    expect(cacheFiles(cache)).toHaveLength(versions);
  });

  test('is read instead of the YAML, and rebuilt when a file is corrupt or holds something else', () => {
    const cache = path.join(scratch, 'corrupt');
    const crd = new CrdCatalog(CRD_DIRECTORY).locate('policy.linkerd.io', 'Server')!;
    const parsed = new CrdCatalog(CRD_DIRECTORY).version(crd, 'v1beta3')!;
    new CrdCatalog(CRD_DIRECTORY, cache).version(crd, 'v1beta3');
    const [file] = cacheFiles(cache).map((f) => path.join(cache, f));
    // Read back: an edit of the cached version shows (this is why a stale cache must never be found, see below).
    fs.writeFileSync(file, JSON.stringify({ version: { ...parsed, served: false } }));
    expect(new CrdCatalog(CRD_DIRECTORY, cache).version(crd, 'v1beta3')?.served).toBe(false);
    for (const corrupt of ['{"version": {"name": "v1bet', '', '[]', '{"version": {"name": "v1", "served": true, "schema": {}}}']) {
      fs.writeFileSync(file, corrupt);
      expect(new CrdCatalog(CRD_DIRECTORY, cache).version(crd, 'v1beta3')).toEqual(parsed);
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ version: parsed });
    }
  });

  test('is not used for a CRD whose text changed (another name), nor kept for what JSON cannot hold', () => {
    const cache = path.join(scratch, 'stale');
    const crds = path.join(scratch, 'crds');
    fs.mkdirSync(crds);
    const file = path.join(crds, 'server.yaml');
    fs.copyFileSync(path.join(CRD_DIRECTORY, 'linkerd', 'server.yaml'), file);
    const schemaOf = () => {
      const catalog = new CrdCatalog(crds, cache);
      return catalog.version(catalog.locate('policy.linkerd.io', 'Server')!, 'v1beta3')!.schema;
    };
    expect(JSON.stringify(schemaOf())).not.toContain('edited-description');
    const text = fs.readFileSync(file, 'utf8');
    const edited = (line: string) => {
      const at = text.lastIndexOf('        openAPIV3Schema:\n') + '        openAPIV3Schema:\n'.length; // the last version's
      return `${text.slice(0, at)}${line}\n${text.slice(at)}`;
    };
    fs.writeFileSync(file, edited('          description: edited-description'));
    expect(fs.readFileSync(file, 'utf8')).not.toEqual(text);
    expect(JSON.stringify(schemaOf())).toContain('edited-description');
    expect(cacheFiles(cache)).toHaveLength(2);
    // A default js-yaml reads as a Date (or Infinity) would come back from JSON as something else: not cached.
    fs.writeFileSync(file, edited('          default: 2024-01-01'));
    expect(schemaOf().default).toBeInstanceOf(Date);
    expect(schemaOf().default).toBeInstanceOf(Date);
    expect(cacheFiles(cache)).toHaveLength(2);
  });
});
