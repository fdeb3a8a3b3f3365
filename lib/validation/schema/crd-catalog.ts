import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as jsYaml from 'js-yaml';
import { isObject, JsonObject } from '../values';
import { CRD_DIRECTORY, SCHEMA_CACHE_DIRECTORY } from './schema-files';

/** Where one CustomResourceDefinition lives, found without parsing the (large) YAML. */
export interface CrdLocation {
  readonly group: string;
  readonly kind: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly file: string;
  /** The CRD's YAML document text. */
  readonly text: string;
}

export interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly schema: JsonObject;
}

/**
 * The vendored CRDs, indexed by group/kind. The index is built with a cheap line scan; a CRD's YAML is only
 * parsed (with js-yaml, which tolerates the flagger file that `yaml` rejects) when an object of its kind is validated.
 * With a cache directory, each version parsed is also kept there as JSON, named by a hash of the CRD's text and the
 * version, and read back by later processes (and worker threads) instead of parsing the YAML again: an edited CRD has
 * another name, a file that cannot be read back as a version is parsed again and rewritten.
 */
export class CrdCatalog {
  /** The catalog of the repository's crds/ directory, created on first use, with its cache in node_modules/.cache. */
  public static default(): CrdCatalog {
    CrdCatalog.shared ??= new CrdCatalog(CRD_DIRECTORY, SCHEMA_CACHE_DIRECTORY);
    return CrdCatalog.shared;
  }

  private static shared?: CrdCatalog;

  private index?: Map<string, CrdLocation>;
  private readonly parsed = new Map<string, ReadonlyMap<string, CrdVersion>>();
  private readonly parsedSingly = new Map<string, CrdVersion | undefined>();

  public constructor(private readonly directory: string, private readonly cacheDirectory?: string) {}

  public locate(group: string, kind: string): CrdLocation | undefined {
    return this.locations().get(`${group}/${kind}`);
  }

  public all(): CrdLocation[] {
    return [...this.locations().values()];
  }

  /** The versions of a CRD by name, parsed on first request. */
  public versions(location: CrdLocation): ReadonlyMap<string, CrdVersion> {
    const key = `${location.group}/${location.kind}`;
    let versions = this.parsed.get(key);
    if (!versions) {
      versions = parseVersions(jsYaml.load(location.text));
      this.parsed.set(key, versions);
    }
    return versions;
  }

  /**
   * One version of a CRD. Multi-version CRDs (Linkerd's HTTPRoute has four, each a full schema) are large, so only the
   * requested version's part of the YAML is parsed when the document is laid out as generated CRDs are; otherwise the
   * whole document is.
   */
  public version(location: CrdLocation, name: string): CrdVersion | undefined {
    const whole = this.parsed.get(`${location.group}/${location.kind}`);
    if (whole) return whole.get(name);
    const key = `${location.group}/${location.kind}/${name}`;
    if (!this.parsedSingly.has(key)) this.parsedSingly.set(key, this.cachedVersion(location, name));
    return this.parsedSingly.get(key);
  }

  /** The version as parsed from the YAML, through the cache directory when there is one. */
  private cachedVersion(location: CrdLocation, name: string): CrdVersion | undefined {
    const parse = () => parseOneVersion(location.text, name) ?? this.versions(location).get(name);
    if (this.cacheDirectory === undefined) return parse();
    const digest = crypto.createHash('sha256').update(`${CACHE_FORMAT}\0${name}\0${location.text}`).digest('hex');
    const file = path.join(this.cacheDirectory, `crd-${digest}.json`);
    const cached = readCachedVersion(file, name);
    if (cached !== false) return cached;
    const version = parse();
    // Only what JSON gives back unchanged (js-yaml also reads timestamps as Dates, .inf as Infinity).
    if (version === undefined || isPlainJson(version)) writeCache(file, JSON.stringify({ version: version ?? null }));
    return version;
  }

  private locations(): Map<string, CrdLocation> {
    if (!this.index) {
      this.index = new Map();
      for (const file of yamlFilesUnder(this.directory)) {
        for (const text of fs.readFileSync(file, 'utf8').split(/^---[ \t]*$/m)) {
          const location = scanCrdDocument(file, text);
          if (location) this.index.set(`${location.group}/${location.kind}`, location);
        }
      }
    }
    return this.index;
  }
}

/** Reads group, names.kind and scope of a CRD document from its (conventionally formatted) top of file. */
function scanCrdDocument(file: string, text: string): CrdLocation | undefined {
  if (!/^kind:\s*CustomResourceDefinition\s*$/m.test(text)) return undefined;
  const group = /^ {2}group:\s*(\S+)\s*$/m.exec(text)?.[1];
  const kind = /^ {2}names:\s*$(?:\n {4}.*$)*?\n {4}kind:\s*(\S+)\s*$/m.exec(text)?.[1];
  const scope = /^ {2}scope:\s*(Namespaced|Cluster)\s*$/m.exec(text)?.[1] as CrdLocation['scope'] | undefined;
  if (!group || !kind || !scope) {
    throw new Error(`cannot index CustomResourceDefinition in ${file}: expected spec.group, spec.names.kind and spec.scope`);
  }
  return { group, kind, scope, file, text };
}

/** Changes when what the cache holds changes meaning, so that files of an earlier layout are not read. */
const CACHE_FORMAT = 'crd-version/1';

/** The version a cache file holds (undefined: the CRD has no such version), or false when it holds none readable. */
function readCachedVersion(file: string, name: string): CrdVersion | undefined | false {
  let cached: unknown;
  try {
    cached = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return false; // missing, unreadable or not JSON (cut short)
  }
  if (!isObject(cached) || !('version' in cached)) return false;
  if (cached.version === null) return undefined;
  const version = cached.version;
  const valid = isObject(version) && version.name === name && typeof version.served === 'boolean' && isObject(version.schema);
  return valid ? (version as unknown as CrdVersion) : false;
}

/** Writes under a temporary name, then renames: concurrent processes never read half a file. Failing to write is no error. */
function writeCache(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}

/** True when JSON.stringify then JSON.parse gives the same value back. */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.entries(value).every(([key, item]) => key !== '__proto__' && isPlainJson(item));
}

function parseVersions(document: unknown): ReadonlyMap<string, CrdVersion> {
  const versions = new Map<string, CrdVersion>();
  const spec = isObject(document) && isObject(document.spec) ? document.spec : {};
  for (const version of Array.isArray(spec.versions) ? spec.versions : []) {
    const parsed = crdVersion(version);
    if (parsed) versions.set(parsed.name, parsed);
  }
  return versions;
}

function crdVersion(version: unknown): CrdVersion | undefined {
  if (!isObject(version) || typeof version.name !== 'string') return undefined;
  const schema = isObject(version.schema) && isObject(version.schema.openAPIV3Schema) ? version.schema.openAPIV3Schema : {};
  return { name: version.name, served: version.served !== false, schema };
}

/**
 * Parses only the spec.versions item named `name`, or returns undefined when the document is not laid out as expected
 * (the caller then parses the whole document): a block list under "  versions:", items with unique names, and an item
 * that parses on its own (no aliases to anchors outside it) into one version of that name.
 */
export function parseOneVersion(text: string, name: string): CrdVersion | undefined {
  const items = versionItems(text);
  if (!items) return undefined;
  const names = items.map(versionNameOf);
  if (names.includes(undefined) || new Set(names).size !== names.length) return undefined;
  const item = items[names.indexOf(name)];
  if (!item) return undefined;
  let parsed: unknown;
  try {
    parsed = jsYaml.load(item.join('\n'));
  } catch {
    return undefined;
  }
  const version = Array.isArray(parsed) && parsed.length === 1 ? crdVersion(parsed[0]) : undefined;
  return version?.name === name ? version : undefined;
}

/**
 * The lines of each item of the block list under "  versions:" (spec.versions). Items start at the indentation of
 * the first one with "- "; the list ends at the first line (not blank, not a comment) indented less, or as much
 * without "- ", which in YAML belongs to an enclosing node.
 */
function versionItems(text: string): string[][] | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^ {2}versions:\s*$/.test(line));
  if (start < 0) return undefined;
  const items: string[][] = [];
  let itemIndent: number | undefined;
  for (const line of lines.slice(start + 1)) {
    const content = line.trimStart();
    if (content === '' || content.startsWith('#')) {
      items[items.length - 1]?.push(line);
      continue;
    }
    const indent = line.length - content.length;
    itemIndent ??= indent;
    const startsItem = indent === itemIndent && content.startsWith('- ');
    if (indent < itemIndent || (indent === itemIndent && !startsItem)) break;
    if (startsItem) items.push([line]);
    else if (items.length === 0) return undefined;
    else items[items.length - 1].push(line);
  }
  return items.length > 0 ? items : undefined;
}

/** The name of a version item: "- name: v1" or a "name: v1" line at the item's key indentation. */
function versionNameOf(item: string[]): string | undefined {
  const indent = item[0].length - item[0].trimStart().length;
  const keyIndent = ' '.repeat(indent + 2);
  for (const [i, line] of item.entries()) {
    const key = i === 0 ? line.slice(indent + 2) : line.startsWith(keyIndent) && line[indent + 2] !== ' ' ? line.slice(indent + 2) : undefined;
    const match = key === undefined ? null : /^name:\s*(\S+)\s*$/.exec(key);
    if (match) return match[1];
  }
  return undefined;
}

function yamlFilesUnder(directory: string): string[] {
  return fs
    .readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => fileNameOrder(a.name, b.name))
    .flatMap((entry) => {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) return yamlFilesUnder(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    });
}

/** The primary weights of ICU's root collation for the characters file names here are made of (punctuation first). */
const PRIMARY = new Map([...'_-.0123456789abcdefghijklmnopqrstuvwxyz'].flatMap((c, i) => [[c, i], [c.toUpperCase(), i]]));

/**
 * a.localeCompare(b), without its first call's cost (setting up ICU's collator takes tens of milliseconds, in every
 * process and worker thread): for names of ASCII letters, digits, "_", "-" and "." the collation is the primary
 * weights in order, then the shorter name, then lower case before upper case at the first difference in case.
 * Other names are left to localeCompare.
 */
export function fileNameOrder(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = PRIMARY.get(a[i]);
    const y = PRIMARY.get(b[i]);
    if (x === undefined || y === undefined) return a.localeCompare(b);
    if (x !== y) return x - y;
  }
  for (let i = length; i < Math.max(a.length, b.length); i++) if (!PRIMARY.has(a[i] ?? b[i])) return a.localeCompare(b);
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i] === a[i].toLowerCase() ? -1 : 1;
  return 0;
}
