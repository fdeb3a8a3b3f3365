import * as path from 'path';

/** The vendored schema inputs, relative to the repository root. */
const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..', '..');

export const CRD_DIRECTORY = path.join(REPOSITORY_ROOT, 'crds');
export const CORE_DEFINITIONS_FILE = path.join(REPOSITORY_ROOT, 'schemas', 'kubernetes', 'v1.28.0_definitions.json');
