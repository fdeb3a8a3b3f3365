/**
 * Reading and parsing YAML, timed in a fresh process, for the validate benchmark:
 *   node --import tsx scripts/bench/parse-run.ts <js-yaml|yaml|load-manifests|validate> <dir...>
 * js-yaml / yaml: read every .yaml file below the folders and parse it with that library (the parse floor);
 * load-manifests: lib/validation's loadManifestFiles (what `npm run validate` reads with);
 * validate: loadManifestFiles, then validateTargets (what `npm run validate` does, without printing).
 * Prints one JSON line: documents read, and milliseconds (for validate also the validation part).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAll } from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { loadManifestFiles, validateTargets } from '../../lib/validation';

const [mode, ...dirs] = process.argv.slice(2);

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

const start = performance.now();
let documents = 0;
let validateMs: number | undefined;
if (mode === 'js-yaml' || mode === 'yaml') {
  for (const file of dirs.flatMap(yamlFiles)) {
    const text = fs.readFileSync(file, 'utf8');
    documents += mode === 'js-yaml'
      ? loadAll(text).filter((d) => d != null).length
      : parseAllDocuments(text).map((d) => d.toJSON()).filter((d) => d != null).length;
  }
} else if (mode === 'load-manifests' || mode === 'validate') {
  const loaded = loadManifestFiles(dirs);
  documents = loaded.targets.reduce((n, t) => n + t.subjects.length, 0);
  if (mode === 'validate') {
    const validated = performance.now();
    validateTargets(loaded.targets);
    validateMs = performance.now() - validated;
  }
} else {
  throw new Error('usage: parse-run.ts <js-yaml|yaml|load-manifests|validate> <dir...>');
}
console.log(JSON.stringify({ documents, totalMs: performance.now() - start, validateMs }));
