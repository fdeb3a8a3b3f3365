import { ClusterSettings, DEFAULT_INBOUND_POLICIES } from './cluster-settings';
import { describeIdentityMatch, IdentityMatch, namespaceIdentity, parseIdentityMatch, serviceAccountIdentity } from './identities';
import {
  Authorization,
  ClientAuthentication,
  GrpcMatch,
  HttpMatch,
  InboundRoute,
  InboundServer,
  Json,
  ObjectRef,
  PolicyFinding,
  PolicyWorkload,
  ProxyProtocol,
  RateLimit,
  RouteRule,
} from './model';
import { NetworkMatch } from './networks';
import { list } from './values';
import { groupOf, namespaceOf, policyWorkloads, portsOfAnnotation, selectorSelects } from './workloads';

const POLICY = 'policy.linkerd.io';
const GATEWAY = 'gateway.networking.k8s.io';
const ALL_NETWORKS: readonly NetworkMatch[] = [
  { cidr: '0.0.0.0/0', except: [] },
  { cidr: '::/0', except: [] },
];
const PROTOCOLS: Record<string, ProxyProtocol> = {
  unknown: 'Detect',
  'HTTP/1': 'HTTP/1',
  'HTTP/2': 'HTTP/2',
  gRPC: 'gRPC',
  opaque: 'opaque',
  TLS: 'TLS',
};

export interface ServerEntry {
  readonly ref: ObjectRef;
  readonly labels: Record<string, string>;
  readonly podSelector?: Json;
  readonly port: number | string;
  readonly protocol: ProxyProtocol;
  readonly accessPolicy?: string;
}

type PolicyTarget = { kind: 'Server'; name: string } | { kind: 'Namespace' } | { kind: 'route'; group: string; routeKind: string; name: string };

interface PolicyEntry {
  readonly ref: ObjectRef;
  readonly target: PolicyTarget;
  /** undefined when Linkerd ignores the policy; `ignored` says why. */
  readonly authorization?: Omit<Authorization, 'via'>;
  readonly ignored?: string;
}

interface RouteEntry<M> {
  readonly ref: ObjectRef;
  readonly parents: readonly string[];
  readonly route: Omit<InboundRoute<M>, 'authorizations'>;
}

interface LegacyAuthorization {
  readonly ref: ObjectRef;
  readonly selects: (server: ServerEntry) => boolean;
  readonly authorization?: Omit<Authorization, 'via'>;
  readonly ignored?: string;
}

interface RateLimitEntry {
  readonly ref: ObjectRef;
  readonly server: string;
  readonly limit: RateLimit;
}

/** `group/Kind ns/name`. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.group}/${ref.kind} ${ref.namespace}/${ref.name}`;
}

function refOf(m: Json): ObjectRef {
  return { group: groupOf(m), kind: m.kind, namespace: namespaceOf(m), name: m.metadata?.name ?? '' };
}

function compareNames(a: { ref: ObjectRef }, b: { ref: ObjectRef }): number {
  return a.ref.name < b.ref.name ? -1 : a.ref.name > b.ref.name ? 1 : 0;
}

/** Two lists sorted by name as one sorted list. */
function mergeByName<T extends { ref: ObjectRef }>(a: readonly T[], b: readonly T[]): T[] {
  const merged: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) merged.push(j >= b.length || (i < a.length && compareNames(a[i], b[j]) <= 0) ? a[i++] : b[j++]);
  return merged;
}

/** What the index looks up per Server and route, built once (see `InboundPolicyIndex.lookup`). */
interface Lookups {
  /** `<ns>\0Server\0<name>`, `<ns>\0Namespace`, `<ns>\0route\0<lowercase name>` → the AuthorizationPolicies targeting it, by name. */
  readonly policies: Map<string, PolicyEntry[]>;
  /** Namespace → ServerAuthorizations, by name. */
  readonly legacy: Map<string, LegacyAuthorization[]>;
  /** Per route map (HTTP, gRPC): `<ns>\0<Server name>` → the routes naming it as a parent. */
  readonly routesByParent: Map<unknown, Map<string, RouteEntry<unknown>[]>>;
  /** `<ns>\0<Server name>` → the rate limit Linkerd applies to it. */
  readonly rateLimits: Map<string, RateLimitEntry>;
}

function same(a: string | undefined, b: string): boolean {
  return (a ?? '').toLowerCase() === b.toLowerCase();
}

/** Whether a reference's group (empty or absent means core, as the policy controller reads it) and kind name a type. */
function targetsKind(ref: Json, group: string, kind: string): boolean {
  const refGroup = typeof ref.group === 'string' && ref.group !== '' ? ref.group : 'core';
  return same(refGroup, group) && same(ref.kind, kind);
}

/**
 * Linkerd's inbound policy index over a set of rendered manifests: the policy controller's view
 * (policy-controller/k8s/index/src/inbound/index.rs, and the status controller's route acceptance) of every
 * Server, route, authorization policy and authentication, with the CRD defaults the API server would apply.
 * `inboundServer` answers what the controller serves for one workload port.
 */
export class InboundPolicyIndex {
  public readonly workloads: readonly PolicyWorkload[];
  public readonly findings: PolicyFinding[] = [];
  private readonly servers = new Map<string, ServerEntry[]>();
  private readonly sortedServers = new Map<string, ServerEntry[]>();
  /** `<namespace>\0<label>=<value>` (the first label a Server's selector requires) or `<namespace>\0` (none) → Servers. */
  private serversByLabel: Map<string, { server: ServerEntry; order: number }[]> | undefined;
  /** Lookups built on first use, once every object is read: what policies target, routes by parent, rate limits by Server. */
  private lookups: Lookups | undefined;
  private readonly policies = new Map<string, PolicyEntry[]>();
  private readonly legacy = new Map<string, LegacyAuthorization[]>();
  private readonly httpRoutes = new Map<string, RouteEntry<HttpMatch>[]>();
  private readonly grpcRoutes = new Map<string, RouteEntry<GrpcMatch>[]>();
  private readonly rateLimits = new Map<string, RateLimitEntry[]>();
  /** `ns/name` → identity matches, or why the authentication is unusable. */
  private readonly meshTls = new Map<string, { matches?: IdentityMatch[]; ignored?: string; ref: ObjectRef }>();
  private readonly networkAuthns = new Map<string, { matches?: NetworkMatch[]; ignored?: string }>();

  constructor(
    manifests: readonly Json[],
    public readonly cluster: ClusterSettings,
  ) {
    this.workloads = policyWorkloads(manifests);
    // One pass sorts the manifests by group and kind (each kind's in their order), instead of a scan per kind.
    const byKind = new Map<string, Json[]>();
    for (const m of manifests) {
      if (typeof m.kind !== 'string') continue;
      const key = `${groupOf(m)} ${m.kind}`;
      const ofTheKind = byKind.get(key);
      if (ofTheKind) ofTheKind.push(m);
      else byKind.set(key, [m]);
    }
    const ofKind = (group: string, kind: string): readonly Json[] => byKind.get(`${group} ${kind}`) ?? [];
    for (const m of ofKind(POLICY, 'MeshTLSAuthentication')) this.addMeshTls(m);
    for (const m of ofKind(POLICY, 'NetworkAuthentication')) this.addNetworkAuthentication(m);
    for (const m of ofKind(POLICY, 'Server')) this.addServer(m);
    for (const m of ofKind(POLICY, 'AuthorizationPolicy')) this.addPolicy(m);
    for (const m of ofKind(POLICY, 'ServerAuthorization')) this.addServerAuthorization(m);
    for (const m of [...ofKind(POLICY, 'HTTPRoute'), ...ofKind(GATEWAY, 'HTTPRoute')]) this.addHttpRoute(m);
    for (const m of ofKind(GATEWAY, 'GRPCRoute')) this.addGrpcRoute(m);
    for (const m of ofKind(POLICY, 'HTTPLocalRateLimitPolicy')) this.addRateLimit(m);
    this.checkAttachments();
  }

  /** Servers of a namespace, oldest first: rendered objects have no creation time, so by name (index.rs `reindex_servers`). */
  public serversOf(namespace: string): readonly ServerEntry[] {
    let sorted = this.sortedServers.get(namespace);
    if (!sorted) {
      sorted = [...(this.servers.get(namespace) ?? [])].sort(compareNames);
      this.sortedServers.set(namespace, sorted);
    }
    return sorted;
  }

  /** The port numbers a Server's `port` names on a workload (a name may stand for several container ports). */
  public serverPorts(server: { port: number | string }, workload: PolicyWorkload): readonly number[] {
    return typeof server.port === 'number' ? [server.port] : (workload.portNames.get(server.port) ?? []);
  }

  /** The Server that selects a workload port, if any: the first by name when several do (the controller warns and skips the rest). */
  public serverFor(workload: PolicyWorkload, port: number): { server?: ServerEntry; conflicting: readonly ServerEntry[] } {
    const selecting = this.candidateServers(workload).filter(
      (s) => s.podSelector !== undefined && selectorSelects(s.podSelector, workload.labels) && this.serverPorts(s, workload).includes(port),
    );
    return { server: selecting[0], conflicting: selecting.slice(1) };
  }

  /**
   * The Servers of a workload's namespace that may select it, by name: those whose selector requires one of its labels,
   * and those that require none. Indexed once, so that finding the Server of every workload port stays linear.
   */
  private candidateServers(workload: PolicyWorkload): readonly ServerEntry[] {
    if (this.serversByLabel === undefined) {
      this.serversByLabel = new Map();
      for (const ns of this.servers.keys()) {
        this.serversOf(ns).forEach((server, order) => {
          const [label] = Object.entries((server.podSelector?.matchLabels ?? {}) as Record<string, string>);
          push(this.serversByLabel!, label ? `${ns}\0${label[0]}=${label[1]}` : `${ns}\0`, { server, order });
        });
      }
    }
    const candidates = [`${workload.namespace}\0`, ...Object.entries(workload.labels).map(([k, v]) => `${workload.namespace}\0${k}=${v}`)]
      .flatMap((key) => this.serversByLabel!.get(key) ?? []);
    return candidates.sort((a, b) => a.order - b.order).map((c) => c.server);
  }

  /** Every Server of the manifests, by namespace and name. */
  public allServers(): readonly ServerEntry[] {
    return [...this.servers.keys()].sort().flatMap((ns) => this.serversOf(ns));
  }

  /** What the policy controller serves the proxy of `workload` for inbound `port`. */
  public inboundServer(workload: PolicyWorkload, port: number): InboundServer {
    const { server, conflicting } = this.serverFor(workload, port);
    const probePaths = workload.probes.get(port) ?? [];
    if (!server) return this.defaultServer(workload, port, probePaths);
    const reasons = [
      `Server ${server.ref.namespace}/${server.ref.name} selects port ${port}` +
        `${typeof server.port === 'string' ? ` (port name "${server.port}")` : ''}, proxyProtocol ` +
        `${server.protocol === 'Detect' ? 'unknown (detected)' : server.protocol}`,
    ];
    for (const other of conflicting)
      reasons.push(`Server ${other.ref.name} also selects port ${port}; Linkerd keeps the first by creation time (here: by name) and ignores it`);
    return { ...this.serverPolicy(server, probePaths), reasons };
  }

  /** What the policy controller serves for a Server, given the probe paths of the port it selects. */
  public serverPolicy(server: ServerEntry, probePaths: readonly string[] = []): InboundServer {
    const reasons: string[] = [];
    const authorizations = this.serverAuthorizations(server);
    const httpRoutes = this.routesOf(this.httpRoutes, server, (r) => r.ref.kind === 'HTTPRoute' && !this.hasGrpcRoute(server));
    const grpcRoutes = this.routesOf(this.grpcRoutes, server, () => true);
    const isHttp = server.protocol === 'Detect' || server.protocol === 'HTTP/1' || server.protocol === 'HTTP/2';
    const rateLimit = isHttp ? this.rateLimitOf(server) : undefined;
    return {
      server: server.ref,
      protocol: server.protocol,
      authorizations,
      httpRoutes: isHttp ? (httpRoutes.length > 0 ? httpRoutes : this.defaultHttpRoutes(probePaths)) : [],
      grpcRoutes: server.protocol === 'gRPC' ? (grpcRoutes.length > 0 ? grpcRoutes : [DEFAULT_GRPC_ROUTE]) : [],
      rateLimit,
      reasons,
    };
  }

  /** The effective default inbound policy of a workload: pod annotation (or the namespace's, copied at injection), else the cluster's. */
  public defaultPolicyOf(workload: PolicyWorkload): { policy: string; reason: string } {
    const annotated = workload.annotations['config.linkerd.io/default-inbound-policy'];
    if (annotated !== undefined && (DEFAULT_INBOUND_POLICIES as readonly string[]).includes(annotated)) {
      return {
        policy: annotated,
        reason: `default inbound policy ${annotated} from the config.linkerd.io/default-inbound-policy annotation (pod or namespace)`,
      };
    }
    const invalid = annotated === undefined ? '' : ` (the annotation's "${annotated}" is not a policy; Linkerd ignores it)`;
    return { policy: this.cluster.defaultInboundPolicy, reason: `cluster default inbound policy ${this.cluster.defaultInboundPolicy}${invalid}` };
  }

  private defaultServer(workload: PolicyWorkload, port: number, probePaths: readonly string[]): InboundServer {
    let { policy, reason } = this.defaultPolicyOf(workload);
    const reasons = [`no Server selects port ${port}`, reason];
    const opaque = portsOfAnnotation(workload.annotations['config.linkerd.io/opaque-ports']).has(port);
    if (portsOfAnnotation(workload.annotations['config.linkerd.io/proxy-require-identity-inbound-ports']).has(port)) {
      if (policy === 'all-unauthenticated' || policy === 'cluster-unauthenticated') {
        policy = policy.replace('unauthenticated', 'authenticated');
        reasons.push(`port ${port} is in config.linkerd.io/proxy-require-identity-inbound-ports: ${policy}`);
      }
    }
    if (opaque) reasons.push(`port ${port} is in config.linkerd.io/opaque-ports: handled as opaque TCP`);
    return {
      server: { kind: 'default', policy },
      protocol: opaque ? 'opaque' : 'Detect',
      authorizations: this.defaultAuthorizations(policy, `default policy ${policy}`),
      httpRoutes: opaque ? [] : this.defaultHttpRoutes(probePaths),
      grpcRoutes: [],
      reasons,
    };
  }

  /** defaults.rs `default_authzs`: allow policies admit their networks × authentication; audit admits everyone (logged); deny nothing. */
  private defaultAuthorizations(policy: string, via: string): Authorization[] {
    if (policy === 'deny' || !(DEFAULT_INBOUND_POLICIES as readonly string[]).includes(policy)) return [];
    const authenticated = policy.endsWith('-authenticated');
    const networks = policy.startsWith('cluster-') ? this.cluster.clusterNetworks.map((cidr) => ({ cidr, except: [] })) : ALL_NETWORKS;
    const authentication: ClientAuthentication = authenticated
      ? { kind: 'mesh-tls', identities: [{ kind: 'suffix', parts: [] }] }
      : { kind: 'unauthenticated' };
    const requires = [
      authenticated ? 'any mesh identity' : 'nothing',
      policy.startsWith('cluster-') ? 'a source in the cluster networks' : '',
    ].filter((r) => r !== '');
    return [{ source: { kind: 'default', name: policy }, networks, authentication, via, requires }];
  }

  /** index.rs `default_inbound_http_routes`: everything, plus GET on each probe path authorized from the probe networks. */
  private defaultHttpRoutes(probePaths: readonly string[]): InboundRoute<HttpMatch>[] {
    const routes: InboundRoute<HttpMatch>[] = [DEFAULT_HTTP_ROUTE];
    if (this.cluster.probeNetworks.length === 0 || probePaths.length === 0) return routes;
    routes.push({
      ref: { kind: 'default', name: 'probe' },
      hostnames: [],
      rules: [{ matches: probePaths.map((value) => ({ method: 'GET', path: { type: 'Exact', value }, headers: [], queryParams: [] })), filters: [] }],
      authorizations: [
        {
          source: { kind: 'default', name: 'probe' },
          networks: this.cluster.probeNetworks.map((cidr) => ({ cidr, except: [] })),
          authentication: { kind: 'unauthenticated' },
          via: `probe paths of the pod (${probePaths.join(', ')}), authorized while the Server has no routes`,
          requires: [`a source in the probe networks (${this.cluster.probeNetworks.join(', ')})`],
        },
      ],
    });
    return routes;
  }

  private serverAuthorizations(server: ServerEntry): Authorization[] {
    const authorizations: Authorization[] = [];
    for (const saz of this.lookup().legacy.get(server.ref.namespace) ?? []) {
      if (saz.authorization && saz.selects(server))
        authorizations.push({ ...saz.authorization, via: `ServerAuthorization selects Server ${server.ref.name}` });
    }
    const targeting = (key: string) => this.lookup().policies.get(`${server.ref.namespace}\0${key}`) ?? [];
    for (const policy of mergeByName(targeting(`Server\0${server.ref.name}`), targeting('Namespace'))) {
      if (!policy.authorization) continue;
      if (policy.target.kind === 'Server' && policy.target.name === server.ref.name) {
        authorizations.push({ ...policy.authorization, via: `targets Server ${server.ref.name}` });
      } else if (policy.target.kind === 'Namespace') {
        authorizations.push({ ...policy.authorization, via: `targets Namespace ${server.ref.namespace}` });
      }
    }
    if (server.accessPolicy !== undefined) {
      authorizations.push(...this.defaultAuthorizations(server.accessPolicy, `Server ${server.ref.name} accessPolicy ${server.accessPolicy}`));
    }
    return authorizations;
  }

  private routesOf<M>(routes: Map<string, RouteEntry<M>[]>, server: ServerEntry, accepted: (r: RouteEntry<M>) => boolean): InboundRoute<M>[] {
    return (
      ((this.lookup().routesByParent.get(routes)?.get(`${server.ref.namespace}\0${server.ref.name}`) ?? []) as RouteEntry<M>[])
        .filter((r) => accepted(r))
        // grpc/src/inbound/http.rs `to_route_list`: by creation time (none here), then group, kind and name.
        .sort((a, b) => compareKeys(`${a.ref.group}/${a.ref.kind}/${a.ref.name}`, `${b.ref.group}/${b.ref.kind}/${b.ref.name}`))
        .map((r) => ({ ...r.route, authorizations: this.routeAuthorizations(r.ref) }))
    );
  }

  private routeAuthorizations(route: ObjectRef): Authorization[] {
    return (this.lookup().policies.get(`${route.namespace}\0route\0${route.name.toLowerCase()}`) ?? []).flatMap((policy) => {
      const t = policy.target;
      if (!policy.authorization || t.kind !== 'route') return [];
      const matches = same(t.group, route.group) && same(t.routeKind, route.kind) && same(t.name, route.name);
      return matches ? [{ ...policy.authorization, via: `targets ${route.kind} ${route.name}` }] : [];
    });
  }

  private hasGrpcRoute(server: ServerEntry): boolean {
    return this.lookup().routesByParent.get(this.grpcRoutes)!.has(`${server.ref.namespace}\0${server.ref.name}`);
  }

  private rateLimitOf(server: ServerEntry): RateLimit | undefined {
    // The status controller accepts only the oldest (here: first by name) HTTPLocalRateLimitPolicy of a Server.
    return this.lookup().rateLimits.get(`${server.ref.namespace}\0${server.ref.name}`)?.limit;
  }

  private lookup(): Lookups {
    if (this.lookups !== undefined) return this.lookups;
    const policies = new Map<string, PolicyEntry[]>();
    for (const [ns, entries] of this.policies) {
      for (const p of [...entries].sort(compareNames)) {
        const t = p.target;
        const key = t.kind === 'Server' ? `Server\0${t.name}` : t.kind === 'Namespace' ? 'Namespace' : `route\0${(t.name ?? '').toLowerCase()}`;
        push(policies, `${ns}\0${key}`, p);
      }
    }
    const legacy = new Map([...this.legacy].map(([ns, entries]) => [ns, [...entries].sort(compareNames)]));
    const byParent = <M>(routes: Map<string, RouteEntry<M>[]>) => {
      const index = new Map<string, RouteEntry<M>[]>();
      for (const [ns, entries] of routes) for (const r of entries) for (const parent of new Set(r.parents)) push(index, `${ns}\0${parent}`, r);
      return index;
    };
    const routesByParent = new Map<unknown, Map<string, RouteEntry<unknown>[]>>([
      [this.httpRoutes, byParent(this.httpRoutes)], [this.grpcRoutes, byParent(this.grpcRoutes)],
    ]);
    // The status controller accepts only the oldest (here: first by name) HTTPLocalRateLimitPolicy of a Server.
    const rateLimits = new Map<string, RateLimitEntry>();
    for (const [ns, entries] of this.rateLimits) {
      for (const r of [...entries].sort(compareNames)) if (!rateLimits.has(`${ns}\0${r.server}`)) rateLimits.set(`${ns}\0${r.server}`, r);
    }
    this.lookups = { policies, legacy, routesByParent, rateLimits };
    return this.lookups;
  }

  private finding(object: ObjectRef, field: string, rule: string, message: string): void {
    this.findings.push({ object, field, rule, message });
  }

  private addServer(m: Json): void {
    const ref = refOf(m);
    const spec: Json = m.spec ?? {};
    const protocol = PROTOCOLS[spec.proxyProtocol ?? 'unknown'] ?? 'Detect';
    // CRD default `deny`; the admission webhook refuses other unknown values (already a semantic/ problem of the validator).
    const accessPolicy = (DEFAULT_INBOUND_POLICIES as readonly string[]).includes(spec.accessPolicy ?? 'deny')
      ? (spec.accessPolicy ?? 'deny')
      : undefined;
    push(this.servers, ref.namespace, {
      ref,
      labels: m.metadata?.labels ?? {},
      podSelector: spec.podSelector,
      port: spec.port,
      protocol,
      accessPolicy,
    });
  }

  private addMeshTls(m: Json): void {
    const ref = refOf(m);
    const spec: Json = m.spec ?? {};
    const matches: IdentityMatch[] = list(spec.identities).filter((i: unknown) => typeof i === 'string').map(parseIdentityMatch);
    let ignored: string | undefined;
    list(spec.identityRefs).forEach((r: Json, i: number) => {
      const field = `spec.identityRefs[${i}]`;
      if (typeof r.name !== 'string' || r.name === '') {
        ignored ??= `${field} has no name: Linkerd's admission webhook refuses the object (its API type requires a name)`;
        this.finding(
          ref,
          field,
          'semantic/meshtls-identity-ref',
          `identityRefs entry ${JSON.stringify(r)} has no name: Linkerd's admission webhook ` +
            'refuses it, though the CRD describes an omitted name as "all"; allowed: kind ServiceAccount with a name, or kind Namespace ' +
            'with the namespace name ' +
            '(every ServiceAccount of that namespace)',
        );
      } else if (targetsKind(r, 'core', 'ServiceAccount')) {
        if (r.name === '*') {
          this.finding(
            ref,
            `${field}.name`,
            'semantic/meshtls-identity-ref',
            'ServiceAccount "*" becomes the exact identity ' +
              `"${serviceAccountIdentity(r.namespace ?? ref.namespace, '*', this.cluster)}", which no client has; ` +
              `allowed: kind Namespace name ${r.namespace ?? ref.namespace} for every ServiceAccount of the namespace`,
          );
        }
        matches.push({ kind: 'exact', identity: serviceAccountIdentity(r.namespace ?? ref.namespace, r.name, this.cluster) });
      } else if (targetsKind(r, 'core', 'Namespace')) {
        matches.push(parseIdentityMatch(namespaceIdentity(r.name, this.cluster)));
      } else {
        ignored ??= `${field} kind ${r.kind} is not ServiceAccount or Namespace`;
      }
    });
    if (matches.length === 0) ignored ??= 'no identities configured';
    this.meshTls.set(`${ref.namespace}/${ref.name}`, ignored ? { ignored, ref } : { matches, ref });
  }

  private addNetworkAuthentication(m: Json): void {
    const ref = refOf(m);
    const networks: NetworkMatch[] = list(m.spec?.networks).map((n: Json) => ({ cidr: String(n.cidr), except: list(n.except).map(String) }));
    this.networkAuthns.set(`${ref.namespace}/${ref.name}`, networks.length === 0 ? { ignored: 'no networks configured' } : { matches: networks });
  }

  private addPolicy(m: Json): void {
    const ref = refOf(m);
    const spec: Json = m.spec ?? {};
    const t: Json = spec.targetRef ?? {};
    let target: PolicyTarget;
    if (targetsKind(t, POLICY, 'Server')) target = { kind: 'Server', name: t.name };
    else if (targetsKind(t, 'core', 'Namespace')) target = { kind: 'Namespace' };
    else if (targetsKind(t, POLICY, 'HTTPRoute') || targetsKind(t, GATEWAY, 'HTTPRoute') || targetsKind(t, GATEWAY, 'GRPCRoute')) {
      target = { kind: 'route', group: t.group, routeKind: t.kind, name: t.name };
    } else {
      const hint =
        ['HTTPRoute', 'GRPCRoute', 'Server'].includes(t.kind) && !t.group
          ? ` (an omitted group means the core group, where there is no ${t.kind})`
          : '';
      this.finding(
        ref,
        'spec.targetRef',
        'semantic/authorization-target',
        `targetRef ${t.group || 'core'}/${t.kind} ${t.name} is not a target Linkerd supports${hint}, ` +
          'so Linkerd ignores the policy; allowed: policy.linkerd.io Server, policy.linkerd.io or gateway.networking.k8s.io HTTPRoute, ' +
          'gateway.networking.k8s.io GRPCRoute, or the policy\'s own Namespace (group "")',
      );
      push(this.policies, ref.namespace, { ref, target: { kind: 'Server', name: '' }, ignored: 'unsupported target' });
      return;
    }
    if (target.kind === 'Namespace' && t.name !== ref.namespace) {
      push(this.policies, ref.namespace, {
        ref,
        target,
        ignored: `Linkerd's admission webhook refuses a Namespace target other than the policy's own (${t.name})`,
      });
      return;
    }
    if (!Array.isArray(spec.requiredAuthenticationRefs)) {
      // Absent, null or not a list: the API server refuses the policy (a required list), as the schema check reports.
      push(this.policies, ref.namespace, { ref, target, ignored: 'requiredAuthenticationRefs is not a list, so the API server refuses the policy' });
      return;
    }
    const given: unknown[] = spec.requiredAuthenticationRefs;
    if (given.length === 0) {
      this.finding(
        ref,
        'spec.requiredAuthenticationRefs',
        'semantic/authorization-allows-everyone',
        'requiredAuthenticationRefs is empty, ' +
          'so Linkerd authorizes every client, unauthenticated ones from any network included; allowed: at least one MeshTLSAuthentication, ' +
          'NetworkAuthentication or ServiceAccount (to admit everyone on purpose, require a NetworkAuthentication of 0.0.0.0/0 and ::/0, ' +
          "as grantPublicAccess() of lib/mesh renders it, or set the Server's accessPolicy: all-unauthenticated)",
      );
    }
    // An item that is not a mapping cannot be a reference; the schema check reports it, and the API server refuses it.
    const refs = given.filter((r): r is Json => typeof r === 'object' && r !== null && !Array.isArray(r));
    const resolved = this.resolveAuthentications(ref, refs);
    push(this.policies, ref.namespace, { ref, target, ...resolved });
  }

  /** index.rs `policy_client_authz`: at most one identity source (MeshTLSAuthentication or ServiceAccount) and one NetworkAuthentication. */
  private resolveAuthentications(ref: ObjectRef, refs: readonly Json[]): Pick<PolicyEntry, 'authorization' | 'ignored'> {
    let identities: IdentityMatch[] | undefined;
    let networks: NetworkMatch[] | undefined;
    const requires: string[] = [];
    for (const r of refs) {
      const ns = r.namespace ?? ref.namespace;
      if (targetsKind(r, POLICY, 'MeshTLSAuthentication')) {
        const authn = this.meshTls.get(`${ns}/${r.name}`);
        if (!authn) return { ignored: `MeshTLSAuthentication ${ns}/${r.name} does not exist` };
        if (!authn.matches) return { ignored: `MeshTLSAuthentication ${ns}/${r.name} is unusable: ${authn.ignored}` };
        if (identities) return { ignored: 'it requires more than one MeshTLSAuthentication or ServiceAccount' };
        identities = authn.matches;
        requires.push(`MeshTLSAuthentication ${r.name} (${authn.matches.map(describeIdentityMatch).join(', ')})`);
      } else if (targetsKind(r, 'core', 'ServiceAccount')) {
        if (identities) return { ignored: 'it requires more than one MeshTLSAuthentication or ServiceAccount' };
        const identity = serviceAccountIdentity(ns, r.name, this.cluster);
        identities = [{ kind: 'exact', identity }];
        requires.push(`ServiceAccount ${ns}/${r.name} (${identity})`);
      } else if (targetsKind(r, POLICY, 'NetworkAuthentication')) {
        const authn = this.networkAuthns.get(`${ns}/${r.name}`);
        if (!authn) return { ignored: `NetworkAuthentication ${ns}/${r.name} does not exist` };
        if (!authn.matches) return { ignored: `NetworkAuthentication ${ns}/${r.name} is unusable: ${authn.ignored}` };
        if (networks) return { ignored: 'it requires more than one NetworkAuthentication' };
        networks = authn.matches;
        requires.push(`NetworkAuthentication ${r.name} (${authn.matches.map(describeNetwork).join(', ')})`);
      } else {
        return { ignored: `Linkerd's admission webhook refuses authentication kind ${r.group || 'core'}/${r.kind}` };
      }
    }
    return {
      authorization: {
        source: { kind: 'AuthorizationPolicy', name: ref.name },
        authentication: identities ? { kind: 'mesh-tls', identities } : { kind: 'unauthenticated' },
        networks: networks ?? ALL_NETWORKS,
        requires: requires.length > 0 ? requires : ['nothing (no required authentications)'],
      },
    };
  }

  private addServerAuthorization(m: Json): void {
    const ref = refOf(m);
    const spec: Json = m.spec ?? {};
    const server: Json = spec.server ?? {};
    const selects = (s: ServerEntry) => (server.name !== undefined ? server.name === s.ref.name : selectorSelects(server.selector ?? {}, s.labels));
    const client: Json = spec.client ?? {};
    // server_authorization.rs: no networks means the cluster networks (grpc/src/inbound.rs `to_authz`).
    const networks: NetworkMatch[] = list(client.networks).map((n: Json) => ({ cidr: String(n.cidr), except: list(n.except).map(String) }));
    const effectiveNetworks = networks.length > 0 ? networks : this.cluster.clusterNetworks.map((cidr) => ({ cidr, except: [] }));
    let authentication: ClientAuthentication | undefined;
    const requires: string[] = [];
    if (client.unauthenticated) {
      authentication = { kind: 'unauthenticated' };
      requires.push('nothing (unauthenticated)');
    } else if (client.meshTLS) {
      const mtls: Json = client.meshTLS;
      if (mtls.unauthenticatedTLS) {
        authentication = { kind: 'tls-unauthenticated' };
        requires.push('any TLS client');
      } else {
        const identities: IdentityMatch[] = [
          ...list(mtls.identities).map(parseIdentityMatch),
          ...list(mtls.serviceAccounts).map((sa: Json) => ({
            kind: 'exact' as const,
            identity: serviceAccountIdentity(sa.namespace ?? ref.namespace, sa.name, this.cluster),
          })),
        ];
        if (identities.length > 0) {
          authentication = { kind: 'mesh-tls', identities };
          requires.push(`identity ${identities.map(describeIdentityMatch).join(' or ')}`);
        }
      }
    }
    if (networks.length > 0) requires.push(`a source in ${networks.map(describeNetwork).join(', ')}`);
    else requires.push('a source in the cluster networks');
    push(
      this.legacy,
      ref.namespace,
      authentication
        ? {
            ref,
            selects,
            authorization: { source: { kind: 'ServerAuthorization', name: ref.name }, networks: effectiveNetworks, authentication, requires },
        }
        : { ref, selects, ignored: 'no client authentication configured' },
    );
  }

  /** Parent Servers of a route after CRD defaults; a cross-namespace, port or sectionName parentRef makes Linkerd ignore the whole route. */
  private parentServers(m: Json, ref: ObjectRef): string[] | undefined {
    const defaultGroup = ref.group === POLICY ? POLICY : GATEWAY;
    const servers: string[] = [];
    let invalid = false;
    list(m.spec?.parentRefs).forEach((p: Json, i: number) => {
      const group = p.group ?? defaultGroup;
      const kind = p.kind ?? 'Gateway';
      const field = `spec.parentRefs[${i}]`;
      if (!targetsKind({ group, kind }, POLICY, 'Server')) {
        // Only a default filled in makes it mean something else; an explicit other kind (EgressNetwork) is what it says.
        if ((same(kind, 'Server') && p.group === undefined) || (same(p.group, POLICY) && p.kind === undefined)) {
          this.finding(
            ref,
            field,
            'semantic/route-parent-defaults',
            `parentRef ${JSON.stringify(p)} means ${group}/${kind} ${p.name} once the CRD's defaults ` +
              `(group ${defaultGroup}, kind Gateway) apply, so the route does not attach to Server ${p.name}; allowed: group: ` +
              'policy.linkerd.io and kind: Server, both written out',
          );
        }
        return;
      }
      if (!p.name) return;
      const problem =
        p.namespace !== undefined && p.namespace !== ref.namespace
          ? `namespace ${p.namespace} (Servers must be in the route's namespace ${ref.namespace})`
          : p.port !== undefined
            ? `port ${p.port}`
            : p.sectionName !== undefined
              ? `sectionName ${p.sectionName}`
              : undefined;
      if (problem) {
        invalid = true;
        this.finding(
          ref,
          field,
          'semantic/route-ignored',
          `parentRef Server ${p.name} with ${problem}: Linkerd ignores the whole route; ` +
            "allowed: a Server parentRef with name only (and optionally the route's own namespace)",
        );
        return;
      }
      servers.push(p.name);
    });
    return invalid ? undefined : servers;
  }

  private addHttpRoute(m: Json): void {
    const ref = refOf(m);
    const parents = this.parentServers(m, ref);
    if (!parents || parents.length === 0) return;
    const spec: Json = m.spec ?? {};
    const rules: RouteRule<HttpMatch>[] = [];
    let ignored: string | undefined;
    (spec.rules ?? [{}]).forEach((rule: Json, i: number) => {
      const matches: HttpMatch[] = list(rule.matches).map((match: Json, j: number) => {
        const path = match.path ? { type: match.path.type ?? 'PathPrefix', value: match.path.value ?? '/' } : undefined;
        if (path && path.type !== 'RegularExpression') {
          if (!path.value.startsWith('/')) ignored ??= `spec.rules[${i}].matches[${j}].path.value ${path.value} is not absolute`;
          if (/[*?]/.test(path.value)) {
            this.finding(
              ref,
              `spec.rules[${i}].matches[${j}].path.value`,
              'semantic/route-path-glob',
              `${path.type} "${path.value}" contains a glob character, ` +
                `which Linkerd matches literally (a request path must contain "${path.value}" itself); allowed: a literal path ` +
                `(PathPrefix "${path.value.replace(/\/?\*.*$/, '') || '/'}" for everything below it) or type RegularExpression`,
            );
          }
        }
        return {
          path,
          method: match.method,
          headers: list(match.headers).map((h: Json) => ({ type: h.type ?? 'Exact', name: String(h.name), value: String(h.value) })),
          queryParams: list(match.queryParams).map((q: Json) => ({ type: q.type ?? 'Exact', name: String(q.name), value: String(q.value) })),
        };
      });
      const filters: string[] = list(rule.filters).map((f: Json) => String(f.type));
      for (const unsupported of filters.filter((f) => ['RequestMirror', 'URLRewrite', 'ExtensionRef'].includes(f))) {
        ignored ??= `spec.rules[${i}] has a ${unsupported} filter, which Linkerd's inbound policy does not support`;
      }
      rules.push({ matches, filters });
    });
    if (ignored) {
      this.finding(
        ref,
        'spec.rules',
        'semantic/route-ignored',
        `${ignored}: Linkerd ignores the whole route on Server ${parents.join(', ')}; ` +
          'allowed: absolute Exact/PathPrefix paths and RequestHeaderModifier, ResponseHeaderModifier or RequestRedirect filters',
      );
      return;
    }
    push(this.httpRoutes, ref.namespace, { ref, parents, route: { ref, hostnames: spec.hostnames ?? [], rules } });
  }

  private addGrpcRoute(m: Json): void {
    const ref = refOf(m);
    const parents = this.parentServers(m, ref);
    if (!parents || parents.length === 0) return;
    const spec: Json = m.spec ?? {};
    let ignored: string | undefined;
    const rules: RouteRule<GrpcMatch>[] = (spec.rules ?? [{}]).map((rule: Json, i: number) => ({
      matches: list(rule.matches).map((match: Json, j: number) => {
        if ((match.method?.type ?? 'Exact') === 'RegularExpression') ignored ??= `spec.rules[${i}].matches[${j}].method is a RegularExpression match`;
        return {
          service: match.method?.service,
          method: match.method?.method,
          headers: list(match.headers).map((h: Json) => ({ type: h.type ?? 'Exact', name: String(h.name), value: String(h.value) })),
        };
      }),
      filters: list(rule.filters).map((f: Json) => String(f.type)),
    }));
    if (ignored) {
      this.finding(
        ref,
        'spec.rules',
        'semantic/route-ignored',
        `${ignored}, which Linkerd's inbound policy does not support: it ignores the whole route; ` + 'allowed: Exact service/method matches',
      );
      return;
    }
    push(this.grpcRoutes, ref.namespace, { ref, parents, route: { ref, hostnames: spec.hostnames ?? [], rules } });
  }

  private addRateLimit(m: Json): void {
    const ref = refOf(m);
    const spec: Json = m.spec ?? {};
    const t: Json = spec.targetRef ?? {};
    if (!targetsKind({ group: t.group ?? POLICY, kind: t.kind }, POLICY, 'Server')) return;
    push(this.rateLimits, ref.namespace, {
      ref,
      server: t.name,
      limit: {
        policy: ref.name,
        total: spec.total?.requestsPerSecond,
        identity: spec.identity?.requestsPerSecond,
        overrides: list(spec.overrides).map((o: Json) => ({
          requestsPerSecond: o.requestsPerSecond,
          identities: list(o.clientRefs).map((c: Json) => serviceAccountIdentity(c.namespace ?? ref.namespace, c.name, this.cluster)),
        })),
      },
    });
  }

  /** Routes and rate limits that attach to a Server whose protocol makes Linkerd ignore them. */
  private checkAttachments(): void {
    const serverOf = (ns: string, name: string) => (this.servers.get(ns) ?? []).find((s) => s.ref.name === name);
    for (const routes of this.httpRoutes.values()) {
      for (const route of routes) {
        for (const name of route.parents) {
          const server = serverOf(route.ref.namespace, name);
          if (!server) continue;
          if (this.hasGrpcRoute(server)) {
            this.finding(
              route.ref,
              'spec.parentRefs',
              'semantic/route-ignored',
              `Server ${name} also has a GRPCRoute, so Linkerd's status controller ` +
                'marks this HTTPRoute Conflicted (GEP-1426) and ignores it; allowed: only GRPCRoutes or only HTTPRoutes on one Server',
            );
          } else if (server.protocol === 'gRPC') {
            this.finding(
              route.ref,
              'spec.parentRefs',
              'semantic/route-ignored',
              `Server ${name} has proxyProtocol gRPC, for which Linkerd serves only GRPCRoutes: ` +
                "this HTTPRoute and the policies targeting it are ignored, and every call is authorized by the Server's policies alone; " +
                `allowed: a GRPCRoute (gateway.networking.k8s.io/v1) with parentRef Server ${name}, or proxyProtocol HTTP/2 for HTTP routes`,
            );
          } else if (server.protocol === 'opaque' || server.protocol === 'TLS') {
            this.finding(
              route.ref,
              'spec.parentRefs',
              'semantic/route-ignored',
              `Server ${name} has proxyProtocol ${server.protocol}, which Linkerd does not ` +
                'route: the HTTPRoute and its policies are ignored; allowed: proxyProtocol unknown, HTTP/1 or HTTP/2',
            );
          }
        }
      }
    }
    for (const routes of this.grpcRoutes.values()) {
      for (const route of routes) {
        for (const name of route.parents) {
          const server = serverOf(route.ref.namespace, name);
          if (server && server.protocol !== 'gRPC') {
            this.finding(
              route.ref,
              'spec.parentRefs',
              'semantic/route-ignored',
              `Server ${name} has proxyProtocol ` +
                `${server.protocol === 'Detect' ? 'unknown' : server.protocol}, for which Linkerd serves only HTTP routes: this GRPCRoute ` +
                'and the policies ' +
                "targeting it are ignored (and it makes the Server's HTTPRoutes Conflicted); allowed: proxyProtocol gRPC on the Server",
            );
          }
        }
      }
    }
    for (const limits of this.rateLimits.values()) {
      const sorted = [...limits].sort(compareNames);
      sorted.forEach((limit, i) => {
        const server = serverOf(limit.ref.namespace, limit.server);
        if (!server) return;
        if (!['Detect', 'HTTP/1', 'HTTP/2'].includes(server.protocol)) {
          this.finding(
            limit.ref,
            'spec.targetRef',
            'semantic/ratelimit-ignored',
            `Server ${limit.server} has proxyProtocol ${server.protocol}, ` +
              'for which Linkerd applies no HTTP local rate limit: nothing is limited; allowed: a Server with proxyProtocol unknown, HTTP/1 ' +
              'or HTTP/2',
          );
        } else if (sorted.findIndex((l) => l.server === limit.server) !== i) {
          this.finding(
            limit.ref,
            'spec.targetRef',
            'semantic/ratelimit-ignored',
            `Server ${limit.server} already has HTTPLocalRateLimitPolicy ` +
              `${sorted.find((l) => l.server === limit.server)!.ref.name}; Linkerd accepts only the oldest one per Server; allowed: one ` +
              'policy per Server',
          );
        }
      });
    }
  }

  /** Every AuthorizationPolicy and ServerAuthorization Linkerd ignores, with why. */
  public ignoredPolicies(): { ref: ObjectRef; reason: string }[] {
    return [...this.policies.values(), ...this.legacy.values()]
      .flat()
      .filter((p) => p.ignored !== undefined)
      .map((p) => ({ ref: p.ref, reason: p.ignored! }));
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Appends in place: copying the list on every add made building the index of a large namespace quadratic. */
function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const values = map.get(key);
  if (values) values.push(value);
  else map.set(key, [value]);
}

export function describeNetwork(n: NetworkMatch): string {
  return `${n.cidr}${n.except.length > 0 ? ` except ${n.except.join(', ')}` : ''}`;
}

/** The route of a Server without routes (core inbound.rs `Default for InboundRoute<HttpRouteMatch>`): everything. */
const DEFAULT_HTTP_ROUTE: InboundRoute<HttpMatch> = {
  ref: { kind: 'default', name: 'default' },
  hostnames: [],
  authorizations: [],
  rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] }], filters: [] }],
};

/** The gRPC route of a gRPC Server without GRPCRoutes: every method. */
const DEFAULT_GRPC_ROUTE: InboundRoute<GrpcMatch> = {
  ref: { kind: 'default', name: 'default' },
  hostnames: [],
  authorizations: [],
  rules: [{ matches: [{ headers: [] }], filters: [] }],
};
