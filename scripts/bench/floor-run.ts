/**
 * A serialization floor, in a fresh process: the same final objects, serialized with one serializer and written
 * as the same files (review reports copied as they are), with no constructs and no validation.
 *   node --import tsx scripts/bench/floor-run.ts <objects.json> <outdir> <yaml|manifest-yaml|js-yaml> [--check]
 * yaml: the yaml library through cdk8s' Yaml.stringify (what stock cdk8s writes); manifest-yaml: our
 * stringifyManifest (lib/output, what synthesis writes); js-yaml: js-yaml's dump, for comparison.
 * Prints one JSON line: the time (and of it serializing alone, without the disk, which varies most under load), and with
 * --check (outside the timed region) how many files differ from yaml's.
 */
import * as fs from 'node:fs';
import { Yaml } from 'cdk8s';
import { dump } from 'js-yaml';
import { stringifyManifest, writeAtomically } from '../../lib/output';

const SERIALIZERS: Record<string, (manifest: object) => string> = {
  'yaml': (manifest) => Yaml.stringify(manifest),
  'manifest-yaml': stringifyManifest,
  'js-yaml': (manifest) => dump(manifest, { lineWidth: -1, noRefs: true }),
};

const [objectsFile, outdir, serializerName] = process.argv.slice(2);
const serialize = SERIALIZERS[serializerName];
if (!serialize) throw new Error(`usage: floor-run.ts <objects.json> <outdir> <${Object.keys(SERIALIZERS).join('|')}> [--check]`);
const { objects, reports } = JSON.parse(fs.readFileSync(objectsFile, 'utf8')) as {
  objects: { file: string; manifest: object }[];
  reports: [string, string][];
};
const start = performance.now();
const files = new Map<string, string>();
for (const { file, manifest } of objects) files.set(file, `---\n${serialize(manifest)}`);
for (const [file, content] of reports) files.set(file, content);
const serializeMs = performance.now() - start;
writeAtomically(outdir, files);
const totalMs = performance.now() - start;
const differing = process.argv.includes('--check')
  ? objects.filter(({ file, manifest }) => files.get(file) !== `---\n${Yaml.stringify(manifest)}`).length
  : undefined;
console.log(JSON.stringify({ totalMs, serializeMs, differing }));
