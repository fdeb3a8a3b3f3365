import * as fs from 'fs';
import * as path from 'path';
import * as jsYaml from 'js-yaml';
import { CrdCatalog } from '../../lib/validation/schema/crd-catalog';
import { CRD_DIRECTORY } from '../../lib/validation/schema/schema-files';

/** The catalog indexes CRDs with a line scan; it must agree with a full parse of every file. */
test('the line-scan index matches a full parse of crds/', () => {
  const parsed: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) {
        for (const doc of jsYaml.loadAll(fs.readFileSync(full, 'utf8')) as any[]) {
          if (doc?.kind === 'CustomResourceDefinition') parsed.push(`${doc.spec.group}/${doc.spec.names.kind}/${doc.spec.scope}/${doc.spec.versions.map((v: any) => v.name).join(',')}`);
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
