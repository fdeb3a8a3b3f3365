import { ClusterSettings, DEFAULT_CLUSTER_SETTINGS } from './cluster-settings';
import { identityMatches, serviceAccountIdentity } from './identities';
import { describeRef, InboundPolicyIndex } from './inbound-index';
import { Authorization, GrpcMatch, HttpMatch, InboundRoute, InboundServer, Json, ObjectRef, PolicyWorkload } from './model';
import { networkContains } from './networks';
import { describeGrpcMatch, describeHttpMatch, findRoute, HttpRequestShape } from './route-matching';
import { portsOfAnnotation } from './workloads';

/**
 * The client of a request: a meshed workload's ServiceAccount (`ns/name`) or mesh identity, or an unmeshed source
 * address. A meshed client without `ip` comes from `DEFAULT_POD_IP`, an address inside the default cluster networks.
 */
export type RequestClient =
  | { readonly serviceAccount: string; readonly ip?: string }
  | { readonly identity: string; readonly ip?: string }
  | { readonly ip: string; readonly tls?: boolean };

/** Where a request goes: a workload (`ns/name`, or `Kind/ns/name` when names repeat across kinds) and a port number or name. */
export interface RequestDestination {
  readonly workload: string;
  readonly port: number | string;
}

/** One request to evaluate: HTTP, gRPC, or (neither) a plain TCP connection. */
export interface InboundRequest {
  readonly client: RequestClient;
  readonly destination: RequestDestination;
  readonly http?: { readonly method: string; readonly path: string; readonly headers?: Readonly<Record<string, string>>; readonly host?: string };
  /** `package.Service/Method`, sent as HTTP/2 `POST /package.Service/Method`. */
  readonly grpc?: { readonly service: string; readonly method: string; readonly headers?: Readonly<Record<string, string>> };
}

/** What the proxy does with the request: allow, deny, or allow only because of an `audit` policy (logged, not enforced). */
export type Decision = 'allow' | 'deny' | 'audit';

export interface Verdict {
  readonly decision: Decision;
  /** How the proxy answers a denial: 404 (no route), 403 (HTTP unauthorized), gRPC PERMISSION_DENIED, or a refused connection. */
  readonly denial?: 'route-not-found' | 'unauthorized' | 'connection-refused';
  /** The chain of reasons, in the order the proxy and policy controller decide. */
  readonly reasons: readonly string[];
  readonly server: InboundServer['server'];
  /** The route that matched, when the protocol routes. */
  readonly route?: InboundRoute<HttpMatch | GrpcMatch>['ref'];
  /** The authorization that admitted the client. */
  readonly authorization?: Authorization['source'];
  /** The rate limit that applies after authorization (not modelled as exhausted). */
  readonly rateLimit?: string;
}

/** A meshed client's source address when none is given: a pod address inside the default cluster networks. */
export const DEFAULT_POD_IP = '10.0.0.1';

/**
 * Linkerd's inbound policy, evaluated offline over rendered manifests: which Server, route and authorization the
 * proxy of the destination applies to a request, as the policy controller (vendored release edge-26.8.3) computes
 * them and the proxy enforces them. Plain objects in; no constructs.
 */
export class LinkerdPolicyModel {
  public readonly index: InboundPolicyIndex;
  public readonly cluster: ClusterSettings;
  private byName?: Map<string, PolicyWorkload[]>;

  constructor(manifests: readonly Json[], cluster: Partial<ClusterSettings> = {}) {
    this.cluster = { ...DEFAULT_CLUSTER_SETTINGS, ...cluster };
    this.index = new InboundPolicyIndex(manifests, this.cluster);
  }

  /** The workload a destination names; throws with the names that exist when none or several match. */
  public workload(name: string): PolicyWorkload {
    const parts = name.split('/');
    const [kind, namespace, workloadName] = parts.length === 3 ? parts : [undefined, parts[0], parts[1]];
    const found = (this.workloadsByName().get(`${namespace}\0${workloadName}`) ?? []).filter((w) => kind === undefined || w.kind === kind);
    if (found.length === 1) return found[0];
    const known = this.index.workloads.map((w) => `${w.namespace}/${w.name}`).join(', ') || 'none';
    if (found.length === 0)
      throw new Error(`workload "${name}" is invalid; allowed: ${parts.length === 2 || parts.length === 3 ? known : 'namespace/name'}`);
    throw new Error(`workload "${name}" is ambiguous; allowed: ${found.map((w) => `${w.kind}/${w.namespace}/${w.name}`).join(', ')}`);
  }

  /** Workloads by `namespace\0name`, in index order: evaluating every probe of a target looks each one up. */
  private workloadsByName(): Map<string, PolicyWorkload[]> {
    if (!this.byName) {
      this.byName = new Map();
      for (const w of this.index.workloads) {
        const key = `${w.namespace}\0${w.name}`;
        const same = this.byName.get(key);
        if (same) same.push(w);
        else this.byName.set(key, [w]);
      }
    }
    return this.byName;
  }

  /** The identity of a client, if it has one. */
  public identityOf(client: RequestClient): string | undefined {
    if ('identity' in client) return client.identity;
    if ('serviceAccount' in client) {
      const [namespace, name] = client.serviceAccount.split('/');
      if (!namespace || !name) throw new Error(`serviceAccount "${client.serviceAccount}" is invalid; allowed: namespace/name`);
      return serviceAccountIdentity(namespace, name, this.cluster);
    }
    return undefined;
  }

  public evaluate(request: InboundRequest): Verdict {
    const workload = this.workload(request.destination.workload);
    const port = this.portNumber(workload, request.destination.port);
    const identity = this.identityOf(request.client);
    const ip = request.client.ip ?? DEFAULT_POD_IP;
    const tls = identity !== undefined || ('tls' in request.client && request.client.tls === true);
    const clientText =
      identity !== undefined
        ? `client identity ${identity}${request.client.ip ? ` from ${ip}` : ''}`
        : `unauthenticated client from ${ip}${tls ? ' (TLS, no identity)' : ''}`;
    const reasons = [`${clientText} → ${workload.kind} ${workload.namespace}/${workload.name} port ${port}`];
    const base = { reasons, server: { kind: 'default', policy: 'none' } as InboundServer['server'] };
    if (!workload.meshed) {
      reasons.push(
        `${workload.kind} ${workload.name} is not meshed (no linkerd.io/inject: enabled on its pods or namespace): no proxy enforces any policy`,
      );
      return { ...base, decision: 'allow' };
    }
    if (portsOfAnnotation(workload.annotations['config.linkerd.io/skip-inbound-ports']).has(port)) {
      reasons.push(`port ${port} is in config.linkerd.io/skip-inbound-ports: traffic bypasses the proxy, no policy applies`);
      return { ...base, decision: 'allow' };
    }
    const server = this.index.inboundServer(workload, port);
    reasons.push(...server.reasons);
    const result = { ...base, server: server.server };
    const admits = (a: Authorization) => this.admits(a, identity, ip, tls);
    // The proxy always admits localhost (linkerd2-proxy server-policy `localhost` authorization).
    const localhost = ip === '127.0.0.1' || ip === '::1';

    if (server.protocol === 'opaque' || server.protocol === 'TLS' || (!request.http && !request.grpc)) {
      const what =
        server.protocol === 'opaque' || server.protocol === 'TLS'
          ? `${server.protocol} connections are authorized per connection`
          : 'a TCP connection';
      const found = server.authorizations.find(admits);
      if (localhost) return { ...result, decision: 'allow', reasons: [...reasons, 'localhost is always authorized'] };
      if (!found)
        return {
          ...result,
          decision: 'deny',
          denial: 'connection-refused',
          reasons: [...reasons, `${what}: ${this.noAuthorization(server.authorizations, [])}`],
        };
      return { ...result, ...this.admitted(found, reasons, what) };
    }

    const shape: HttpRequestShape = request.grpc
      ? {
          method: 'POST',
          path: `/${request.grpc.service}/${request.grpc.method}`,
          headers: { 'content-type': 'application/grpc', ...request.grpc.headers },
      }
      : { method: request.http!.method.toUpperCase(), path: request.http!.path, headers: request.http!.headers ?? {}, host: request.http!.host };
    const requestText = request.grpc ? `gRPC ${request.grpc.service}/${request.grpc.method}` : `${shape.method} ${shape.path}`;
    const grpc = server.protocol === 'gRPC';
    const routes: readonly InboundRoute<HttpMatch | GrpcMatch>[] = grpc ? server.grpcRoutes : server.httpRoutes;
    const found = findRoute(routes, shape, grpc ? 'grpc' : 'http');
    if (!found) {
      const known = routes.map((r) => routeName(r)).join(', ');
      reasons.push(
        `${requestText} matches no ${grpc ? 'gRPC' : 'HTTP'} route of the server (${known}): the proxy answers ${grpc ? 'gRPC NOT_FOUND' : '404'}`,
      );
      return { ...result, decision: 'deny', denial: 'route-not-found' };
    }
    const { route, score } = found;
    const matchText =
      score.match === undefined
        ? 'a rule without matches (every request)'
        : grpc
          ? describeGrpcMatch(route.rules[score.rule].matches[score.match] as GrpcMatch)
          : describeHttpMatch(route.rules[score.rule].matches[score.match] as HttpMatch);
    reasons.push(`${requestText} matches route ${routeName(route)} (rule ${score.rule}: ${matchText})`);
    // The proxy checks the route's own authorizations, then the server's (server-policy `mk_authorizations`).
    const authorizations = [...route.authorizations, ...server.authorizations];
    const authorization = localhost ? undefined : orderedForDecision(authorizations).find(admits);
    const withRoute = { ...result, route: route.ref };
    if (localhost) return { ...withRoute, decision: 'allow', reasons: [...reasons, 'localhost is always authorized'] };
    if (!authorization) {
      reasons.push(
        `${this.noAuthorization(route.authorizations, server.authorizations)}: the proxy answers ${grpc ? 'gRPC PERMISSION_DENIED' : '403'}`,
      );
      return { ...withRoute, decision: 'deny', denial: 'unauthorized' };
    }
    const admitted = this.admitted(authorization, reasons, undefined);
    const limit = server.rateLimit;
    if (limit && admitted.decision !== 'deny') {
      const override = identity ? limit.overrides.find((o) => o.identities.includes(identity)) : undefined;
      const perClient = override
        ? `${override.requestsPerSecond}/s for this identity (override)`
        : limit.identity !== undefined
          ? `${limit.identity}/s per identity`
          : undefined;
      const limited = `rate limited by HTTPLocalRateLimitPolicy ${limit.policy}: ${
        [limit.total !== undefined ? `${limit.total}/s in total` : undefined, perClient].filter((x) => x).join(', ') || 'no limits set'
      } (over the limit: 429)`;
      return { ...withRoute, ...admitted, reasons: [...admitted.reasons, limited], rateLimit: limit.policy };
    }
    return { ...withRoute, ...admitted };
  }

  /** The port number a destination port means: a number, or a named TCP container port of the workload. */
  public portNumber(workload: PolicyWorkload, port: number | string): number {
    if (typeof port === 'number') return port;
    if (/^\d+$/.test(port)) return Number(port);
    const numbers = workload.portNames.get(port) ?? [];
    if (numbers.length === 1) return numbers[0];
    throw new Error(
      `port "${port}" of ${workload.kind} ${workload.namespace}/${workload.name} is invalid; ` +
        `allowed: a port number, or a named container port (${[...workload.portNames.keys()].join(', ') || 'none'})`,
    );
  }

  private admits(authorization: Authorization, identity: string | undefined, ip: string, tls: boolean): boolean {
    if (!authorization.networks.some((n) => networkContains(n, ip))) return false;
    const authn = authorization.authentication;
    if (authn.kind === 'unauthenticated') return true;
    if (authn.kind === 'tls-unauthenticated') return tls;
    return identity !== undefined && authn.identities.some((m) => identityMatches(m, identity));
  }

  private admitted(
    authorization: Authorization,
    reasons: string[],
    what: string | undefined,
  ): Pick<Verdict, 'decision' | 'reasons' | 'authorization'> {
    const audit = authorization.source.kind === 'default' && authorization.source.name === 'audit';
    const source =
      authorization.source.kind === 'default'
        ? `default authorization ${authorization.source.name}`
        : `${authorization.source.kind} ${authorization.source.name}`;
    const text = `${what ? `${what}: ` : ''}${source} (${authorization.via}) admits the client; it requires ${authorization.requires.join(' and ')}`;
    return {
      decision: audit ? 'audit' : 'allow',
      reasons: [...reasons, audit ? `${text}: audit mode, the request is allowed and logged, not enforced` : text],
      authorization: authorization.source,
    };
  }

  private noAuthorization(route: readonly Authorization[], server: readonly Authorization[]): string {
    const all = [...route, ...server];
    if (all.length === 0) return 'no authorization applies (nothing targets this route or Server, and its access policy admits no one)';
    return `no authorization admits the client; tried ${all
      .map((a) => `${a.source.kind === 'default' ? 'default' : a.source.kind} ${a.source.name} ` + `(${a.via}; requires ${a.requires.join(' and ')})`)
      .join('; ')}`;
  }
}

/**
 * The proxy takes the first admitting authorization of a route's list (route's own, then the server's), whose order
 * within each is a hash map's; an explicit policy admitting the client is reported before the `audit` default, so a
 * verdict is audit only when nothing but audit admits the client.
 */
function orderedForDecision(authorizations: readonly Authorization[]): Authorization[] {
  const isAudit = (a: Authorization) => a.source.kind === 'default' && a.source.name === 'audit';
  return [...authorizations.filter((a) => !isAudit(a)), ...authorizations.filter(isAudit)];
}

export function routeName(route: InboundRoute<unknown>): string {
  const ref = route.ref;
  return ref.kind === 'default' ? `Linkerd's ${ref.name} route` : describeRef(ref as ObjectRef);
}
