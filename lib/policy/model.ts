import { IdentityMatch } from './identities';
import { NetworkMatch } from './networks';

/** A Kubernetes object as plain JSON. */
// The model reads fields after checking their shape where it matters; `unknown` would need a cast at every step.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** `group/Kind namespace/name` of an object Linkerd reads, e.g. `policy.linkerd.io/HTTPRoute booksapp/authors-get-route`. */
export interface ObjectRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** What a client must present: nothing, any TLS, or a mesh identity one of the matches accepts. */
export type ClientAuthentication =
  | { readonly kind: 'unauthenticated' }
  | { readonly kind: 'tls-unauthenticated' }
  | { readonly kind: 'mesh-tls'; readonly identities: readonly IdentityMatch[] };

/**
 * One authorization of an inbound server or route, as the policy controller sends it to the proxy: a class of
 * clients (networks × authentication) and where it came from.
 */
export interface Authorization {
  /** `default:<name>` (all-unauthenticated, audit, probe, localhost...), `AuthorizationPolicy:<name>` or `ServerAuthorization:<name>`. */
  readonly source: { readonly kind: 'default' | 'AuthorizationPolicy' | 'ServerAuthorization'; readonly name: string };
  readonly networks: readonly NetworkMatch[];
  readonly authentication: ClientAuthentication;
  /** Why it applies here, for reason chains: "targets Server authors-server", "Server accessPolicy audit". */
  readonly via: string;
  /** The authentications it requires, for reason chains. */
  readonly requires: readonly string[];
}

export interface HttpMatch {
  readonly path?: { readonly type: 'Exact' | 'PathPrefix' | 'RegularExpression'; readonly value: string };
  readonly headers: readonly { readonly type: 'Exact' | 'RegularExpression'; readonly name: string; readonly value: string }[];
  readonly queryParams: readonly { readonly type: 'Exact' | 'RegularExpression'; readonly name: string; readonly value: string }[];
  readonly method?: string;
}

export interface GrpcMatch {
  readonly service?: string;
  readonly method?: string;
  readonly headers: readonly { readonly type: 'Exact' | 'RegularExpression'; readonly name: string; readonly value: string }[];
}

export interface RouteRule<M> {
  /** Empty: the rule matches every request (Gateway API's implicit `PathPrefix /`). */
  readonly matches: readonly M[];
  /** Filters the proxy applies (RequestRedirect, RequestHeaderModifier...), by type. */
  readonly filters: readonly string[];
}

/** An inbound route of a server: a route object, or one the policy controller synthesizes (`default`, `probe`). */
export interface InboundRoute<M> {
  readonly ref: ObjectRef | { readonly kind: 'default'; readonly name: 'default' | 'probe' };
  readonly hostnames: readonly string[];
  readonly rules: readonly RouteRule<M>[];
  /** Authorizations targeting the route itself (the proxy adds the server's after them). */
  readonly authorizations: readonly Authorization[];
}

export type ProxyProtocol = 'Detect' | 'HTTP/1' | 'HTTP/2' | 'gRPC' | 'opaque' | 'TLS';

export interface RateLimit {
  readonly policy: string;
  readonly total?: number;
  readonly identity?: number;
  readonly overrides: readonly { readonly requestsPerSecond: number; readonly identities: readonly string[] }[];
}

/**
 * What the policy controller serves for one port of one workload (policy-controller core `InboundServer`):
 * the Server that selected the port (or the default policy), its protocol, server-wide authorizations, the
 * routes for the protocol and the rate limit.
 */
export interface InboundServer {
  readonly server: ObjectRef | { readonly kind: 'default'; readonly policy: string };
  readonly protocol: ProxyProtocol;
  readonly authorizations: readonly Authorization[];
  /** The routes the proxy uses for this protocol: HTTP routes for Detect/HTTP/1/HTTP/2, gRPC routes for gRPC, none otherwise. */
  readonly httpRoutes: readonly InboundRoute<HttpMatch>[];
  readonly grpcRoutes: readonly InboundRoute<GrpcMatch>[];
  readonly rateLimit?: RateLimit;
  /** How the server was arrived at, for reason chains. */
  readonly reasons: readonly string[];
}

/** A workload whose pods run a Linkerd proxy (or not), with what the policy controller reads from its pod template. */
export interface PolicyWorkload {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Pod template annotations after the proxy injector copied the namespace's `config.linkerd.io/*` ones. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly meshed: boolean;
  /** Named TCP container ports (containers and init containers): name → port numbers. */
  readonly portNames: ReadonlyMap<string, readonly number[]>;
  readonly containerPorts: readonly number[];
  /** HTTP probe paths by port (liveness, readiness, startup). */
  readonly probes: ReadonlyMap<number, readonly string[]>;
}

/**
 * Something Linkerd accepts into the cluster but ignores or reads differently from what it says, found while
 * building the model: the basis of the validator's `semantic/*` problems.
 */
export interface PolicyFinding {
  readonly object: ObjectRef;
  readonly field: string;
  readonly rule: string;
  /** What is wrong, what Linkerd does with it, and what to write instead (`...; allowed: ...`). */
  readonly message: string;
}

/** Whether a route or server reference names an object (rather than one Linkerd synthesizes). */
export function isObjectRef(ref: ObjectRef | { readonly kind: string }): ref is ObjectRef {
  return 'namespace' in ref;
}
