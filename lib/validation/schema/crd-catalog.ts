import * as fs from 'fs';
import * as path from 'path';
import * as jsYaml from 'js-yaml';
import { isObject, JsonObject } from '../values';
import { CRD_DIRECTORY } from './schema-files';

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
 */
export class CrdCatalog {
  private static shared?: CrdCatalog;

  /** The catalog of the repository's crds/ directory, created on first use. */
  public static default(): CrdCatalog {
    CrdCatalog.shared ??= new CrdCatalog(CRD_DIRECTORY);
    return CrdCatalog.shared;
  }

  private index?: Map<string, CrdLocation>;
  private readonly parsed = new Map<string, ReadonlyMap<string, CrdVersion>>();

  public constructor(private readonly directory: string) {}

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
  if (!group || !kind || !scope) throw new Error(`cannot index CustomResourceDefinition in ${file}: expected spec.group, spec.names.kind and spec.scope`);
  return { group, kind, scope, file, text };
}

function parseVersions(document: unknown): ReadonlyMap<string, CrdVersion> {
  const versions = new Map<string, CrdVersion>();
  const spec = isObject(document) && isObject(document.spec) ? document.spec : {};
  for (const version of Array.isArray(spec.versions) ? spec.versions : []) {
    if (!isObject(version) || typeof version.name !== 'string') continue;
    const schema = isObject(version.schema) && isObject(version.schema.openAPIV3Schema) ? version.schema.openAPIV3Schema : {};
    versions.set(version.name, { name: version.name, served: version.served !== false, schema });
  }
  return versions;
}

function yamlFilesUnder(directory: string): string[] {
  return fs
    .readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) return yamlFilesUnder(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    });
}
