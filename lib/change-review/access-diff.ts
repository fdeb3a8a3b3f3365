import {
  Decision, GrpcMatch, HttpMatch, InboundRequest, InboundServer, isObjectRef, Json, LinkerdPolicyModel, ObjectRef, PolicyWorkload,
  describeGrpcMatch, describeHttpMatch, findRoute, HttpRequestShape, serverPolicies, serviceAccountIdentity,
} from '../policy';

/** One (client, Server, route) whose access changed for some request classes, computed with the evaluator. */
export interface AccessChange {
  /** `gained`: denied before, allowed (or audited) now; `lost`: allowed (or audited) before, denied now. */
  readonly change: 'gained' | 'lost';
  /** The render target (folder). */
  readonly target: string;
  /**
   * Who, in the order asked: ServiceAccounts `ns/name`, `identity <id>`, classes of clients (`any other meshed identity`,
   * `unmeshed client ...`). Clients whose change is the same (same route and request classes) share one entry.
   */
  readonly clients: readonly string[];
  /** Whether `clients` is every client class asked about: the change is for anyone. */
  readonly everyone: boolean;
  /** The workload and port called: `Deployment booksapp/authors:7001`. */
  readonly destination: string;
  /** The Server that decides (on the side that allows): `booksapp/authors-server`, or `default policy <name>`. */
  readonly server: string;
  /** The route that decides (on the side that allows): its name, `default route`, `probe route`, or `connection` (no routing). */
  readonly route: string;
  /** The request classes (route matches) whose decision changed, e.g. `DELETE PathPrefix /authors/`. */
  readonly requests: readonly string[];
  readonly before: Decision;
  readonly after: Decision;
}

/** A Server whose enforcement changed: `deny` (only what is authorized passes) ↔ `audit` (everything passes, denials are only logged). */
export interface EnforcementChange {
  readonly target: string;
  readonly server: string;
  readonly before: 'deny' | 'audit';
  readonly after: 'deny' | 'audit';
}

/** A client of the access diff: what the evaluator is asked about, and how a line names it. */
interface ProbeClient {
  readonly label: string;
  readonly client: InboundRequest['client'];
}

/** A request class: a representative request of one route match (or a TCP connection), and its description. */
interface RequestClass {
  readonly label: string;
  readonly key: string;
  readonly http?: InboundRequest['http'];
  readonly grpc?: InboundRequest['grpc'];
}

/** Addresses of clients without identity: inside the default cluster networks, and outside them (documentation range). */
const IN_CLUSTER_ADDRESS = '10.0.0.2';
const OUTSIDE_ADDRESS = '203.0.113.10';

/**
 * What changes between two renders of one target for access: the (client, Server, route, request class) pairs whose
 * decision changes, asked of the Linkerd policy evaluator for every client class either render knows (its
 * ServiceAccounts and the identities its authentications name, any other meshed identity, unmeshed clients inside and
 * outside the cluster) and every request class either render's routes match, to every meshed workload port both renders
 * have. Workloads only in one render are not compared: they are added or removed objects. Deterministic order.
 */
export function accessChanges(
  target: string, before: readonly Json[], after: readonly Json[],
): { access: AccessChange[]; enforcement: EnforcementChange[] } {
  const oldModel = new LinkerdPolicyModel(before);
  const newModel = new LinkerdPolicyModel(after);
  const enforcement = enforcementChanges(target, oldModel, newModel);
  const flipped = new Set(enforcement.map((e) => e.server));
  const clients = clientsOf([...before, ...after], newModel);
  const groups = new Map<string, { change: AccessChange; requests: string[] }>();

  const workloadKey = (w: PolicyWorkload) => `${w.kind}/${w.namespace}/${w.name}`;
  const oldWorkloads = new Map(oldModel.index.workloads.map((w) => [workloadKey(w), w]));
  for (const now of [...newModel.index.workloads].sort((a, b) => compare(workloadKey(a), workloadKey(b)))) {
    const was = oldWorkloads.get(workloadKey(now));
    if (was === undefined || (!was.meshed && !now.meshed)) continue;
    const ports = [...new Set([...portsOf(oldModel, was), ...portsOf(newModel, now)])].sort((a, b) => a - b);
    for (const port of ports) {
      if (!portsOf(oldModel, was).includes(port) || !portsOf(newModel, now).includes(port)) continue;
      const classes = requestClasses([oldModel.index.inboundServer(was, port), newModel.index.inboundServer(now, port)]);
      const destination = { workload: workloadKey(now), port };
      for (const client of clients) {
        for (const request of classes) {
          const ask: InboundRequest = { client: client.client, destination, http: request.http, grpc: request.grpc };
          const old = oldModel.evaluate(ask);
          const current = newModel.evaluate(ask);
          if (old.decision === current.decision) continue;
          const admitted = (d: Decision) => d !== 'deny';
          // allow ↔ audit changes nothing for the client while the verdict still lets it through; deny ↔ audit on a Server whose
          // enforcement flipped is that one enforcement change, not one line per client.
          if (admitted(old.decision) === admitted(current.decision)) continue;
          const deciding = admitted(current.decision) ? current : old;
          const server = serverName(deciding.server);
          if (flipped.has(server) && (old.decision === 'audit' || current.decision === 'audit')) continue;
          const route = deciding.route === undefined ? 'connection'
            : isObjectRef(deciding.route) ? deciding.route.name : `${deciding.route.name} route`;
          const change: AccessChange = {
            change: admitted(current.decision) ? 'gained' : 'lost', target, clients: [client.label], everyone: false,
            destination: `${now.kind} ${now.namespace}/${now.name}:${port}`, server, route, requests: [],
            before: old.decision, after: current.decision,
          };
          const key = [change.change, client.label, change.destination, server, route, old.decision, current.decision].join('\u0000');
          const group = groups.get(key) ?? { change, requests: [] };
          groups.set(key, group);
          if (!group.requests.includes(request.label)) group.requests.push(request.label);
        }
      }
    }
  }
  // One entry per change that several clients share.
  const merged = new Map<string, AccessChange>();
  for (const { change, requests } of groups.values()) {
    const key = [change.change, change.destination, change.server, change.route, change.before, change.after, ...requests].join('\u0000');
    const same = merged.get(key);
    merged.set(key, same ? { ...same, clients: [...same.clients, ...change.clients] } : { ...change, requests });
  }
  const access = [...merged.values()].map((a) => ({ ...a, everyone: a.clients.length === clients.length }));
  return { access, enforcement };
}

function enforcementChanges(target: string, oldModel: LinkerdPolicyModel, newModel: LinkerdPolicyModel): EnforcementChange[] {
  const modeOf = (model: LinkerdPolicyModel) => new Map(serverPolicies(model).map(({ entry, policy }) => [
    `${entry.ref.namespace}/${entry.ref.name}`,
    policy.authorizations.some((a) => a.source.kind === 'default' && a.source.name === 'audit') ? 'audit' as const : 'deny' as const,
  ]));
  const was = modeOf(oldModel);
  return [...modeOf(newModel)].flatMap(([server, after]) => {
    const before = was.get(server);
    return before !== undefined && before !== after ? [{ target, server, before, after }] : [];
  }).sort((a, b) => compare(a.server, b.server));
}

/** The ports of a meshed workload the evaluator is asked about: its container ports and those its Servers select. */
function portsOf(model: LinkerdPolicyModel, workload: PolicyWorkload): number[] {
  if (!workload.meshed) return [...workload.containerPorts];
  const selected = model.index.serversOf(workload.namespace).flatMap((s) => [...model.index.serverPorts(s, workload)]);
  return [...new Set([...workload.containerPorts, ...selected])];
}

function serverName(server: InboundServer['server']): string {
  return isObjectRef(server) ? `${server.namespace}/${server.name}` : `default policy ${server.policy}`;
}

/** Every client class the renders know, ServiceAccounts first, then named identities, then the classes without identity. */
function clientsOf(manifests: readonly Json[], model: LinkerdPolicyModel): ProbeClient[] {
  const accounts = new Set<string>();
  const identities = new Set<string>();
  for (const m of manifests) {
    const namespace: string = m.metadata?.namespace ?? 'default';
    if (m.kind === 'ServiceAccount' && (m.apiVersion ?? '') === 'v1') accounts.add(`${namespace}/${m.metadata?.name}`);
    if (m.kind === 'MeshTLSAuthentication') {
      for (const id of (m.spec?.identities ?? []) as string[]) identities.add(id);
      for (const ref of (m.spec?.identityRefs ?? []) as Json[]) {
        if (ref.kind === 'ServiceAccount' && ref.name && ref.name !== '*') accounts.add(`${ref.namespace ?? namespace}/${ref.name}`);
      }
    }
  }
  for (const w of model.index.workloads) accounts.add(`${w.namespace}/${w.serviceAccount}`);
  const accountIdentities = new Set([...accounts].map((a) => model.identityOf({ serviceAccount: a })));
  const named = [...identities].filter((id) => id !== '*' && !accountIdentities.has(id)).sort().map((id) => ({
    label: `identity ${id}`,
    client: { identity: id.startsWith('*.') ? `any-account${id.slice(1)}` : id },
  }));
  return [
    ...[...accounts].sort().map((a) => ({ label: a, client: { serviceAccount: a } })),
    ...named,
    { label: 'any other meshed identity', client: { identity: serviceAccountIdentity('elsewhere', 'unknown', model.cluster) } },
    { label: 'unmeshed client in the cluster (e.g. the kubelet)', client: { ip: IN_CLUSTER_ADDRESS } },
    { label: 'unmeshed client outside the cluster', client: { ip: OUTSIDE_ADDRESS } },
  ];
}

/** One representative request per route match of either side, or a TCP connection for opaque and TLS ports. */
function requestClasses(servers: readonly InboundServer[]): RequestClass[] {
  const classes = new Map<string, RequestClass>();
  const add = (c: RequestClass) => {
    if (!classes.has(c.key)) classes.set(c.key, c);
  };
  for (const server of servers) {
    if (server.protocol === 'opaque' || server.protocol === 'TLS') add({ label: 'TCP connection', key: 'tcp' });
    for (const route of server.httpRoutes) {
      for (const rule of route.rules) {
        if (rule.matches.length === 0) add({ label: 'any request', key: 'GET /', http: { method: 'GET', path: '/' } });
        for (const match of rule.matches) {
          const host = route.hostnames.length > 0 ? route.hostnames[0].replace(/^\*\./, 'any.') : undefined;
          const request = httpRequestFor(match, host);
          if (request === undefined || !findRoute([{ ...route, rules: [{ matches: [match], filters: [] }] }], request, 'http')) continue;
          add({ label: describeHttpMatch(match), key: JSON.stringify(request), http: request });
        }
      }
    }
    for (const route of server.grpcRoutes) {
      for (const rule of route.rules) {
        const matches: (GrpcMatch | undefined)[] = rule.matches.length === 0 ? [undefined] : [...rule.matches];
        for (const match of matches) {
          const grpc = {
            service: match?.service ?? 'any.Service', method: match?.method ?? 'AnyMethod',
            headers: Object.fromEntries((match?.headers ?? []).filter((h) => h.type === 'Exact').map((h) => [h.name, h.value])),
          };
          add({ label: match ? describeGrpcMatch(match) : 'any gRPC call', key: `grpc ${JSON.stringify(grpc)}`, grpc });
        }
      }
    }
  }
  return [...classes.values()];
}

/** A request a match admits: its method (else GET), its exact or prefix path (a regex made literal), exact headers and query. */
function httpRequestFor(match: HttpMatch, host?: string): HttpRequestShape | undefined {
  const path = match.path === undefined ? '/' : match.path.type === 'RegularExpression'
    ? match.path.value.replace(/\\(.)/g, '$1').replace(/[\^$]/g, '').replace(/\.\*|\.\+/g, 'x') : match.path.value;
  if (match.headers.some((h) => h.type !== 'Exact') || match.queryParams.some((q) => q.type !== 'Exact')) return undefined;
  const query = match.queryParams.map((q) => `${encodeURIComponent(q.name)}=${encodeURIComponent(q.value)}`).join('&');
  return {
    method: match.method ?? 'GET',
    path: `${path}${query ? `?${query}` : ''}`,
    headers: Object.fromEntries(match.headers.map((h) => [h.name, h.value])),
    ...(host !== undefined ? { host } : {}),
  };
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type { ObjectRef };
