import { asString, getIn } from './values';

/** Who an object is: its API group/version/kind and namespaced name. */
export interface ObjectIdentity {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** "" when not set (cluster-scoped kinds, or namespaced objects left to the apply namespace). */
  readonly namespace: string;
  readonly name: string;
  readonly clusterScoped: boolean;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function identify(manifest: Record<string, unknown>, isClusterScoped: (group: string, kind: string) => boolean): ObjectIdentity {
  const { group, version } = splitApiVersion(asString(manifest.apiVersion) ?? '');
  const kind = asString(manifest.kind) ?? '';
  const clusterScoped = isClusterScoped(group, kind);
  return {
    group,
    version,
    kind,
    clusterScoped,
    namespace: clusterScoped ? '' : asString(getIn(manifest, 'metadata', 'namespace')) ?? '',
    name: asString(getIn(manifest, 'metadata', 'name')) ?? '',
  };
}

/** "policy.linkerd.io/Server booksapp/authors", "core/Namespace booksapp". */
export function describeObject(id: ObjectIdentity): string {
  const name = id.namespace === '' ? id.name || '<unnamed>' : `${id.namespace}/${id.name || '<unnamed>'}`;
  return `${id.group === '' ? 'core' : id.group}/${id.kind || '<no kind>'} ${name}`;
}

/** "group/version Kind" as used in schema lookups and messages. */
export function describeKind(group: string, version: string, kind: string): string {
  return `${group === '' ? '' : `${group}/`}${version} ${kind}`;
}
