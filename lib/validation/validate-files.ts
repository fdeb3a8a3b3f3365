/**
 * Reads and validates manifest files, what `npm run validate` does, with memory bounded for large targets.
 *
 * A target up to {@link PARTS_ABOVE_BYTES} is read whole, then validated. A larger one is validated in parts, in two
 * passes over its files, so that memory does not hold every object of it at once:
 * 1. every document is read, and kept only as a summary: its namespace and, once per namespace, the words its objects
 *    mention (any label-like word of any key or string: an over-approximation of every reference to a namespace or to
 *    a cluster-scoped object by name); cluster-scoped objects are kept whole;
 * 2. namespaces that mention each other form one part (union-find). The files are read again, and each part is
 *    validated as soon as its last object has been read, beside the cluster-scoped objects its objects name, then
 *    dropped. A Namespace object belongs to its namespace's part; other cluster-scoped objects (and objects without
 *    a namespace) form one part, beside every cluster-scoped object.
 * A check only relates objects of one namespace, objects through a namespace name one of them writes, or a
 * cluster-scoped object by its name: each part holds all of them, so the problems are the same as the whole target's
 * (tested on every corpus file and folder). Memory holds the summaries, the cluster-scoped objects and the parts
 * being read: for a file written namespace by namespace, one part. Reading twice costs time: about 2.5x the CPU.
 */
import * as fs from 'fs';
import { judgeTarget, PositionedProblem } from './judge-target';
import { explainYaml11Readings, ManifestSink, ManifestTarget, manifestTargets, readManifestFile, SourcedYaml11Reading } from './load-manifests';
import { ValidateOptions, ValidationProblem, ValidationSubject } from './model';
import { identify } from './object-identity';
import { SchemaRegistry } from './schema/schema-registry';

/** Targets whose files add up to more bytes than this are validated in parts. */
export const PARTS_ABOVE_BYTES = 16 * 2 ** 20;

export interface ValidateFilesOptions extends ValidateOptions {
  /**
   * Targets whose files add up to more bytes are validated in parts (see validate-files.ts); 0 for every target.
   * @default PARTS_ABOVE_BYTES (16 MiB)
   */
  readonly partsAboveBytes?: number;
}

/** What {@link validateManifestFiles} found. */
export interface ValidatedFiles {
  /** Problems of reading (per file, in order), then of validation (by target, object, check). */
  readonly problems: ValidationProblem[];
  readonly objects: number;
  readonly targets: number;
  /** Directories given that hold no *.yaml or *.yml file (at any depth). */
  readonly directoriesWithoutYaml: string[];
  /** Documents with content, over all files. */
  readonly documents: number;
}

/** One target with the bytes of its files (what decides whether it is validated in parts). */
export interface SizedTarget {
  readonly target: ManifestTarget;
  readonly bytes: number;
}

/** What one target gave: its reading problems and YAML 1.1 readings, then its validation problems. */
export interface ValidatedTarget {
  readonly readProblems: ValidationProblem[];
  readonly yaml11Readings: SourcedYaml11Reading[];
  readonly documents: number;
  readonly objects: number;
  readonly problems: ValidationProblem[];
}

/** Validates each target, returning one result per target in the same order (validate-threads.ts: on worker threads). */
export type TargetsValidator = (targets: readonly SizedTarget[], options: ValidateFilesOptions) => ValidatedTarget[];

/**
 * Reads the paths as {@link loadManifestFiles} does (each directory one target, each file its own) and validates each
 * target as {@link validateTargets} does, with the same problems in the same order, and YAML 1.1 readings explained.
 * `validateEach` validates the targets, by default one after the other in this thread.
 */
export function validateManifestFiles(paths: readonly string[], options: ValidateFilesOptions = {},
  validateEach: TargetsValidator = (targets, each) => targets.map((target) => validateSizedTarget(target, each))): ValidatedFiles {
  const targets = manifestTargets(paths);
  const directoriesWithoutYaml = targets.filter((target) => target.isDirectory && target.files.length === 0).map((target) => target.given);
  // A file that cannot be stat'ed fails when it is read, with the same error as without this sum.
  const sized = targets.map((target) => ({
    target, bytes: target.files.reduce((sum, file) => sum + (fs.statSync(file.path, { throwIfNoEntry: false })?.size ?? 0), 0),
  }));
  const results = validateEach(sized, options);
  const readProblems = results.flatMap((result) => result.readProblems);
  const yaml11Readings = results.flatMap((result) => result.yaml11Readings);
  const judged = results.flatMap((result) => result.problems);
  const documents = results.reduce((sum, result) => sum + result.documents, 0);
  const objects = results.reduce((sum, result) => sum + result.objects, 0);
  const problems = explainYaml11Readings([...readProblems, ...judged], yaml11Readings);
  return { problems, objects, targets: targets.length, directoriesWithoutYaml, documents };
}

/** Reads and validates one target: whole, or in parts above {@link ValidateFilesOptions.partsAboveBytes}. */
export function validateSizedTarget({ target, bytes }: SizedTarget, options: ValidateFilesOptions = {}): ValidatedTarget {
  const sink = { problems: [] as ValidationProblem[], yaml11Readings: [] as SourcedYaml11Reading[] };
  const result = bytes > (options.partsAboveBytes ?? PARTS_ABOVE_BYTES) ? judgeInParts(target, sink, options) : judgeWhole(target, sink, options);
  const problems = result.problems.map((entry) => entry.problem);
  return { readProblems: sink.problems, yaml11Readings: sink.yaml11Readings, documents: result.documents, objects: result.objects, problems };
}

type ReadSink = Omit<ManifestSink, 'subject'>;

interface JudgedTarget {
  readonly documents: number;
  readonly objects: number;
  readonly problems: readonly PositionedProblem[];
}

/** Reads every file of the target, calling `subject` with each object and its position; returns the documents read. */
function readTarget(target: ManifestTarget, sink: ReadSink, subject: (subject: ValidationSubject, position: number) => void,
  unreadable?: (positionsBefore: number) => void): number {
  let documents = 0;
  let position = 0;
  for (const file of target.files) {
    const before = position;
    const read = readManifestFile(file, target.name, { ...sink, subject: (s) => subject(s, position++) });
    if (read === undefined) {
      position = before; // the whole file is unreadable: what it gave does not count
      unreadable?.(before);
    } else {
      documents += read;
    }
  }
  return documents;
}

function judgeWhole(target: ManifestTarget, sink: ReadSink, options: ValidateOptions): JudgedTarget {
  const subjects: ValidationSubject[] = [];
  const documents = readTarget(target, sink, (subject, position) => {
    subjects[position] = subject;
  }, (before) => {
    subjects.length = before;
  });
  return { documents, objects: subjects.length, problems: judgeTarget({ name: target.name, subjects }, options) };
}

/** Namespaces (by number) and the parts they belong to: union-find. */
class NamespaceParts {
  private readonly parent: Int32Array;

  public constructor(size: number) {
    this.parent = Int32Array.from({ length: size }, (_, i) => i);
  }

  public root(namespace: number): number {
    let root = namespace;
    while (this.parent[root] !== root) root = this.parent[root];
    for (let at = namespace; at !== root;) {
      const next = this.parent[at];
      this.parent[at] = root;
      at = next;
    }
    return root;
  }

  public join(a: number, b: number): void {
    const rootA = this.root(a);
    const rootB = this.root(b);
    if (rootA !== rootB) this.parent[rootB] = rootA;
  }
}

interface Member {
  readonly subject: ValidationSubject;
  readonly position: number;
}

function judgeInParts(target: ManifestTarget, sink: ReadSink, options: ValidateOptions): JudgedTarget {
  const registry = SchemaRegistry.default();
  const isClusterScoped = (group: string, kind: string) => registry.isClusterScoped(group, kind);

  // Pass 1: summaries; cluster-scoped objects whole. A summary is the object's namespace (a number) and, once per
  // namespace and word, the words its objects mention. A Namespace object belongs to the namespace it declares.
  const namespaces = new Words();
  const namespaceOf: number[] = [];
  const mentionedBy = new Map<string, number[]>(); // word → the namespaces whose objects mention it
  const clusterScoped: Member[] = [];
  const documents = readTarget(target, sink, (subject, position) => {
    const id = identify(subject.manifest, isClusterScoped);
    const namespace = namespaces.number(id.group === '' && id.kind === 'Namespace' ? id.name : id.namespace);
    namespaceOf[position] = namespace;
    if (id.clusterScoped) {
      clusterScoped.push({ subject, position });
      return;
    }
    for (const word of mentionedWords(subject.manifest)) {
      const by = mentionedBy.get(word);
      if (by === undefined) mentionedBy.set(ownCopy(word), [namespace]);
      else if (by[by.length - 1] !== namespace && !by.includes(namespace)) by.push(namespace);
    }
  }, (before) => {
    namespaceOf.length = before; // words mentioned by the dropped objects stay: more joined parts, never fewer
    while (clusterScoped.length > 0 && clusterScoped[clusterScoped.length - 1].position >= before) clusterScoped.pop();
  });
  const objects = namespaceOf.length;
  const parts = new NamespaceParts(namespaces.size);
  for (const [word, by] of mentionedBy) {
    const mentioned = namespaces.find(word);
    if (mentioned !== undefined) for (const namespace of by) parts.join(namespace, mentioned);
  }
  const partOf = (position: number) => parts.root(namespaceOf[position]);
  const clusterPart = parts.root(namespaces.number(''));

  // The cluster-scoped objects each part needs beside its own: those whose name a member mentions (all of them for
  // the cluster part).
  const contextOf = new Map<number, Set<Member>>();
  for (const member of clusterScoped) {
    const name = identify(member.subject.manifest, isClusterScoped).name;
    for (const word of name.split(WORD_SEPARATORS)) {
      for (const namespace of mentionedBy.get(word) ?? []) getOrAdd(contextOf, parts.root(namespace), () => new Set()).add(member);
    }
  }
  mentionedBy.clear();
  const preloaded = new Map<number, Member[]>();
  for (const member of clusterScoped) getOrAdd(preloaded, partOf(member.position), () => []).push(member);
  const last = new Map<number, number>();
  let clusterAt = 0;
  for (let position = 0; position < objects; position++) {
    if (clusterAt < clusterScoped.length && clusterScoped[clusterAt].position === position) clusterAt++;
    else last.set(partOf(position), position);
  }

  // Pass 2: read again, judge each part once its last object is read.
  const problems: PositionedProblem[] = [];
  const judged = new Set<number>();
  const judgePart = (part: number, read: readonly Member[]): void => {
    judged.add(part);
    const own = mergeByPosition(read, preloaded.get(part) ?? []);
    const ownPositions = new Set(own.map((member) => member.position));
    const candidates = part === clusterPart ? clusterScoped : [...(contextOf.get(part) ?? [])].sort((a, b) => a.position - b.position);
    const all = mergeByPosition(own, candidates.filter((member) => !ownPositions.has(member.position)));
    const positions = all.map((member) => member.position);
    const subjects = all.map((member) => member.subject);
    problems.push(...judgeTarget({ name: target.name, subjects }, options, { positions, reported: (i) => ownPositions.has(positions[i]) }));
  };
  const open = new Map<number, Member[]>();
  clusterAt = 0;
  readTarget(target, { problems: [], yaml11Readings: [] }, (subject, position) => {
    if (clusterAt < clusterScoped.length && clusterScoped[clusterAt].position === position) {
      clusterAt++;
      return; // kept from pass 1
    }
    const part = partOf(position);
    const members = getOrAdd(open, part, () => []);
    members.push({ subject, position });
    if (last.get(part) === position) {
      open.delete(part);
      judgePart(part, members);
    }
  });
  for (const part of preloaded.keys()) if (!judged.has(part)) judgePart(part, []);
  // Parts are judged in the order they end; stable, so each object's problems keep their order.
  problems.sort((a, b) => a.position - b.position);
  return { documents, objects, problems };
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

function mergeByPosition<T extends { position: number }>(a: readonly T[], b: readonly T[]): T[] {
  const merged: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].position < b[j].position)) merged.push(a[i++]);
    else merged.push(b[j++]);
  }
  return merged;
}

/** Strings numbered, each held once as a copy of its own (not a slice keeping a whole document's text alive). */
class Words {
  private readonly byWord = new Map<string, number>();
  private readonly list: string[] = [];

  public get size(): number {
    return this.list.length;
  }

  public number(word: string): number {
    let number = this.byWord.get(word);
    if (number === undefined) {
      const copy = ownCopy(word);
      number = this.list.push(copy) - 1;
      this.byWord.set(copy, number);
    }
    return number;
  }

  public find(word: string): number | undefined {
    return this.byWord.get(word);
  }
}

/** A string that is not a slice of a larger one (V8 slices strings of 13 characters or more), so it keeps only itself. */
function ownCopy(text: string): string {
  return text.length < 13 ? text : Buffer.from(text).toString();
}

const WORD_SEPARATORS = /[^a-z0-9-]+/;

/** Every word of the object's keys and strings that could be a namespace name (DNS-1123 label characters). */
function mentionedWords(value: unknown): Set<string> {
  const words = new Set<string>();
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      for (const word of node.split(WORD_SEPARATORS)) if (word !== '' && word.length <= 63) words.add(word);
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        visit(key);
        visit(item);
      }
    }
  };
  visit(value);
  return words;
}
