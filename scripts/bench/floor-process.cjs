'use strict';
/**
 * The demo's serialization floor as a whole process: start node, load the YAML library (through cdk8s, as stock
 * cdk8s does), serialize the final objects and write the same files. Plain JavaScript, so nothing is transpiled.
 *   node scripts/bench/floor-process.cjs <objects.json> <outdir>
 */
const fs = require('node:fs');
const path = require('node:path');
const { Yaml } = require('cdk8s');

const [objectsFile, outdir] = process.argv.slice(2);
const { objects, reports } = JSON.parse(fs.readFileSync(objectsFile, 'utf8'));
fs.rmSync(outdir, { recursive: true, force: true });
const write = (file, content) => {
  fs.mkdirSync(path.dirname(path.join(outdir, file)), { recursive: true });
  fs.writeFileSync(path.join(outdir, file), content);
};
for (const { file, manifest } of objects) write(file, `---\n${Yaml.stringify(manifest)}`);
for (const [file, content] of reports) write(file, content);
