import * as fs from 'fs';
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
