import { Manifest, apiGroupOf, objectIdOf } from '../output/manifest';
import {
  accessMatrix, describeClientClass, describeRef, IdentityMatch, InboundServer, isObjectRef, KUBELET_ADDRESS, LinkerdPolicyModel,
  namespaceIdentity, serverPolicies, serviceAccountOfIdentity,
} from '../policy';
import type { RenderTarget } from '../output/render-target';
import { rolloutManagedRoutes } from './rollout-managed-routes';

/**
 * One review report per render target, keyed by its file name beside the target folder
 * (`<target>.md`, outside the folder that Argo CD and `kubectl apply -f` read).
 */
export function reviewReports(targets: readonly RenderTarget[]): Map<string, string> {
  return new Map(targets.map((t) => [`${t.name}.md`, reviewReport(t.name, t.objects.map((o) => o.manifest))]));
}

/**
 * A Markdown report of a render target's mesh topology and authorization matrix, generated
 * from its rendered manifests (any chart, any construct): which identity may call which route
 * of which Server, what is only audited, and how traffic is split; tables and a Mermaid diagram,
 * so a reviewer sees a policy change in a pull request without reading YAML. Deterministic.
 */
export function reviewReport(target: string, manifests: readonly Manifest[]): string {
  const model = new MeshModel(manifests);
  const matrix = model.authorizationMatrix();
  return [
    `# Review report: \`${target}\``,
    '',
    `Generated from the rendered manifests of \`${target}/\`; do not edit. Argo CD does not read this file.`,
    'Mesh identities assume the trust domain `cluster.local`.',
    '',
    '## Workloads',
    '',
    table(['Workload', 'Service account (mesh identity)', 'Container ports', 'Default inbound policy'], model.workloads.map((w) => [
      code(`${w.kind} ${w.namespace}/${w.name}`), `${w.serviceAccount} (${code(identityOf(w.serviceAccount, w.namespace))})`,
      w.ports.map((p) => (p.name ? `${p.name}:${p.containerPort}` : String(p.containerPort))).join(', ') || '—',
      model.defaultInboundPolicyOf(w) ?? 'cluster default',
    ])),
    '## Servers',
    '',
    table(['Server', 'Port', 'Selects', 'Protocol', 'Traffic no policy authorizes'], model.servers.map((s) => [
      code(`${s.namespace}/${s.name}`), code(String(s.port)), model.selectedBy(s), s.proxyProtocol ?? 'unknown (detected)',
      ACCESS_POLICIES[s.accessPolicy] ?? s.accessPolicy,
    ])),
    '## Inbound routes',
    '',
    'A Server with routes refuses requests that match none of them.',
    '',
    table(['Route', 'Server', 'Matches'], model.inboundRoutes.map((r) => [
      `${code(`${r.namespace}/${r.name}`)}${model.ignoredByLinkerd(r) ? ' ⚠ ignored by Linkerd (see below)' : ''}`, r.servers.map(code).join(', '),
      r.matches.join('<br>'),
    ])),
    '## Authorization matrix',
    '',
    'Policies on a Server (or its namespace) cover every route of the Server; policies on a route cover only that route. '
      + 'A client must satisfy every authentication a policy requires.',
    '',
    table(['Server', 'Route', 'Client', 'Condition', 'Policy', 'Enforcement'], matrix.map((row) => [
      code(row.server), row.route ? code(row.route) : '(all routes)', row.client, row.condition, code(row.policy), row.enforcement,
    ])),
    ...(model.unauthorized().length === 0 ? [] : [
      '### Not authorized by any policy',
      '',
      ...model.unauthorized().map((u) => `- ${u}`),
      '',
    ]),
    '## Probes',
    '',
    'The kubelet\'s HTTP probes of meshed pods, evaluated as unauthenticated requests from a node address: a Server without routes '
      + 'authorizes them from the probe networks; once it has routes, only a route and policy of its own do.',
    '',
    table(['Workload', 'Probe', 'Port', 'Server', 'Route', 'Authorized by', 'Verdict'], model.probes()),
    '## Rate limits',
    '',
    table(['Server', 'HTTPLocalRateLimitPolicy', 'Total', 'Per identity', 'Overrides'], model.rateLimits()),
    ...(model.ignored().length === 0 ? [] : [
      '## Ignored by Linkerd',
      '',
      ...model.ignored().map((u) => `- ${u}`),
      '',
    ]),
    '## Traffic routing (client side)',
    '',
    table(['Route', 'Service', 'Matches', 'Backends (weight)', 'Weights owned by'], model.serviceRoutes.map((r) => [
      code(`${r.namespace}/${r.name}`), r.services.map(code).join(', '), r.matches.join('<br>'),
      r.backends.map((b) => `${code(b.name)} (${b.weight})`).join(', ') || '—', r.rolloutManaged ? 'Argo Rollouts' : 'this render',
    ])),
    '## Timeouts, retries and failure accrual (client side)',
    '',
    table(['Object', 'Setting', 'Value'], model.resilience()),
    '## Diagram',
    '',
    '```mermaid',
    ...model.diagram(matrix),
    '```',
    '',
  ].join('\n');
}

/** What each Server `accessPolicy` means for traffic that no policy authorizes. */
const ACCESS_POLICIES: Record<string, string> = {
  'deny': 'denied',
  'audit': '**audit**: allowed and logged (not enforced)',
  'all-authenticated': 'allowed for any meshed client',
  'all-unauthenticated': 'allowed for anyone',
  'cluster-authenticated': 'allowed for meshed clients in the cluster',
  'cluster-unauthenticated': 'allowed for anyone in the cluster',
};

/** The mesh identity of a ServiceAccount. */
export function identityOf(serviceAccount: string, namespace: string): string {
  return `${serviceAccount}.${namespace}.serviceaccount.identity.linkerd.cluster.local`;
}

interface Workload {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly serviceAccount: string;
  readonly ports: readonly { readonly name?: string; readonly containerPort: number }[];
}

interface Server {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly port: number | string;
  readonly selector: LabelSelector;
  readonly proxyProtocol?: string;
  readonly accessPolicy: string;
}

interface Route {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Servers (inbound) or Services (client side) it attaches to, as `namespace/name`. */
  readonly servers: readonly string[];
  readonly services: readonly string[];
  readonly matches: readonly string[];
  readonly backends: readonly { readonly name: string; readonly weight: number }[];
  readonly rolloutManaged: boolean;
}

interface MatrixRow {
  readonly server: string;
  readonly route?: string;
  readonly client: string;
  readonly condition: string;
  readonly policy: string;
  readonly enforcement: string;
}

interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}


type Json = Record<string, any>;

const POD_TEMPLATE_KINDS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'batch/Job', 'argoproj.io/Rollout']);

/** The mesh-relevant objects of one render target, read from plain manifests. */
class MeshModel {
  public readonly workloads: Workload[];
  public readonly servers: Server[];
  private readonly serversById: Map<string, Server>;
  public readonly inboundRoutes: Route[];
  public readonly serviceRoutes: Route[];
  private readonly byKind: Map<string, Manifest[]>;
  /** `<namespace>/<serviceAccount>` → the workloads running as it. */
  private readonly workloadsByServiceAccount = new Map<string, Workload[]>();
  /** `<namespace>\0<label>=<value>` and `<namespace>` → workloads, so that a Server's selector reads only candidates. */
  private readonly workloadsByLabel = new Map<string, Workload[]>();
  private readonly workloadsByNamespace = new Map<string, Workload[]>();
  private matrix: MatrixRow[] | undefined;
  private policies: { server: Server; policy: InboundServer }[] | undefined;
  /** Linkerd's inbound policy over the same manifests: the one model the matrix, probes and rate limits come from. */
  private readonly policy: LinkerdPolicyModel;

  constructor(manifests: readonly Manifest[]) {
    const sorted = [...manifests].sort((a, b) => compare(objectIdOf(a), objectIdOf(b)));
    this.byKind = new Map();
    for (const m of sorted) {
      const kind = `${apiGroupOf(m)}/${m.kind}`;
      appendTo(this.byKind, kind, m);
    }
    this.policy = new LinkerdPolicyModel(sorted);
    this.workloads = sorted.flatMap((m) => {
      const group = apiGroupOf(m);
      const template: Json | undefined = POD_TEMPLATE_KINDS.has(`${group}/${m.kind}`) ? (m as Json).spec?.template
        : `${group}/${m.kind}` === 'batch/CronJob' ? (m as Json).spec?.jobTemplate?.spec?.template : undefined;
      if (template === undefined) return [];
      return [{
        kind: m.kind, namespace: namespaceOf(m), name: m.metadata.name,
        labels: template.metadata?.labels ?? {}, annotations: template.metadata?.annotations ?? {},
        serviceAccount: template.spec?.serviceAccountName ?? 'default',
        ports: (template.spec?.containers ?? []).flatMap((c: Json) => c.ports ?? []),
      }];
    });
    for (const w of this.workloads) {
      const key = `${w.namespace}/${w.serviceAccount}`;
      appendTo(this.workloadsByServiceAccount, key, w);
      for (const [name, value] of Object.entries(w.labels)) appendTo(this.workloadsByLabel, `${w.namespace}\0${name}=${value}`, w);
      appendTo(this.workloadsByNamespace, w.namespace, w);
    }
    this.servers = this.all('policy.linkerd.io/Server').map((s) => {
      const spec: Json = (s as Json).spec ?? {};
      return {
        namespace: namespaceOf(s), name: s.metadata.name, labels: s.metadata.labels ?? {}, port: spec.port,
        selector: spec.podSelector ?? {}, proxyProtocol: spec.proxyProtocol, accessPolicy: spec.accessPolicy ?? 'deny',
      };
    });
    this.serversById = new Map(this.servers.map((server) => [`${server.namespace}/${server.name}`, server]));
    const managed = new Set(rolloutManagedRoutes(sorted).map((r) => `${r.namespace}/${r.name}`));
    const routes: Route[] = [...this.all('policy.linkerd.io/HTTPRoute'), ...this.all('gateway.networking.k8s.io/HTTPRoute'),
      ...this.all('gateway.networking.k8s.io/GRPCRoute')].map((r) => {
      const spec: Json = (r as Json).spec ?? {};
      const ns = namespaceOf(r);
      const parents: Json[] = spec.parentRefs ?? [];
      const parentsOf = (kind: string) => parents.filter((p) => p.kind === kind).map((p) => `${p.namespace ?? ns}/${p.name}`);
      const rules: Json[] = spec.rules ?? [{}];
      return {
        group: apiGroupOf(r), kind: r.kind, namespace: ns, name: r.metadata.name, servers: parentsOf('Server'), services: parentsOf('Service'),
        matches: rules.flatMap((rule) => (rule.matches ?? [{}]).map(describeMatch)),
        backends: rules.flatMap((rule) => (rule.backendRefs ?? []).map((b: Json) => ({ name: b.name, weight: b.weight ?? 1 }))),
        rolloutManaged: apiGroupOf(r) === 'gateway.networking.k8s.io' && managed.has(`${ns}/${r.metadata.name}`),
      };
    });
    this.inboundRoutes = routes.filter((r) => r.servers.length > 0);
    this.serviceRoutes = routes.filter((r) => r.services.length > 0);
  }

  /** The workloads a Server selects, and whether they expose its port. */
  public selectedBy(server: Server): string {
    // Candidates: the workloads with the selector's rarest label (every match has them all), else the namespace's.
    const required = Object.entries(server.selector.matchLabels ?? {}).map(([name, value]) => this.workloadsByLabel.get(`${server.namespace}\0${name}=${value}`) ?? []);
    const candidates = required.length > 0 ? required.reduce((a, b) => (b.length < a.length ? b : a)) : this.workloadsByNamespace.get(server.namespace) ?? [];
    const selected = candidates.filter((w) => selects(server.selector, w.labels));
    if (selected.length === 0) return '⚠ no workload in this target';
    return selected.map((w) => {
      const exposed = w.ports.some((p) => p.containerPort === server.port || p.name === server.port);
      return `${code(`${w.kind} ${w.name}`)}${exposed ? '' : ` ⚠ no container port ${server.port}`}`;
    }).join(', ');
  }

  /** The default inbound policy of a workload as Linkerd resolves it: pod annotation, the namespace's (copied at injection), or the cluster's. */
  public defaultInboundPolicyOf(workload: Workload): string {
    const w = this.policy.index.workloads.find((x) => x.kind === workload.kind && x.namespace === workload.namespace && x.name === workload.name);
    if (!w) return 'cluster default';
    if (!w.meshed) return 'not meshed: no policy';
    const { policy, reason } = this.policy.index.defaultPolicyOf(w);
    return reason.startsWith('cluster default') ? `${policy} (cluster default)` : policy;
  }

  /** Every (Server, route, client) that some policy authorizes. Computed once. */
  public authorizationMatrix(): MatrixRow[] {
    this.matrix ??= this.computeAuthorizationMatrix();
    return this.matrix;
  }

  /** The policy the controller serves for each Server (with the probe paths of a port it selects, if any). */
  public serverPolicies(): { server: Server; policy: InboundServer }[] {
    this.policies ??= serverPolicies(this.policy).map(({ entry, policy }) => ({
      server: this.serversById.get(`${entry.ref.namespace}/${entry.ref.name}`)!, policy,
    }));
    return this.policies;
  }

  /** The matrix rows of the evaluator's access matrix: one per client class of each authorization. */
  private computeAuthorizationMatrix(): MatrixRow[] {
    const rows: MatrixRow[] = [];
    for (const entry of accessMatrix(this.policy)) {
      const route = entry.route === undefined ? undefined : isObjectRef(entry.route.ref) ? `${entry.route.ref.namespace}/${entry.route.ref.name}`
        : entry.route.ref.name === 'probe' ? '(probe paths)' : undefined;
      const audited = entry.audit || (entry.authorization.kind === 'default' && entry.authorization.name === 'audit');
      const policy = entry.authorization.kind === 'default' ? `(default ${entry.authorization.name})` : entry.authorization.name;
      const networks = entry.networks.map((n) => `network ${code(n.cidr)}${n.except.length > 0 ? ` except ${n.except.map(code).join(', ')}` : ''}`);
      const from = networks.length === 0 ? '' : `, from ${networks.join(' or ')}`;
      for (const client of entry.clients) {
        const [text, condition] = client.kind === 'identity' ? [this.describeIdentity(client.match), `mTLS${from}`]
          : client.kind === 'tls' ? ['any TLS client', `TLS, no identity${from}`]
            : client.kind === 'network'
              ? [describeClientClass(client).replace(/^network (\S+)/, (_m, cidr) => `network ${code(cidr)}`), 'by source address, no identity']
              : ['anyone', 'no identity'];
        const enforcement = audited ? '**audit** (not enforced)' : 'enforced';
        rows.push({ server: `${entry.server.namespace}/${entry.server.name}`, route, client: text, condition, policy, enforcement });
      }
    }
    const key = (row: MatrixRow) => `${row.server} ${row.route ?? ''} ${row.client} ${row.policy}`;
    return rows.sort((a, b) => compare(key(a), key(b)));
  }

  /** Servers and routes that no authorization admits anyone to, as the evaluator sees them. */
  public unauthorized(): string[] {
    const problems: string[] = [];
    for (const { server, policy } of this.serverPolicies()) {
      const id = `${server.namespace}/${server.name}`;
      if (policy.authorizations.length > 0) continue;
      const routes = [...policy.httpRoutes, ...policy.grpcRoutes];
      if (routes.every((r) => !isObjectRef(r.ref) && r.authorizations.length === 0)) {
        problems.push(`Server ${code(id)}: no client (${ACCESS_POLICIES[server.accessPolicy] ?? server.accessPolicy})`);
      }
      for (const route of routes) {
        if (isObjectRef(route.ref) && route.authorizations.length === 0) {
          problems.push(`route ${code(`${route.ref.namespace}/${route.ref.name}`)} of Server ${code(id)}: no client`);
        }
      }
    }
    return problems;
  }

  /** Whether Linkerd ignores an inbound route (or attaches it to nothing), per the evaluator. */
  public ignoredByLinkerd(route: Route): boolean {
    const { group, kind, namespace, name } = route;
    return this.policy.index.findings.some((f) => f.object.group === group && f.object.kind === kind && f.object.namespace === namespace
      && f.object.name === name && (f.rule === 'semantic/route-ignored' || f.rule === 'semantic/route-parent-defaults'));
  }

  /** What Linkerd ignores or reads differently, from the evaluator. */
  public ignored(): string[] {
    return [
      ...this.policy.index.findings.map((f) => `${code(describeRef(f.object))} ${f.field}: [${f.rule}] ${f.message}`),
      ...this.policy.index.ignoredPolicies().map((p) => `${code(describeRef(p.ref))}: ignored by Linkerd: ${p.reason}`),
    ].sort(compare);
  }

  /** How the kubelet's HTTP probes of each meshed workload are authorized, evaluated as the kubelet's requests. */
  public probes(): string[][] {
    const probes = this.policy.index.workloads.filter((w) => w.meshed)
      .flatMap((w) => [...w.probes.entries()].sort(([a], [b]) => a - b).flatMap(([port, paths]) => paths.map((path) => ({ w, port, path }))));
    return probes.map(({ w, port, path }) => {
      const destination = { workload: `${w.kind}/${w.namespace}/${w.name}`, port };
      const verdict = this.policy.evaluate({ client: { ip: KUBELET_ADDRESS }, destination, http: { method: 'GET', path } });
      const server = isObjectRef(verdict.server) ? code(`${verdict.server.namespace}/${verdict.server.name}`)
        : `(default ${(verdict.server as { policy: string }).policy})`;
      const route = verdict.route === undefined ? '—'
        : isObjectRef(verdict.route) ? code(verdict.route.name) : `Linkerd's ${verdict.route.name} route`;
      const a = verdict.authorization;
      const by = a === undefined ? '—' : a.kind === 'default' ? `default ${a.name}` : `${a.kind} ${code(a.name)}`;
      const decision = verdict.decision === 'deny' ? `**deny** (${verdict.denial})` : verdict.decision;
      return [code(`${w.kind} ${w.namespace}/${w.name}`), code(`GET ${path}`), code(String(port)), server, route, by, decision];
    });
  }

  /** Rate limits per Server, as Linkerd applies them (none for gRPC, opaque or TLS Servers). */
  public rateLimits(): string[][] {
    return this.serverPolicies().map(({ server, policy }) => {
      const limit = policy.rateLimit;
      if (!limit) return [code(`${server.namespace}/${server.name}`), 'none', '—', '—', '—'];
      const overrides = limit.overrides.map((o) => `${o.requestsPerSecond}/s for ${o.identities.map(code).join(', ')}`).join('<br>') || '—';
      const perSecond = (n: number | undefined) => (n === undefined ? '—' : `${n}/s`);
      return [code(`${server.namespace}/${server.name}`), code(limit.policy), perSecond(limit.total), perSecond(limit.identity), overrides];
    });
  }

  /** Client-side timeouts, retries and failure accrual: route timeouts, Linkerd annotations, ServiceProfile routes. */
  public resilience(): string[][] {
    const rows: string[][] = [];
    for (const kind of ['policy.linkerd.io/HTTPRoute', 'gateway.networking.k8s.io/HTTPRoute', 'gateway.networking.k8s.io/GRPCRoute']) {
      for (const r of this.all(kind)) {
        const id = code(`${kind.split('/')[1]} ${namespaceOf(r)}/${r.metadata.name}`);
        ((r as Json).spec?.rules ?? []).forEach((rule: Json, i: number) => {
          const t: Json | undefined = rule.timeouts;
          if (t) rows.push([id, `rules[${i}] timeouts`, Object.entries(t).map(([k, v]) => `${k} ${v}`).join(', ')]);
        });
        for (const [key, value] of Object.entries(r.metadata.annotations ?? {}).sort()) {
          if (/^(retry|timeout)\.linkerd\.io\//.test(key)) rows.push([id, code(key), String(value)]);
        }
      }
    }
    for (const svc of this.all('core/Service')) {
      for (const [key, value] of Object.entries(svc.metadata.annotations ?? {}).sort()) {
        if (/^(retry|timeout|balancer)\.linkerd\.io\//.test(key)) {
          rows.push([code(`Service ${namespaceOf(svc)}/${svc.metadata.name}`), code(key), String(value)]);
        }
      }
    }
    for (const sp of this.all('linkerd.io/ServiceProfile')) {
      const spec: Json = (sp as Json).spec ?? {};
      const id = code(`ServiceProfile ${namespaceOf(sp)}/${sp.metadata.name}`);
      for (const route of spec.routes ?? []) {
        const parts = [route.timeout ? `timeout ${route.timeout}` : undefined, route.isRetryable ? 'retryable' : undefined].filter((x) => x);
        if (parts.length > 0) rows.push([id, `route ${code(route.name)}`, parts.join(', ')]);
      }
      if (spec.retryBudget) rows.push([id, 'retryBudget', Object.entries(spec.retryBudget).map(([k, v]) => `${k} ${v}`).join(', ')]);
    }
    return rows;
  }

  private describeIdentity(match: IdentityMatch): string {
    if (match.kind === 'suffix') {
      if (match.parts.length === 0) return 'any meshed identity';
      const text = ['*', ...match.parts].join('.');
      const wholeNamespace = text === namespaceIdentity(match.parts[0], this.policy.cluster);
      return wholeNamespace ? `every ServiceAccount in namespace ${code(match.parts[0])}` : code(text);
    }
    const account = serviceAccountOfIdentity(match.identity, this.policy.cluster);
    return account ? this.describeServiceAccount(account.name, account.namespace) : code(match.identity);
  }

  /** A Mermaid flowchart: clients → routes → Servers per namespace, and client-side traffic splits. */
  public diagram(matrix: readonly MatrixRow[]): string[] {
    const ids = new Map<string, string>();
    const node = (key: string) => {
      if (!ids.has(key)) ids.set(key, `n${ids.size}`);
      return ids.get(key)!;
    };
    const lines = ['flowchart LR'];
    const declared = new Set<string>();
    const declareOnce = (id: string, declaration: string) => {
      if (declared.has(id)) return;
      declared.add(id);
      lines.push(declaration);
    };
    const namespaces = [...new Set([...this.servers.map((s) => s.namespace), ...this.serviceRoutes.map((r) => r.namespace)])].sort();
    for (const ns of namespaces) {
      lines.push(`  subgraph ${node(`namespace ${ns}`)}["namespace ${ns}"]`);
      for (const s of this.servers.filter((x) => x.namespace === ns)) {
        lines.push(`    ${node(`server ${ns}/${s.name}`)}[${label(`Server ${s.name} :${s.port}`)}]`);
      }
      for (const r of this.inboundRoutes.filter((x) => x.namespace === ns)) {
        lines.push(`    ${node(`route ${ns}/${r.name}`)}(${label(`${r.name}: ${r.matches.join(', ')}`)})`);
      }
      lines.push('  end');
    }
    for (const r of this.inboundRoutes) {
      for (const s of r.servers) lines.push(`  ${node(`route ${r.namespace}/${r.name}`)} --> ${node(`server ${s}`)}`);
    }
    for (const row of matrix) {
      const client = node(`client ${row.client} ${row.condition}`);
      declareOnce(client, `  ${client}([${label(`${row.client} (${row.condition})`)}])`);
      const to = row.route ? node(`route ${row.route}`) : node(`server ${row.server}`);
      lines.push(`  ${client} ${row.enforcement === 'enforced' ? '-->' : '-.->'}|${label(row.policy)}| ${to}`);
    }
    for (const r of this.serviceRoutes) {
      for (const svc of r.services) {
        const from = node(`service ${svc}`);
        declareOnce(from, `  ${from}[${label(`Service ${svc}`)}]`);
        for (const b of r.backends) {
          const to = node(`service ${r.namespace}/${b.name}`);
          declareOnce(to, `  ${to}[${label(`Service ${r.namespace}/${b.name}`)}]`);
          lines.push(`  ${from} -->|${label(`${r.name}: weight ${b.weight}${r.rolloutManaged ? ' (Argo Rollouts)' : ''}`)}| ${to}`);
        }
      }
    }
    return lines;
  }

  private describeServiceAccount(name: string, namespace: string): string {
    const runs = (this.workloadsByServiceAccount.get(`${namespace}/${name}`) ?? []).map((w) => `${w.kind} ${w.name}`);
    return `${code(identityOf(name, namespace))}${runs.length > 0 ? ` (${runs.join(', ')})` : ''}`;
  }

  private all(kind: string): Manifest[] {
    return this.byKind.get(kind) ?? [];
  }

}

/** Adds a value to the list at `key` in place (copying the list on every add made building an index quadratic). */
function appendTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In': return values.includes(labels[key]);
      case 'NotIn': return !values.includes(labels[key]);
      case 'Exists': return key in labels;
      case 'DoesNotExist': return !(key in labels);
      default: return false;
    }
  });
  return byLabels && byExpressions;
}

function describeMatch(match: Json): string {
  const grpc = match.method !== undefined && typeof match.method === 'object' ? match.method : undefined;
  if (grpc !== undefined) {
    const headers = (match.headers ?? []).map((h: Json) => ` ${h.name}=${h.value}`).join('');
    return `gRPC ${grpc.service ?? '*'}/${grpc.method ?? '*'}${grpc.type === 'RegularExpression' ? ' (regex)' : ''}${headers}`;
  }
  const method = match.method ?? 'any method';
  const path = match.path ? `${match.path.type === 'Exact' ? '' : `${match.path.type ?? 'PathPrefix'} `}${match.path.value}` : 'any path';
  const headers = (match.headers ?? []).map((h: Json) => ` ${h.name}=${h.value}`).join('');
  return `${method} ${path}${headers}`;
}


function namespaceOf(manifest: Manifest): string {
  return manifest.metadata.namespace ?? 'default';
}

function table(header: readonly string[], rows: readonly string[][]): string {
  if (rows.length === 0) return 'None.\n';
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`), ''].join('\n');
}

function code(text: string): string {
  return `\`${text}\``;
}

/** Markdown decoration removed, for diagram labels. */
function plain(text: string): string {
  // Only Markdown's code and bold marks: a wildcard identity keeps its `*`.
  return text.replace(/`/g, '').replace(/\*\*/g, '');
}

/** A quoted Mermaid label. */
function label(text: string): string {
  return `"${plain(text).replace(/"/g, '#quot;')}"`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

