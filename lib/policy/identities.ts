import { ClusterSettings } from './cluster-settings';

/**
 * How an authorization matches a client's mesh identity, as the policy controller parses identity strings
 * (policy-controller/core/src/identity_match.rs): `*` is any identity, `*.<suffix>` any identity ending in
 * `.<suffix>`, anything else (including `foo.*.bar` and `**.bar`) must equal the identity exactly.
 */
export type IdentityMatch = { readonly kind: 'exact'; readonly identity: string } | { readonly kind: 'suffix'; readonly parts: readonly string[] };

export function parseIdentityMatch(text: string): IdentityMatch {
  if (text === '*') return { kind: 'suffix', parts: [] };
  if (text.startsWith('*.')) return { kind: 'suffix', parts: text.split('.').slice(1) };
  return { kind: 'exact', identity: text };
}

/** The proxy's check (linkerd2-proxy server-policy `Suffix::contains`, and set membership for exact names). */
export function identityMatches(match: IdentityMatch, identity: string): boolean {
  if (match.kind === 'exact') return match.identity === identity;
  return match.parts.length === 0 || identity.endsWith(`.${match.parts.join('.')}`);
}

/** An identity match written the way Linkerd prints it (`*`, `*.ns.serviceaccount…`, or the exact name). */
export function describeIdentityMatch(match: IdentityMatch): string {
  return match.kind === 'exact' ? match.identity : ['*', ...match.parts].join('.');
}

/** What an identity string depends on: the trust domain and the control plane's namespace. */
export type IdentityDomain = Pick<ClusterSettings, 'trustDomain' | 'controlPlaneNamespace'>;

/**
 * The mesh identity of a ServiceAccount: `<sa>.<ns>.serviceaccount.identity.<control plane ns>.<trust domain>`. The one
 * place the format is written (the review report, the change review and the evaluator use it).
 */
export function serviceAccountIdentity(namespace: string, name: string, cluster: IdentityDomain): string {
  return `${name}.${namespace}.serviceaccount.identity.${cluster.controlPlaneNamespace}.${cluster.trustDomain}`;
}

/** The identity match of every ServiceAccount of a namespace (identityRefs kind Namespace). */
export function namespaceIdentity(namespace: string, cluster: IdentityDomain): string {
  return `*.${namespace}.serviceaccount.identity.${cluster.controlPlaneNamespace}.${cluster.trustDomain}`;
}

/** The ServiceAccount (`ns/name`) an identity names in this cluster's trust domain, if it names one. */
export function serviceAccountOfIdentity(identity: string, cluster: IdentityDomain): { namespace: string; name: string } | undefined {
  const suffix = `.serviceaccount.identity.${cluster.controlPlaneNamespace}.${cluster.trustDomain}`;
  if (!identity.endsWith(suffix)) return undefined;
  const parts = identity.slice(0, -suffix.length).split('.');
  return parts.length === 2 && parts.every((p) => p !== '' && p !== '*') ? { name: parts[0], namespace: parts[1] } : undefined;
}

const DNS_LIKE_IDENTITY = /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TRUST_DOMAIN_CHARS = /^[a-z0-9\-._]+$/;
const PATH_SEGMENT_CHARS = /^[a-zA-Z0-9\-._]*$/;

/**
 * Why Linkerd's admission webhook refuses an identity string of a MeshTLSAuthentication, or undefined when it
 * admits it (policy-controller/runtime/src/validation.rs `validate_identity`): a SPIFFE ID, or a DNS-like name
 * whose labels are lowercase alphanumerics and dashes, the first label possibly `*`.
 */
export function identityError(identity: string): string | undefined {
  if (identity.startsWith('spiffe://')) {
    const rest = identity.slice('spiffe://'.length);
    const slash = rest.indexOf('/') === -1 ? rest.length : rest.indexOf('/');
    if (slash === 0) return 'SPIFFE trust domain is missing';
    if (!TRUST_DOMAIN_CHARS.test(rest.slice(0, slash))) {
      return 'SPIFFE trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores';
    }
    const path = rest.slice(slash);
    if (path === '') return undefined;
    const segments = path.split('/').slice(1);
    for (const [i, segment] of segments.entries()) {
      if (segment === '') return i === segments.length - 1 ? 'SPIFFE path cannot have a trailing slash' : 'SPIFFE path cannot contain empty segments';
      if (segment === '.' || segment === '..') return 'SPIFFE path cannot contain dot segments';
      if (!PATH_SEGMENT_CHARS.test(segment)) return 'SPIFFE path segment characters are limited to letters, numbers, dots, dashes, and underscores';
    }
    return undefined;
  }
  return DNS_LIKE_IDENTITY.test(identity)
    ? undefined
    : `identity must be a valid SPIFFE id or a DNS SAN, matching the regex: ${DNS_LIKE_IDENTITY.source}`;
}
