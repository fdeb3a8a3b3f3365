import { describeKind } from '../object-identity';
import { getOrCreate, JsonObject } from '../values';
import { coreDefinitionRef, CoreDefinitions } from './core-definitions';
import { CrdCatalog } from './crd-catalog';
import { coreDefinitionToJsonSchema, crdSchemaToJsonSchema } from './json-schema';
import { StructuralValidator } from './structural-validator';

/** The schema of one group/version/kind. */
export type SchemaLookup =
  | { readonly found: true; readonly schema: JsonObject; readonly crdSchema?: JsonObject }
  | { readonly found: false; readonly message: string };

const DEFINITION_REF = /^#\/definitions\/(.+)$/;

/**
 * Finds and converts (once per process) the schema of each group/version/kind, from the built-in 1.28 definitions or
 * the vendored CRDs. Nothing is read or converted until a kind is first validated.
 */
export class SchemaRegistry {
  public static default(): SchemaRegistry {
    SchemaRegistry.shared ??= new SchemaRegistry(CoreDefinitions.default(), CrdCatalog.default());
    return SchemaRegistry.shared;
  }

  private static shared?: SchemaRegistry;

  public readonly validator = new StructuralValidator((ref) => this.resolveDefinition(ref));
  private readonly cache = new Map<string, SchemaLookup>();
  private readonly convertedDefinitions = new Map<string, JsonObject>();
  /** Whether a kind is cluster-scoped, by group and kind. */
  private readonly scopes = new Map<string, Map<string, boolean>>();

  public constructor(private readonly core: CoreDefinitions, private readonly crds: CrdCatalog) {}

  public isClusterScoped(group: string, kind: string): boolean {
    // Asked for every object of every target: answered once per group and kind.
    const kinds = getOrCreate(this.scopes, group, () => new Map<string, boolean>());
    let clusterScoped = kinds.get(kind);
    if (clusterScoped === undefined) {
      clusterScoped = this.crds.locate(group, kind)?.scope === 'Cluster' || this.core.isClusterScoped(group, kind);
      kinds.set(kind, clusterScoped);
    }
    return clusterScoped;
  }

  public lookup(group: string, version: string, kind: string): SchemaLookup {
    const key = `${group}/${version}/${kind}`;
    let result = this.cache.get(key);
    if (!result) {
      result = this.find(group, version, kind);
      this.cache.set(key, result);
    }
    return result;
  }

  private find(group: string, version: string, kind: string): SchemaLookup {
    const crd = this.crds.locate(group, kind);
    if (crd) {
      const crdVersion = this.crds.version(crd, version);
      if (!crdVersion || !crdVersion.served) {
        const served = [...this.crds.versions(crd).values()].filter((v) => v.served).map((v) => describeKind(group, v.name, kind));
        return { found: false, message: `no schema for ${describeKind(group, version, kind)}; known: ${served.join(', ')}` };
      }
      return { found: true, schema: crdSchemaToJsonSchema(crdVersion.schema), crdSchema: crdVersion.schema };
    }
    const definition = this.core.definitionName(group, version, kind);
    if (definition) {
      return { found: true, schema: { $ref: coreDefinitionRef(definition) } };
    }
    return { found: false, message: `no schema for ${describeKind(group, version, kind)}; known: ${this.knownKinds(group).join(', ')}` };
  }

  private resolveDefinition(ref: string): JsonObject | undefined {
    const name = DEFINITION_REF.exec(ref)?.[1];
    if (name === undefined) return undefined;
    let converted = this.convertedDefinitions.get(name);
    if (!converted) {
      const definition = this.core.definitions()[name];
      if (!definition) return undefined;
      converted = coreDefinitionToJsonSchema(name, definition);
      this.convertedDefinitions.set(name, converted);
    }
    return converted;
  }

  /** Kinds worth suggesting: the group's other kinds if the group is known, otherwise every custom kind. */
  private knownKinds(group: string): string[] {
    const core = this.core.kindsInGroup(group).map((key) => {
      const [, version, kind] = key.split('/');
      return describeKind(group, version, kind);
    });
    if (core.length > 0) return core;
    const sameGroup = this.crds.all().filter((crd) => crd.group === group);
    const candidates = sameGroup.length > 0 ? sameGroup : this.crds.all();
    const custom = candidates.map((crd) => `${crd.group} ${crd.kind}`).sort();
    return sameGroup.length > 0 ? custom : [...custom, 'the built-in Kubernetes 1.28 kinds'];
  }
}
