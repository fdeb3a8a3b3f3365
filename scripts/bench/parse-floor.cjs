'use strict';
/**
 * The parse floor of the validate benchmark as a whole process: plain node (no tsx, nothing compiled), reads every
 * *.yaml file below the folders given and parses it with js-yaml `loadAll`, the fastest parser measured. Its process
 * wall time is what `node scripts/validate.cjs` on the same folders is held against: both start a fresh node.
 *   node scripts/bench/parse-floor.cjs <dir...>
 * Prints one JSON line: documents parsed.
 */
const fs = require('node:fs');
const path = require('node:path');
const { loadAll } = require('js-yaml');

let documents = 0;
for (const dir of process.argv.slice(2)) {
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) documents += loadAll(fs.readFileSync(file, 'utf8')).filter((document) => document != null).length;
}
console.log(JSON.stringify({ documents }));
