import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ValidationProblem, ValidationSubject, ValidationTarget } from './model';
import { isObject } from './values';

/** Targets read from YAML files, plus the problems of documents that could not be read. */
export interface LoadedManifests {
  readonly targets: ValidationTarget[];
  readonly problems: ValidationProblem[];
}

/**
 * Reads manifests for validation. Each directory is one target (named after the directory, walked recursively for
 * *.yaml/*.yml in name order); each file is its own target named after the file. Sources are "<file>#<document index>",
 * the file relative to its target directory.
 */
export function loadManifestFiles(paths: readonly string[]): LoadedManifests {
  const targets: ValidationTarget[] = [];
  const problems: ValidationProblem[] = [];
  for (const given of paths) {
    const isDirectory = fs.statSync(given).isDirectory();
    const name = path.basename(path.resolve(given));
    const files = isDirectory ? yamlFilesUnder(given) : [given];
    const subjects: ValidationSubject[] = [];
    for (const file of files) {
      const label = isDirectory ? path.relative(given, file).split(path.sep).join('/') : path.basename(file);
      readDocuments(fs.readFileSync(file, 'utf8'), label, name, subjects, problems);
    }
    targets.push({ name, subjects });
  }
  return { targets, problems };
}

function readDocuments(text: string, label: string, target: string, subjects: ValidationSubject[], problems: ValidationProblem[]): void {
  parseAllDocuments(text).forEach((document, index) => {
    const source = `${label}#${index}`;
    const errors = [...document.errors, ...document.warnings];
    if (errors.length > 0) {
      for (const error of errors) problems.push({ target, source, object: '', field: '', rule: 'yaml/parse', message: error.message.split('\n')[0] });
      return;
    }
    const value: unknown = document.toJSON();
    if (value === null || value === undefined) return;
    if (!isObject(value)) {
      problems.push({ target, source, object: '', field: '', rule: 'yaml/parse', message: `document is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}; allowed: a Kubernetes object (a mapping with apiVersion and kind)` });
      return;
    }
    subjects.push({ manifest: value, source });
  });
}

function yamlFilesUnder(directory: string): string[] {
  return fs
    .readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) return yamlFilesUnder(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    });
}
