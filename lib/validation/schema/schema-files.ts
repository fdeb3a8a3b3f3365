import * as fs from 'fs';
import * as path from 'path';

/**
 * The vendored schema inputs, relative to the repository root: the nearest folder above this file that holds
 * `schemas/kubernetes`. Searched for rather than fixed, because the type-checked synth runs this file compiled into
 * a cache folder (node_modules/.cache/synth/js/lib/validation/schema), deeper than the source.
 */
const REPOSITORY_ROOT = repositoryRoot(__dirname);

export const CRD_DIRECTORY = path.join(REPOSITORY_ROOT, 'crds');
/** Where the CRD versions parsed once are kept as JSON (schema/crd-catalog.ts), beside the other caches of the repository. */
export const SCHEMA_CACHE_DIRECTORY = path.join(REPOSITORY_ROOT, 'node_modules', '.cache', 'validate-schemas');
export const CORE_DEFINITIONS_FILE = path.join(REPOSITORY_ROOT, 'schemas', 'kubernetes', 'v1.28.0_definitions.json');

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'schemas', 'kubernetes'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no schemas/kubernetes folder above ${from}`);
  }
}
