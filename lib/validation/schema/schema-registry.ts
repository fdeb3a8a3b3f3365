import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { describeKind } from '../object-identity';
import { parseGoDuration } from '../syntax/durations';
import { isQuantity } from '../syntax/quantity';
import { isObject, JsonObject } from '../values';
import { coreDefinitionToAjv, crdSchemaToAjv, LIST_MAP_KEYS_KEYWORD, QUANTITY_FORMAT } from './ajv-schema';
import { CORE_SCHEMA_ID, CoreDefinitions } from './core-definitions';
import { CrdCatalog } from './crd-catalog';

/** The compiled schema of one group/version/kind. */
export type SchemaLookup =
  | { readonly found: true; readonly validate: ValidateFunction; readonly crdSchema?: JsonObject }
  | { readonly found: false; readonly message: string };

/**
 * Compiles and caches one validator per group/version/kind, for the built-in API (from the 1.28 definitions) and for
 * the vendored CRDs. Nothing is read or compiled until a kind is first validated.
 */
export class SchemaRegistry {
  private static shared?: SchemaRegistry;

  public static default(): SchemaRegistry {
    SchemaRegistry.shared ??= new SchemaRegistry(CoreDefinitions.default(), CrdCatalog.default());
    return SchemaRegistry.shared;
  }

  private ajvInstance?: Ajv;
  private readonly cache = new Map<string, SchemaLookup>();

  public constructor(private readonly core: CoreDefinitions, private readonly crds: CrdCatalog) {}

  public isClusterScoped(group: string, kind: string): boolean {
    return this.crds.locate(group, kind)?.scope === 'Cluster' || this.core.isClusterScoped(group, kind);
  }

  public lookup(group: string, version: string, kind: string): SchemaLookup {
    const key = `${group}/${version}/${kind}`;
    let result = this.cache.get(key);
    if (!result) {
      result = this.compile(group, version, kind);
      this.cache.set(key, result);
    }
    return result;
  }

  private compile(group: string, version: string, kind: string): SchemaLookup {
    const crd = this.crds.locate(group, kind);
    if (crd) {
      const versions = this.crds.versions(crd);
      const crdVersion = versions.get(version);
      if (!crdVersion || !crdVersion.served) {
        const served = [...versions.values()].filter((v) => v.served).map((v) => `${group}/${v.name}`);
        return { found: false, message: `no schema for ${describeKind(group, version, kind)}; known: ${served.join(', ')}` };
      }
      return { found: true, validate: this.ajv().compile(crdSchemaToAjv(crdVersion.schema)), crdSchema: crdVersion.schema };
    }
    const definition = this.core.definitionName(group, version, kind);
    if (definition) {
      return { found: true, validate: this.ajv().compile({ $ref: `${CORE_SCHEMA_ID}#/definitions/${definition}` }) };
    }
    return { found: false, message: `no schema for ${describeKind(group, version, kind)}; known: ${this.knownKinds(group).join(', ')}` };
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

  private ajv(): Ajv {
    if (!this.ajvInstance) {
      const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, allowUnionTypes: true, validateSchema: false, inlineRefs: false, code: { optimize: false } });
      addFormats(ajv, ['date-time', 'uri', 'byte', 'int32', 'int64', 'float', 'double']);
      ajv.addFormat('duration', { type: 'string', validate: (value: string) => parseGoDuration(value) !== undefined });
      ajv.addFormat(QUANTITY_FORMAT, { type: 'string', validate: isQuantity });
      // Formats the API server does not check: accept anything rather than guess.
      for (const unchecked of ['string', 'url', 'int-or-string']) ajv.addFormat(unchecked, true);
      ajv.addKeyword({ keyword: LIST_MAP_KEYS_KEYWORD, type: 'array', schemaType: 'array', errors: true, validate: uniqueByKeys });
      const definitions = this.core.definitions();
      ajv.addSchema({
        $id: CORE_SCHEMA_ID,
        definitions: Object.fromEntries(Object.entries(definitions).map(([name, definition]) => [name, coreDefinitionToAjv(name, definition)])),
      });
      this.ajvInstance = ajv;
    }
    return this.ajvInstance;
  }
}

/** x-kubernetes-list-type: map: no two items may have the same values for all list-map-keys. */
function uniqueByKeys(this: unknown, keys: string[], items: unknown[]): boolean {
  const seen = new Map<string, number>();
  const errors: object[] = [];
  items.forEach((item, index) => {
    if (!isObject(item)) return;
    const identity = JSON.stringify(keys.map((key) => item[key] ?? null));
    const first = seen.get(identity);
    if (first === undefined) seen.set(identity, index);
    else errors.push({ keyword: LIST_MAP_KEYS_KEYWORD, params: { keys, duplicate: index, first, values: keys.map((key) => item[key]) } });
  });
  (uniqueByKeys as unknown as { errors: object[] }).errors = errors;
  return errors.length === 0;
}
