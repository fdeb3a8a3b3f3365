/**
 * The serialization floor, in a fresh process: the same final objects, serialized with the same
 * YAML library and written as the same files, with no constructs and no validation.
 *   node --import tsx scripts/bench/floor-run.ts <objects.json> <outdir>
 */
import * as fs from 'node:fs';
import { Yaml } from 'cdk8s';
import { fileNameOf, Manifest, writeAtomically } from '../../lib/output';

const [objectsFile, outdir] = process.argv.slice(2);
const objects = JSON.parse(fs.readFileSync(objectsFile, 'utf8')) as { target: string; manifest: Manifest }[];
const start = performance.now();
const files = new Map<string, string>();
for (const { target, manifest } of objects) files.set(`${target}/${fileNameOf(manifest)}`, Yaml.stringify(manifest));
writeAtomically(outdir, files);
console.log(JSON.stringify({ totalMs: performance.now() - start }));
