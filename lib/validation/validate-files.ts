/* eslint-disable no-bitwise -- word hashes (FNV-1a) and their bit filter are 32-bit integer arithmetic. */
/**
 * Reads and validates manifest files, what `npm run validate` does, with memory bounded for large targets.
 *
 * A target up to {@link PARTS_ABOVE_BYTES} is read whole, then validated. A larger one is validated in parts:
 * 1. its files are read (the YAML parsed once): each object's namespace is kept as a number (4 bytes an object), the
 *    objects without a namespace whole (cluster-scoped ones, and namespaced ones left to the apply namespace; but a
 *    Namespace object belongs to the namespace it declares), and every other object is written as one line of JSON to
 *    a temporary file (the spill: removed from its folder as soon as it is open, so a killed process leaves nothing);
 * 2. the spill's text is scanned for the words each object mentions (any run of a-z, 0-9 and "-" of any key or
 *    string, as 32-bit hashes, looked up at once: an over-approximation of every reference to a namespace or to an
 *    object without a namespace by name): namespaces that mention each other form one part (union-find), and each
 *    part notes the objects kept whole whose name it mentions;
 * 3. the spill is read again (JSON, several times cheaper than YAML); each part is complete once its last object is
 *    read, and complete parts are validated together, {@link PARTS_BATCH_OBJECTS} objects or more at a time (parts
 *    are independent, so a batch of them is judged as each one would be), beside the objects kept whole that they
 *    name (all of them for the part of the objects without a namespace), then dropped.
 * A check only relates objects of one namespace, objects through a namespace name one of them writes, or an object
 * without a namespace by its name; "allowed:" hints list the names of every object without a namespace of the kind.
 * So each batch sees all a check needs, and the problems are the same as the whole target's, in the same order
 * (tested on every corpus file and folder, with batches of 1 to 1000 objects, with and without the spill).
 * Memory holds: the objects kept whole; the objects of parts not yet complete (for a file written namespace by
 * namespace, one part; a file that interleaves its namespaces holds every part it has begun); one batch (up to the
 * bound, or one part larger than it); and per object 4 bytes, per namespace under a hundred. It cannot be bounded by one
 * document: the cross-object checks must see every object of a part at once, and a part is as large as the file's
 * namespaces are connected (a namespace named by a common word, e.g. "app", joins every namespace that mentions it).
 * When the spill cannot be written (no space, no temporary folder), steps 2 and 3 read the YAML files again: slower,
 * same problems.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StringDecoder } from 'string_decoder';
import { judgeTarget, PositionedProblem } from './judge-target';
import {
  explainYaml11Readings, ManifestFile, ManifestSink, ManifestTarget, manifestTargets, readManifestFile, SourcedYaml11Reading,
} from './load-manifests';
import { ValidateOptions, ValidationProblem, ValidationSubject } from './model';
import { identify } from './object-identity';
import { SchemaRegistry } from './schema/schema-registry';
import { getOrCreate } from './values';

/** Targets whose files add up to more bytes than this are validated in parts. */
export const PARTS_ABOVE_BYTES = 16 * 2 ** 20;

/** Complete parts are validated together, in one run of the checks, up to this many objects (a larger part alone). */
export const PARTS_BATCH_OBJECTS = 1000;

export interface ValidateFilesOptions extends ValidateOptions {
  /**
   * Targets whose files add up to more bytes are validated in parts (see validate-files.ts); 0 for every target.
   * @default PARTS_ABOVE_BYTES (16 MiB)
   */
  readonly partsAboveBytes?: number;
  /**
   * Complete parts are validated together up to this many objects.
   * @default PARTS_BATCH_OBJECTS
   */
  readonly partsBatchObjects?: number;
  /**
   * Where the objects read in the first pass are written for the second (a temporary file, removed at once).
   * @default os.tmpdir()
   */
  readonly spillDirectory?: string;
  /** Called with what validating a target in parts held and did (for tests and measurements). */
  readonly partsReport?: (report: PartsReport) => void;
}

/** What validating one target in parts held and did. */
export interface PartsReport {
  /** Parts: groups of namespaces that mention each other (see validate-files.ts), with their objects. */
  readonly parts: number;
  /** Runs of the checks: batches of complete parts. */
  readonly batches: number;
  /** Objects without a namespace, kept whole from the first pass to the end. */
  readonly keptWhole: number;
  /** The most parsed objects held at once: those kept whole, those of parts not yet complete, the batch. */
  readonly mostObjectsHeld: number;
  /** Whether the second pass read the spill file (false: it read the YAML files again). */
  readonly spilled: boolean;
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

/** What one target gave: its reading problems and YAML 1.1 readings, then its validation problems. */
export interface ValidatedTarget {
  readonly readProblems: ValidationProblem[];
  readonly yaml11Readings: SourcedYaml11Reading[];
  readonly documents: number;
  readonly objects: number;
  readonly problems: ValidationProblem[];
}

/**
 * Validates each target (its files listed, not necessarily stat'ed), resolving to one result per target in the same
 * order; it may wait for other threads (validate-threads.ts' onThreads: on worker threads).
 */
export type AsyncTargetsValidator = (targets: readonly ManifestTarget[], options: ValidateFilesOptions) => Promise<ValidatedTarget[]>;

/**
 * Reads the paths as {@link loadManifestFiles} does (each directory one target, each file its own) and validates each
 * target as {@link validateTargets} does, one after the other in this thread, with the same problems in the same order,
 * and YAML 1.1 readings explained.
 */
export function validateManifestFiles(paths: readonly string[], options: ValidateFilesOptions = {}): ValidatedFiles {
  const targets = manifestTargets(paths);
  return validatedFiles(targets, targets.map((target) => validateListedTarget(target, options)));
}

/** {@link validateManifestFiles} with the targets validated by `validateEach` (validate-threads.ts' onThreads). */
export async function validateManifestFilesAsync(paths: readonly string[], options: ValidateFilesOptions,
  validateEach: AsyncTargetsValidator): Promise<ValidatedFiles> {
  const targets = manifestTargets(paths);
  return validatedFiles(targets, await validateEach(targets, options));
}

function validatedFiles(targets: readonly ManifestTarget[], results: readonly ValidatedTarget[]): ValidatedFiles {
  const directoriesWithoutYaml = targets.filter((target) => target.isDirectory && target.files.length === 0).map((target) => target.given);
  const readProblems = results.flatMap((result) => result.readProblems);
  const yaml11Readings = results.flatMap((result) => result.yaml11Readings);
  const judged = results.flatMap((result) => result.problems);
  const documents = results.reduce((sum, result) => sum + result.documents, 0);
  const objects = results.reduce((sum, result) => sum + result.objects, 0);
  const problems = explainYaml11Readings([...readProblems, ...judged], yaml11Readings);
  return { problems, objects, targets: targets.length, directoriesWithoutYaml, documents };
}

/**
 * The file with its size: as known, else stat'ed now (the reader then skips its own fstat). A file that cannot be
 * stat'ed stays without one and fails when it is read, with the error it would give without this.
 */
export function fileWithSize(file: ManifestFile): ManifestFile {
  if (file.bytes !== undefined) return file;
  const bytes = fs.statSync(file.path, { throwIfNoEntry: false })?.size;
  return bytes === undefined ? file : { path: file.path, label: file.label, bytes };
}

/**
 * The target with each file's size ({@link fileWithSize}), and their sum. Done by the thread that validates the
 * target, so that on threads the stat calls are shared too.
 */
export function withFileSizes(target: ManifestTarget): { readonly target: ManifestTarget; readonly bytes: number } {
  const files = target.files.map(fileWithSize);
  const bytes = files.reduce((sum, file) => sum + (file.bytes ?? 0), 0);
  return { target: files.every((file, at) => file === target.files[at]) ? target : { ...target, files }, bytes };
}

/** Reads and validates one target: whole, or in parts when its files add up to more than {@link ValidateFilesOptions.partsAboveBytes}. */
export function validateListedTarget(listed: ManifestTarget, options: ValidateFilesOptions = {}): ValidatedTarget {
  const { target, bytes } = withFileSizes(listed);
  if (bytes <= (options.partsAboveBytes ?? PARTS_ABOVE_BYTES)) return judgeReadTarget(readWholeTarget(target), options);
  const sink = { problems: [] as ValidationProblem[], yaml11Readings: [] as SourcedYaml11Reading[] };
  const result = judgeInParts(target, sink, options);
  const problems = result.problems.map((entry) => entry.problem);
  return { readProblems: sink.problems, yaml11Readings: sink.yaml11Readings, documents: result.documents, objects: result.objects, problems };
}

/** A target read whole and not yet judged: the first half of {@link validateListedTarget}. */
interface ReadTarget {
  readonly name: string;
  readonly readProblems: ValidationProblem[];
  readonly yaml11Readings: SourcedYaml11Reading[];
  readonly documents: number;
  readonly subjects: ValidationSubject[];
}

/** Reads every file of a target whole (what {@link validateListedTarget} does up to the size for parts). */
function readWholeTarget(target: ManifestTarget): ReadTarget {
  const sink = { problems: [] as ValidationProblem[], yaml11Readings: [] as SourcedYaml11Reading[] };
  const subjects: ValidationSubject[] = [];
  const documents = readTarget(target, sink, {
    subject: (subject, position) => {
      subjects[position] = subject;
    },
    unreadable: (before) => {
      subjects.length = before;
    },
  });
  return { name: target.name, readProblems: sink.problems, yaml11Readings: sink.yaml11Readings, documents, subjects };
}

/** Judges a target {@link readWholeTarget} read: the second half of {@link validateListedTarget}. */
function judgeReadTarget(read: ReadTarget, options: ValidateOptions = {}): ValidatedTarget {
  const problems = judgeTarget({ name: read.name, subjects: read.subjects }, options).map((entry) => entry.problem);
  return { readProblems: read.readProblems, yaml11Readings: read.yaml11Readings, documents: read.documents, objects: read.subjects.length, problems };
}

type ReadSink = Omit<ManifestSink, 'subject'>;

interface JudgedTarget {
  readonly documents: number;
  readonly objects: number;
  readonly problems: readonly PositionedProblem[];
}


/** What is done with a target's objects as its files are read. */
interface TargetReading {
  /** Each object, with its position in the target. */
  readonly subject: (subject: ValidationSubject, position: number) => void;
  /** A file starts at this position. */
  readonly fileStarts?: (position: number) => void;
  /** The file that started at this position was unreadable as a whole: what it gave from there on does not count. */
  readonly unreadable?: (position: number) => void;
}

/** Reads every file of the target, in order; returns the documents read. */
function readTarget(target: ManifestTarget, sink: ReadSink, reading: TargetReading): number {
  let documents = 0;
  let position = 0;
  for (const file of target.files) {
    const before = position;
    reading.fileStarts?.(before);
    const read = readManifestFile(file, target.name, { ...sink, subject: (s) => reading.subject(s, position++) });
    if (read === undefined) {
      position = before;
      reading.unreadable?.(before);
    } else {
      documents += read;
    }
  }
  return documents;
}

interface Member {
  readonly subject: ValidationSubject;
  readonly position: number;
}

/** A part whose objects have all been read, waiting for its batch. */
interface CompletePart {
  readonly root: number;
  readonly members: readonly Member[];
}

function judgeInParts(target: ManifestTarget, sink: ReadSink, options: ValidateFilesOptions): JudgedTarget {
  const registry = SchemaRegistry.default();
  const isClusterScoped = (group: string, kind: string) => registry.isClusterScoped(group, kind);
  const batchObjects = options.partsBatchObjects ?? PARTS_BATCH_OBJECTS;
  const spill = Spill.create(options.spillDirectory);
  try {
    // Pass 1: each object's namespace (a number), the names of the objects without a namespace; those objects are
    // kept whole (but Namespace objects, which belong to their namespace's part), the others written to the spill.
    const namespaces = new Map<string, number>();
    const namespaceNumber = (name: string): number => getOrCreate(namespaces, ownCopy(name), () => namespaces.size);
    const withoutNamespace = namespaceNumber('');
    const namespaceOf = new IntList(); // by position
    const kept: Member[] = [];
    const namesWithoutNamespace = new NamesByKind();
    let spillAtFileStart = 0;
    const documents = readTarget(target, sink, {
      subject: (subject, position) => {
        const id = identify(subject.manifest, isClusterScoped);
        const isNamespace = id.group === '' && id.kind === 'Namespace';
        namespaceOf.push(namespaceNumber(isNamespace ? id.name : id.namespace));
        if (id.namespace === '') namesWithoutNamespace.add(position, id.group, id.kind, id.name);
        if (id.namespace === '' && !isNamespace) kept.push({ subject, position });
        else spill?.write(position, !isNamespace, subject);
      },
      fileStarts: () => {
        spillAtFileStart = spill?.mark() ?? 0;
      },
      unreadable: (before) => {
        namespaceOf.length = before;
        while (kept.length > 0 && kept[kept.length - 1].position >= before) kept.pop();
        namesWithoutNamespace.dropFrom(before);
        spill?.rewind(spillAtFileStart);
      },
    });
    const objects = namespaceOf.length;
    const spilled = spill?.complete ?? false;

    // Between the passes: the words each object mentions (any key or string of it, but Namespace objects), read from
    // the spill's text (or the files again) and looked up at once: namespaces joined with every namespace whose name
    // their objects mention (union-find), and the objects kept whole that each namespace names by a word of their name.
    const parts = new UnionFind(namespaces.size);
    const namespacesByHash = new Map<number, number[]>();
    const filter = new HashFilter();
    for (const [name, namespace] of namespaces) {
      if (namespace === withoutNamespace) continue;
      const hash = wordHash(name);
      getOrCreate(namespacesByHash, hash, () => []).push(namespace);
      filter.add(hash);
    }
    const keptByHash = new Map<number, number[]>();
    kept.forEach((member, k) => {
      forEachWord(identify(member.subject.manifest, isClusterScoped).name, false, 0, undefined, (hash) => {
        getOrCreate(keptByHash, hash, () => []).push(k);
        filter.add(hash);
      });
    });
    const keptNamedBy = new Map<number, Set<number>>(); // namespace → indexes in kept
    const mentioned = (namespace: number) => (hash: number): void => {
      if (!filter.mayHave(hash)) return;
      for (const other of namespacesByHash.get(hash) ?? []) parts.join(namespace, other);
      const named = keptByHash.get(hash);
      if (named !== undefined) for (const k of named) getOrCreate(keptNamedBy, namespace, () => new Set()).add(k);
    };
    if (spilled) {
      spill!.scan((position, text, start, end) => forEachWord(text, true, start, end, mentioned(namespaceOf.at(position))));
    } else {
      let keptAt = 0;
      readTarget(target, { problems: [], yaml11Readings: [] }, {
        subject: (subject, position) => {
          if (keptAt < kept.length && kept[keptAt].position === position) {
            keptAt++;
            return;
          }
          const id = identify(subject.manifest, isClusterScoped);
          if (id.group === '' && id.kind === 'Namespace') return;
          forEachWord(JSON.stringify(subject.manifest), true, 0, undefined, mentioned(namespaceOf.at(position)));
        },
      });
    }
    namespacesByHash.clear();
    keptByHash.clear();
    const partOf = (position: number) => parts.root(namespaceOf.at(position));
    const withoutNamespacePart = parts.root(withoutNamespace);
    const contextOf = new Map<number, number[]>(); // part → indexes in kept, possibly repeated
    for (const [namespace, named] of keptNamedBy) getOrCreate(contextOf, parts.root(namespace), () => []).push(...named);
    keptNamedBy.clear();
    const preloaded = new Map<number, Member[]>(kept.length > 0 ? [[withoutNamespacePart, kept]] : []);
    const lastOf = new Int32Array(namespaces.size).fill(-1); // by part: the position of its last object read in pass 2
    let keptAt = 0;
    for (let position = 0; position < objects; position++) {
      if (keptAt < kept.length && kept[keptAt].position === position) keptAt++;
      else lastOf[partOf(position)] = position;
    }

    // Pass 2: the objects again, from the spill (or the files); complete parts judged together in batches.
    const problems: PositionedProblem[] = [];
    const judged = new Set<number>();
    let batch: CompletePart[] = [];
    let batchSize = 0; // with the part's objects kept whole, for the bound
    let batchRead = 0; // without them, for what is held
    let openObjects = 0;
    const stats = { parts: 0, batches: 0, mostObjectsHeld: 0, keptWhole: kept.length, spilled };
    const judgeBatch = (): void => {
      if (batch.length === 0) return;
      stats.batches++;
      const own = batch.flatMap((part) => [...part.members, ...(preloaded.get(part.root) ?? [])]).sort((a, b) => a.position - b.position);
      const ownPositions = new Set(own.map((member) => member.position));
      const context = batch.some((part) => part.root === withoutNamespacePart) ? kept
        : [...new Set(batch.flatMap((part) => contextOf.get(part.root) ?? []))].sort((a, b) => a - b).map((k) => kept[k]);
      const all = mergeByPosition(own, context.filter((member) => !ownPositions.has(member.position)));
      const positions = all.map((member) => member.position);
      const subjects = all.map((member) => member.subject);
      const part = { positions, reported: (i: number) => ownPositions.has(positions[i]), namesWithoutNamespace: namesWithoutNamespace.lookup };
      for (const entry of judgeTarget({ name: target.name, subjects }, options, part)) problems.push(entry);
      batch = [];
      batchSize = 0;
      batchRead = 0;
    };
    const complete = (root: number, members: readonly Member[]): void => {
      judged.add(root);
      stats.parts++;
      batch.push({ root, members });
      batchSize += members.length + (preloaded.get(root)?.length ?? 0);
      batchRead += members.length;
      if (batchSize >= batchObjects) judgeBatch();
    };
    const open = new Map<number, Member[]>();
    const replay = (subject: ValidationSubject, position: number): void => {
      const root = partOf(position);
      const members = getOrCreate(open, root, () => []);
      members.push({ subject, position });
      openObjects++;
      stats.mostObjectsHeld = Math.max(stats.mostObjectsHeld, kept.length + openObjects + batchRead);
      if (lastOf[root] === position) {
        open.delete(root);
        openObjects -= members.length;
        complete(root, members);
      }
    };
    if (spilled) {
      spill!.replay(replay);
    } else {
      keptAt = 0;
      readTarget(target, { problems: [], yaml11Readings: [] }, {
        subject: (subject, position) => {
          if (keptAt < kept.length && kept[keptAt].position === position) keptAt++;
          else replay(subject, position);
        },
      });
    }
    for (const root of preloaded.keys()) if (!judged.has(root)) complete(root, []);
    judgeBatch();
    options.partsReport?.(stats);
    // Batches are judged in the order their parts end; stable, so each object's problems keep their order.
    problems.sort((a, b) => a.position - b.position);
    return { documents, objects, problems };
  } finally {
    spill?.close();
  }
}

/** The names of the objects without a namespace, by kind, in target order: what a part's "allowed:" hints list. */
class NamesByKind {
  private readonly byKind = new Map<string, { positions: number[]; names: string[] }>();

  public add(position: number, group: string, kind: string, name: string): void {
    const entry = getOrCreate(this.byKind, `${group}/${kind}`, () => ({ positions: [], names: [] }));
    entry.positions.push(position);
    entry.names.push(ownCopy(name));
  }

  /** Forgets the names from this position on (a file that turned out unreadable). */
  public dropFrom(position: number): void {
    for (const entry of this.byKind.values()) {
      while (entry.positions.length > 0 && entry.positions[entry.positions.length - 1] >= position) {
        entry.positions.pop();
        entry.names.pop();
      }
    }
  }

  public readonly lookup = (group: string, kind: string): readonly string[] => this.byKind.get(`${group}/${kind}`)?.names ?? [];
}

/** Namespaces (by number) and the parts they belong to. */
class UnionFind {
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

/** A growable list of 32-bit integers: 4 bytes an entry. */
class IntList {
  public length = 0;
  private items = new Int32Array(1024);

  public push(value: number): void {
    if (this.length === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = value;
  }

  public at(index: number): number {
    return this.items[index];
  }
}

/**
 * Word hashes that may be in a set (a one-hash Bloom filter of 2^21 bits): most words an object mentions are neither a
 * namespace's name nor a word of a kept object's name, and are dismissed here without a map lookup.
 */
class HashFilter {
  private readonly bits = new Uint32Array(2 ** 16);

  public add(hash: number): void {
    this.bits[hash >>> 16] |= 1 << (hash & 31);
  }

  public mayHave(hash: number): boolean {
    return (this.bits[hash >>> 16] & (1 << (hash & 31))) !== 0;
  }
}

const BACKSLASH = 0x5c;

/**
 * Calls `each` with the hash of every word of text[start, end): every run of DNS-1123 label characters (a-z, 0-9, "-"),
 * what a namespace name or a word of an object's name can be. In JSON text (`json`: the keys and strings of an object,
 * with its numbers and literals: more words, never fewer) an escape is a separator: what it stands for is not a-z, 0-9, "-".
 */
function forEachWord(text: string, json: boolean, start: number, end: number | undefined, each: (hash: number) => void): void {
  const stop = end ?? text.length;
  let hash = FNV_OFFSET;
  let inWord = false;
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d) {
      hash = Math.imul(hash ^ c, FNV_PRIME);
      inWord = true;
      continue;
    }
    if (inWord) each(finish(hash));
    hash = FNV_OFFSET;
    inWord = false;
    if (json && c === BACKSLASH) i += text.charCodeAt(i + 1) === 0x75 ? 5 : 1; // \uXXXX, or \n, \" ...
  }
  if (inWord) each(finish(hash));
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** The hash {@link forEachWord} gives a word, here of the whole text (a namespace's name). */
function wordHash(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return finish(hash);
}

/** FNV-1a's bits mixed (murmur3's finalizer), so that the low bits used for slots are spread too. */
function finish(hash: number): number {
  let h = hash;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The objects of pass 1 in a temporary file, one line each (position, source and the object as JSON), so that pass 2
 * parses JSON instead of reading the YAML again (several times cheaper). The file is removed as soon as it is open
 * where the system allows it (a killed process leaves nothing); undefined when it cannot be written (no space, no
 * temporary folder): pass 2 reads the YAML files again.
 */
class Spill {
  public static create(directory = os.tmpdir()): Spill | undefined {
    let folder: string | undefined;
    try {
      folder = fs.mkdtempSync(path.join(directory, 'validate-parts-'));
      const file = path.join(folder, 'objects.jsonl');
      const fd = fs.openSync(file, 'w+', 0o600);
      try {
        fs.unlinkSync(file);
        fs.rmdirSync(folder);
        return new Spill(fd, undefined);
      } catch {
        return new Spill(fd, folder); // open files cannot be removed here (Windows): removed at the end
      }
    } catch {
      if (folder !== undefined) fs.rmSync(folder, { recursive: true, force: true });
      return undefined;
    }
  }

  public bytes = 0;
  private pending: string[] = [];
  private pendingLength = 0;
  private failed = false;

  private constructor(private readonly fd: number, private readonly leftover: string | undefined) {}

  /** Writes an object; `scan`: whether {@link scan} reads its words. */
  public write(position: number, scan: boolean, subject: ValidationSubject): void {
    if (this.failed) return;
    const line = `${position}\t${scan ? 1 : 0}\t${JSON.stringify(subject.source)}\t${JSON.stringify(subject.manifest)}\n`;
    this.pending.push(line);
    this.pendingLength += line.length;
    if (this.pendingLength >= SPILL_CHUNK) this.flush();
  }

  /** Where the next object goes, for {@link rewind}. */
  public mark(): number {
    this.flush();
    return this.bytes;
  }

  /** Forgets what was written from this mark on. */
  public rewind(mark: number): void {
    this.pending = [];
    this.pendingLength = 0;
    this.bytes = mark;
  }

  /** Calls `each` with every object written, in order (only when {@link complete}). */
  public replay(each: (subject: ValidationSubject, position: number) => void): void {
    this.lines((text, start, end) => {
      const tabs = lineTabs(text, start);
      const source = JSON.parse(text.slice(tabs[1] + 1, tabs[2])) as string;
      each({ source, manifest: JSON.parse(text.slice(tabs[2] + 1, end)) as Record<string, unknown> }, Number(text.slice(start, tabs[0])));
    });
  }

  /** Calls `each` with the JSON text of every object written to be scanned, as text[start, end), in order. */
  public scan(each: (position: number, text: string, start: number, end: number) => void): void {
    this.lines((text, start, end) => {
      const tabs = lineTabs(text, start);
      if (text.charCodeAt(tabs[0] + 1) === 0x31) each(Number(text.slice(start, tabs[0])), text, tabs[2] + 1, end);
    });
  }

  private lines(each: (text: string, start: number, end: number) => void): void {
    this.flush();
    const buffer = Buffer.allocUnsafe(Math.min(SPILL_CHUNK, Math.max(1, this.bytes)));
    const decoder = new StringDecoder('utf8');
    let unfinished: string[] = []; // the start of a line longer than what was read so far, in pieces
    for (let at = 0; at < this.bytes;) {
      const read = fs.readSync(this.fd, buffer, 0, Math.min(buffer.length, this.bytes - at), at);
      if (read === 0) throw new Error('the spill file ended early');
      at += read;
      const text = decoder.write(buffer.subarray(0, read));
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        if (unfinished.length === 0) {
          each(text, start, end);
        } else {
          const line = unfinished.join('') + text.slice(0, end);
          unfinished = [];
          each(line, 0, line.length);
        }
        start = end + 1;
      }
      if (start < text.length) unfinished.push(text.slice(start));
    }
  }

  /** True when everything written is in the file. */
  public get complete(): boolean {
    this.flush();
    return !this.failed;
  }

  public close(): void {
    fs.closeSync(this.fd);
    if (this.leftover !== undefined) fs.rmSync(this.leftover, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.pending.length === 0 || this.failed) return;
    const chunk = Buffer.from(this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
    try {
      for (let written = 0; written < chunk.length;) written += fs.writeSync(this.fd, chunk, written, chunk.length - written, this.bytes + written);
      this.bytes += chunk.length;
    } catch {
      this.failed = true;
    }
  }
}

const SPILL_CHUNK = 1024 * 1024;

/** The offsets of a spill line's three tabs (position, scan flag, source: none holds a tab, JSON escapes it). */
function lineTabs(text: string, start: number): [number, number, number] {
  const first = text.indexOf('\t', start);
  const second = text.indexOf('\t', first + 1);
  return [first, second, text.indexOf('\t', second + 1)];
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

/** A string that is not a slice of a larger one (V8 slices strings of 13 characters or more), so it keeps only itself. */
function ownCopy(text: string): string {
  return text.length < 13 ? text : Buffer.from(text).toString();
}
