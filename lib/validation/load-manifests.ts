import * as fs from 'fs';
import * as path from 'path';
import { readDocumentStream } from './load/document-stream';
import { readKubectlDocument, Yaml11Reading, YamlReadingError } from './load/kubectl-reading';
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
  /** Scalars read as YAML 1.1 booleans or numbers (kubectl's reading) that YAML 1.2 reads otherwise, by source. */
  readonly yaml11Readings: readonly SourcedYaml11Reading[];
}

export interface SourcedYaml11Reading extends Yaml11Reading {
  readonly target: string;
  readonly source: string;
}

/**
 * Adds to a type error the YAML 1.1 reading behind it: `enabled: yes` in a string field is the boolean true for
 * kubectl (and so for the API server), which the schema check rightly refuses, but the user wrote "yes".
 */
export function explainYaml11Readings(problems: readonly ValidationProblem[], readings: readonly SourcedYaml11Reading[]): ValidationProblem[] {
  if (readings.length === 0) return [...problems];
  const byPlace = new Map(readings.map((reading) => [`${reading.target}\u0000${reading.source}\u0000${reading.field}`, reading]));
  return problems.map((problem) => {
    const reading = problem.rule === 'schema/type' ? byPlace.get(`${problem.target}\u0000${problem.source}\u0000${problem.field}`) : undefined;
    if (reading === undefined) return problem;
    const what = typeof reading.value === 'boolean' ? `the boolean ${reading.value}` : `the number ${reading.value}`;
    const explanation = `the unquoted ${reading.text} is ${what} in YAML 1.1, as kubectl reads it; quote it for a string`;
    return { ...problem, message: `${problem.message} (${explanation})` };
  });
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
  const yaml11Readings: SourcedYaml11Reading[] = [];
  for (const target of manifestTargets(paths)) {
    if (target.isDirectory && target.files.length === 0) directoriesWithoutYaml.push(target.given);
    const subjects: ValidationSubject[] = [];
    for (const file of target.files) {
      const before = subjects.length;
      const read = readManifestFile(file, target.name, { subject: (subject) => subjects.push(subject), problems, yaml11Readings });
      if (read === undefined) subjects.length = before;
      else documents += read;
    }
    targets.push({ name: target.name, subjects });
  }
  return { targets, problems, directoriesWithoutYaml, documents, yaml11Readings };
}

/** One target to read: a directory given (its YAML files, walked recursively in name order) or one file. */
export interface ManifestTarget {
  readonly given: string;
  readonly name: string;
  readonly isDirectory: boolean;
  readonly files: readonly ManifestFile[];
}

export interface ManifestFile {
  readonly path: string;
  /** The file relative to its target directory, as sources name it. */
  readonly label: string;
  /** Its size in bytes, when just stat'ed (the reader then skips its own fstat). */
  readonly bytes?: number;
}

/** The targets of the paths given, as {@link loadManifestFiles} reads them. */
export function manifestTargets(paths: readonly string[]): ManifestTarget[] {
  return paths.map((given) => {
    const isDirectory = fs.statSync(given).isDirectory();
    const name = path.basename(path.resolve(given));
    const files = isDirectory ? yamlFilesUnder(given) : [{ path: given, label: path.basename(given) }];
    return { given, name, isDirectory, files };
  });
}

/** Where {@link readManifestFile} puts what it reads. */
export interface ManifestSink {
  /** Each object read, in file order (called before the file is known to be readable to its end). */
  readonly subject: (subject: ValidationSubject) => void;
  readonly problems: ValidationProblem[];
  readonly yaml11Readings: SourcedYaml11Reading[];
}

/**
 * Reads one file's objects and problems, one document at a time. Returns its number of documents with content, or
 * undefined when the whole file turned out unreadable (binary, not UTF-8): then its one problem replaces what it
 * added to problems and readings, and the caller drops the objects it was given from this file.
 */
export function readManifestFile(file: ManifestFile, target: string, { subject, problems, yaml11Readings }: ManifestSink): number | undefined {
  const { path: filePath, label, bytes } = file;
  const problemsBefore = problems.length;
  const readingsBefore = yaml11Readings.length;
  let documents = 0;
  for (const item of readDocumentStream(filePath, bytes)) {
    if (item.kind === 'problem') {
      const problemSource = item.index === undefined ? label : `${label}#${item.index}`;
      const problem = { target, source: problemSource, object: '', field: '', rule: 'yaml/parse', message: item.message };
      if (item.wholeFile) {
        problems.length = problemsBefore;
        yaml11Readings.length = readingsBefore;
        problems.push(problem);
        return undefined;
      }
      problems.push(problem);
      continue;
    }
    documents++;
    const source = `${label}#${item.index}`;
    let value: unknown;
    try {
      const document = readKubectlDocument(item.text, item.firstLine);
      value = document.value;
      for (const reading of document.yaml11Readings) yaml11Readings.push({ target, source, ...reading });
    } catch (error) {
      if (!(error instanceof YamlReadingError)) throw error;
      problems.push({ target, source, object: '', field: '', rule: error.rule, message: error.message });
      continue;
    }
    if (value === null || value === undefined) continue;
    if (!isObject(value)) {
      const what = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
      const message = `document is ${what}; allowed: a Kubernetes object (a mapping with apiVersion and kind)`;
      problems.push({ target, source, object: '', field: '', rule: 'yaml/parse', message });
      continue;
    }
    subject({ manifest: value, source });
  }
  return documents;
}

/**
 * The YAML files below a directory in name order, each with its path relative to the directory ("/"-separated).
 * Paths are joined by hand, to the directory as path.join normalizes it: path.join and path.relative for each of
 * 20,000 files, and an array per entry for flatMap, cost more than reading the directories (85 ms against 30).
 */
function yamlFilesUnder(directory: string, prefix = '', files: ManifestFile[] = []): ManifestFile[] {
  const entries = fs.readdirSync(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const base = prefix === '' ? joinedPrefix(directory) : `${directory}${path.sep}`;
  for (const entry of entries) {
    const name = entry.name;
    if (entry.isDirectory()) yamlFilesUnder(`${base}${name}`, `${prefix}${name}/`, files);
    else if (name.endsWith('.yaml') || name.endsWith('.yml')) files.push({ path: `${base}${name}`, label: `${prefix}${name}` });
  }
  return files;
}

/** What path.join(directory, name) puts before `name` (for a name of one segment, as a directory entry is). */
export function joinedPrefix(directory: string): string {
  const normalized = path.join(directory, '.');
  if (normalized === '.') return '';
  return normalized.endsWith(path.sep) ? normalized : `${normalized}${path.sep}`;
}
