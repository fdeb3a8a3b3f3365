/** A synthesized Kubernetes object as plain JSON. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** The API group of a manifest: `core` for the legacy group, as Linkerd and the Gateway API spell it. */
export function apiGroupOf(manifest: Pick<Manifest, 'apiVersion'>): string {
  const slash = manifest.apiVersion.indexOf('/');
  return slash === -1 ? 'core' : manifest.apiVersion.slice(0, slash);
}

/**
 * The identity the API server keys an object by: group, kind, namespace and name.
 * Written `group/Kind namespace/name`, or `group/Kind name` when cluster-scoped.
 */
export function objectIdOf(manifest: Manifest): string {
  const { namespace, name } = manifest.metadata;
  return `${apiGroupOf(manifest)}/${manifest.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}
