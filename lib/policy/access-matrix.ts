import { LinkerdPolicyModel } from './evaluate';
import { describeIdentityMatch, IdentityMatch } from './identities';
import { ServerEntry } from './inbound-index';
import { Authorization, GrpcMatch, HttpMatch, InboundServer, isObjectRef, ObjectRef, PolicyWorkload } from './model';
import { NetworkMatch } from './networks';
import { describeGrpcMatch, describeHttpMatch } from './route-matching';

/** A class of clients one authorization admits. */
export type ClientClass =
  | { readonly kind: 'identity'; readonly match: IdentityMatch }
  | { readonly kind: 'tls' }
  | { readonly kind: 'network'; readonly network: NetworkMatch }
  | { readonly kind: 'anyone' };

/**
 * One row of the access matrix: who (clients, from which networks) may call which route of which Server, by which
 * authorization, enforced or only audited. The unit a review report shows and an access diff compares.
 */
export interface AccessEntry {
  readonly server: ObjectRef;
  /** `Kind ns/name` of the workloads whose ports the Server selects. */
  readonly workloads: readonly string[];
  readonly protocol: InboundServer['protocol'];
  /** The route the authorization is attached to; undefined when it covers every route of the Server. */
  readonly route?: {
    readonly ref: ObjectRef | { readonly kind: 'default'; readonly name: 'default' | 'probe' };
    readonly matches: readonly string[];
  };
  readonly authorization: Authorization['source'];
  readonly via: string;
  readonly clients: readonly ClientClass[];
  /** The networks the clients must come from (empty: anywhere). */
  readonly networks: readonly NetworkMatch[];
  /** True when the Server is in audit mode: nothing is denied, so this grant changes nothing but logs. */
  readonly audit: boolean;
}

/** What the controller serves for each Server: for the first workload port it selects (with its probe paths), else without a workload. */
export function serverPolicies(model: LinkerdPolicyModel): { entry: ServerEntry; workloads: PolicyWorkload[]; policy: InboundServer }[] {
  const index = model.index;
  return index.allServers().map((entry) => {
    const selected = index.workloadsServedBy(entry).map(({ workload: w, port }) => ({ w, port }));
    const policy = selected.length > 0 ? index.inboundServer(selected[0].w, selected[0].port) : index.serverPolicy(entry);
    return { entry, workloads: selected.map((s) => s.w), policy };
  });
}

/** The access matrix of every Server, from what Linkerd serves (routes and policies it ignores are not in it). Deterministic order. */
export function accessMatrix(model: LinkerdPolicyModel): AccessEntry[] {
  const entries: AccessEntry[] = [];
  for (const { entry, workloads, policy } of serverPolicies(model)) {
    const audit = policy.authorizations.some((a) => a.source.kind === 'default' && a.source.name === 'audit');
    const base = { server: entry.ref, workloads: workloads.map((w) => `${w.kind} ${w.namespace}/${w.name}`), protocol: policy.protocol, audit };
    const add = (route: AccessEntry['route'], a: Authorization) => {
      const everywhere = a.networks.length === 2 && a.networks.every((n) => (n.cidr === '0.0.0.0/0' || n.cidr === '::/0') && n.except.length === 0);
      const clients: ClientClass[] =
        a.authentication.kind === 'mesh-tls'
          ? a.authentication.identities.map((match) => ({ kind: 'identity', match }))
          : a.authentication.kind === 'tls-unauthenticated'
            ? [{ kind: 'tls' }]
            : everywhere
              ? [{ kind: 'anyone' }]
              : a.networks.map((network) => ({ kind: 'network', network }));
      entries.push({ ...base, route, authorization: a.source, via: a.via, clients, networks: everywhere ? [] : a.networks });
    };
    for (const route of [...policy.httpRoutes, ...policy.grpcRoutes]) {
      const matches = route.rules.flatMap((rule) =>
        rule.matches.length === 0
          ? ['every request']
          : rule.matches.map((m) => ('queryParams' in m ? describeHttpMatch(m as HttpMatch) : describeGrpcMatch(m as GrpcMatch))),
      );
      for (const a of route.authorizations) add({ ref: route.ref, matches }, a);
    }
    for (const a of policy.authorizations) add(undefined, a);
  }
  const key = (e: AccessEntry) =>
    [
      `${e.server.namespace}/${e.server.name}`,
      e.route && isObjectRef(e.route.ref) ? e.route.ref.name : e.route ? `~${e.route.ref.name}` : '~~',
      e.authorization.kind,
      e.authorization.name,
    ].join(' ');
  return entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** A client class written for people: `*.example.org`, `any meshed identity`, `network 10.0.0.0/8 except …`, `anyone`. */
export function describeClientClass(client: ClientClass): string {
  switch (client.kind) {
    case 'identity':
      return client.match.kind === 'suffix' && client.match.parts.length === 0 ? 'any meshed identity' : describeIdentityMatch(client.match);
    case 'tls':
      return 'any TLS client';
    case 'network':
      return `network ${client.network.cidr}${client.network.except.length > 0 ? ` except ${client.network.except.join(', ')}` : ''}`;
    case 'anyone':
      return 'anyone';
  }
}
