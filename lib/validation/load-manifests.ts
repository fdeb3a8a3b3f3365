import * as fs from 'fs';
import * as path from 'path';
import { readDocumentStream } from './load/document-stream';
import { readKubectlDocument, YamlReadingError } from './load/kubectl-reading';
import { ValidationProblem, ValidationSubject, ValidationTarget } from './model';
import { isObject } from './values';

/** Targets read from YAML files, plus the problems of documents that could not be read. */
export interface LoadedManifests {
  readonly targets: ValidationTarget[];
  readonly problems: ValidationProblem[];
  /** Directories given that hold no *.yaml or *.yml file (at any depth). */
  readonly directoriesWithoutYaml: string[];
  /** Documents with content, over all files (0 when every file is empty or only comments). */
  readonly documents: number;
}

/**
 * Reads manifests for validation, as kubectl reads them (see load/kubectl-reading.ts). Each directory is one target
 * (named after the directory, walked recursively for *.yaml/*.yml in name order); each file is its own target named
 * after the file. Sources are "<file>#<document index>", the file relative to its target directory, the index counting
 * the documents that have content. Files are read one document at a time; a binary or non-UTF-8 file gives one problem
 * and no objects.
 */
export function loadManifestFiles(paths: readonly string[]): LoadedManifests {
  const targets: ValidationTarget[] = [];
  const problems: ValidationProblem[] = [];
  const directoriesWithoutYaml: string[] = [];
  let documents = 0;
  for (const given of paths) {
    const isDirectory = fs.statSync(given).isDirectory();
    const name = path.basename(path.resolve(given));
    const files = isDirectory ? yamlFilesUnder(given) : [given];
    if (isDirectory && files.length === 0) directoriesWithoutYaml.push(given);
    const subjects: ValidationSubject[] = [];
    for (const file of files) {
      const label = isDirectory ? path.relative(given, file).split(path.sep).join('/') : path.basename(file);
      documents += readFile(file, label, name, subjects, problems);
    }
    targets.push({ name, subjects });
  }
  return { targets, problems, directoriesWithoutYaml, documents };
}

/** Adds the file's objects and problems; returns its number of documents with content. */
function readFile(file: string, label: string, target: string, subjects: ValidationSubject[], problems: ValidationProblem[]): number {
  const subjectsBefore = subjects.length;
  const problemsBefore = problems.length;
  let documents = 0;
  for (const item of readDocumentStream(file)) {
    if (item.kind === 'problem') {
      const problem = { target, source: item.index === undefined ? label : `${label}#${item.index}`, object: '', field: '', rule: 'yaml/parse', message: item.message };
      if (item.wholeFile) {
        subjects.length = subjectsBefore;
        problems.length = problemsBefore;
        problems.push(problem);
        return 0;
      }
      problems.push(problem);
      continue;
    }
    documents++;
    const source = `${label}#${item.index}`;
    let value: unknown;
    try {
      value = readKubectlDocument(item.text, item.firstLine);
    } catch (error) {
      if (!(error instanceof YamlReadingError)) throw error;
      problems.push({ target, source, object: '', field: '', rule: error.rule, message: error.message });
      continue;
    }
    if (value === null || value === undefined) continue;
    if (!isObject(value)) {
      problems.push({ target, source, object: '', field: '', rule: 'yaml/parse', message: `document is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}; allowed: a Kubernetes object (a mapping with apiVersion and kind)` });
      continue;
    }
    subjects.push({ manifest: value, source });
  }
  return documents;
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
