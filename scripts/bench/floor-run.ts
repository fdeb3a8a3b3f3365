/**
 * The serialization floor, in a fresh process: the same final objects, serialized with the same
 * YAML library and written as the same files (review reports copied as they are), with no
 * constructs and no validation.
 *   node --import tsx scripts/bench/floor-run.ts <objects.json> <outdir>
 */
import * as fs from 'node:fs';
import { fileNameOf, Manifest, manifestFileContent, writeAtomically } from '../../lib/output';

const [objectsFile, outdir] = process.argv.slice(2);
const { objects, reports } = JSON.parse(fs.readFileSync(objectsFile, 'utf8')) as {
  objects: { target: string; manifest: Manifest }[];
  reports: [string, string][];
};
const start = performance.now();
const files = new Map<string, string>();
for (const { target, manifest } of objects) files.set(`${target}/${fileNameOf(manifest)}`, manifestFileContent(manifest));
for (const [file, content] of reports) files.set(file, content);
writeAtomically(outdir, files);
console.log(JSON.stringify({ totalMs: performance.now() - start }));
