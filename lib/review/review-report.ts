import { Manifest, apiGroupOf, objectIdOf } from '../output/manifest';
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
      code(`${r.namespace}/${r.name}`), r.servers.map(code).join(', '), r.matches.join('<br>'),
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
    '## Traffic routing (client side)',
    '',
    table(['Route', 'Service', 'Matches', 'Backends (weight)', 'Weights owned by'], model.serviceRoutes.map((r) => [
      code(`${r.namespace}/${r.name}`), r.services.map(code).join(', '), r.matches.join('<br>'),
      r.backends.map((b) => `${code(b.name)} (${b.weight})`).join(', ') || '—', r.rolloutManaged ? 'Argo Rollouts' : 'this render',
    ])),
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

interface Ref {
  readonly group?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

type Json = Record<string, any>;

const POD_TEMPLATE_KINDS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'batch/Job', 'argoproj.io/Rollout']);

/** The mesh-relevant objects of one render target, read from plain manifests. */
class MeshModel {
  public readonly workloads: Workload[];
  public readonly servers: Server[];
  public readonly inboundRoutes: Route[];
  public readonly serviceRoutes: Route[];
  private readonly byKind: Map<string, Manifest[]>;
  /** `<group>/<Kind> <namespace>/<name>` → object, for reference lookups. */
  private readonly byReference = new Map<string, Manifest>();
  /** `<namespace>/<serviceAccount>` → the workloads running as it. */
  private readonly workloadsByServiceAccount = new Map<string, Workload[]>();
  /** `<namespace>\0<label>=<value>` and `<namespace>` → workloads, so that a Server's selector reads only candidates. */
  private readonly workloadsByLabel = new Map<string, Workload[]>();
  private readonly workloadsByNamespace = new Map<string, Workload[]>();
  private readonly namespaceAnnotations: Map<string, Record<string, string>>;
  private matrix: MatrixRow[] | undefined;

  constructor(manifests: readonly Manifest[]) {
    const sorted = [...manifests].sort((a, b) => compare(objectIdOf(a), objectIdOf(b)));
    this.byKind = new Map();
    for (const m of sorted) {
      const kind = `${apiGroupOf(m)}/${m.kind}`;
      appendTo(this.byKind, kind, m);
      this.byReference.set(`${kind} ${namespaceOf(m)}/${m.metadata.name}`, m);
    }
    this.namespaceAnnotations = new Map(this.all('core/Namespace').map((n) => [n.metadata.name, n.metadata.annotations ?? {}]));
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
    const managed = new Set(rolloutManagedRoutes(sorted).map((r) => `${r.namespace}/${r.name}`));
    const routes: Route[] = [...this.all('policy.linkerd.io/HTTPRoute'), ...this.all('gateway.networking.k8s.io/HTTPRoute'),
      ...this.all('gateway.networking.k8s.io/GRPCRoute')].map((r) => {
      const spec: Json = (r as Json).spec ?? {};
      const ns = namespaceOf(r);
      const parents: Json[] = spec.parentRefs ?? [];
      const parentsOf = (kind: string) => parents.filter((p) => p.kind === kind).map((p) => `${p.namespace ?? ns}/${p.name}`);
      const rules: Json[] = spec.rules ?? [{}];
      return {
        namespace: ns, name: r.metadata.name, servers: parentsOf('Server'), services: parentsOf('Service'),
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

  /** The default inbound policy of a workload: its pod annotation, else its namespace's. */
  public defaultInboundPolicyOf(workload: Workload): string | undefined {
    const key = 'config.linkerd.io/default-inbound-policy';
    return workload.annotations[key] ?? this.namespaceAnnotations.get(workload.namespace)?.[key];
  }

  /** Every (Server, route, client) that some policy authorizes. Computed once. */
  public authorizationMatrix(): MatrixRow[] {
    this.matrix ??= this.computeAuthorizationMatrix();
    return this.matrix;
  }

  private computeAuthorizationMatrix(): MatrixRow[] {
    const rows: MatrixRow[] = [];
    const serversById = new Map(this.servers.map((server) => [`${server.namespace}/${server.name}`, server]));
    const inboundRoutesById = new Map(this.inboundRoutes.map((route) => [`${route.namespace}/${route.name}`, route]));
    const serversByNamespace = new Map<string, Server[]>();
    for (const server of this.servers) serversByNamespace.set(server.namespace, [...(serversByNamespace.get(server.namespace) ?? []), server]);
    const enforcementOf = (server: Server) => (server.accessPolicy === 'audit' ? '**audit** (not enforced)' : 'enforced');
    const add = (server: Server, policy: string, route: string | undefined, grants: readonly { client: string; condition: string }[]) => {
      for (const grant of grants) {
        rows.push({ server: `${server.namespace}/${server.name}`, route, ...grant, policy, enforcement: enforcementOf(server) });
      }
    };
    for (const p of this.all('policy.linkerd.io/AuthorizationPolicy')) {
      const spec: Json = (p as Json).spec ?? {};
      const ns = namespaceOf(p);
      const target: Ref = spec.targetRef ?? { kind: '', name: '' };
      const refs: Ref[] = spec.requiredAuthenticationRefs ?? [];
      const targets: [Server, string | undefined][] = [];
      if (target.kind === 'Server') {
        const server = serversById.get(`${ns}/${target.name}`);
        if (server) targets.push([server, undefined]);
      }
      if (target.kind === 'Namespace' && target.name === ns) {
        for (const server of serversByNamespace.get(ns) ?? []) targets.push([server, undefined]);
      }
      if (target.kind === 'HTTPRoute' || target.kind === 'GRPCRoute') {
        const route = inboundRoutesById.get(`${ns}/${target.name}`);
        for (const serverId of new Set(route?.servers ?? [])) {
          const server = serversById.get(serverId);
          if (server) targets.push([server, `${route!.namespace}/${route!.name}`]);
        }
      }
      if (targets.length === 0) continue;
      const grants = this.resolveAuthentications(refs, ns);
      for (const [server, route] of targets) add(server, p.metadata.name, route, grants);
    }
    for (const a of this.all('policy.linkerd.io/ServerAuthorization')) {
      const spec: Json = (a as Json).spec ?? {};
      for (const server of serversByNamespace.get(namespaceOf(a)) ?? []) {
        const matches = spec.server?.name === server.name
          || (spec.server?.selector !== undefined && selects(spec.server.selector, server.labels));
        if (matches) add(server, a.metadata.name, undefined, this.legacyClients(spec.client ?? {}, namespaceOf(a)));
      }
    }
    return rows.sort((a, b) => compare(`${a.server} ${a.route ?? ''} ${a.client} ${a.policy}`, `${b.server} ${b.route ?? ''} ${b.client} ${b.policy}`));
  }

  /** Servers and routes that no policy authorizes anyone for. */
  public unauthorized(): string[] {
    const matrix = this.authorizationMatrix();
    const authorizedServers = new Set(matrix.map((r) => r.server));
    const serverWide = new Set(matrix.filter((r) => r.route === undefined).map((r) => r.server));
    const authorizedRoutes = new Set(matrix.filter((r) => r.route !== undefined).map((r) => `${r.server} ${r.route}`));
    const routesByServer = new Map<string, Route[]>();
    for (const route of this.inboundRoutes) {
      for (const serverId of route.servers) routesByServer.set(serverId, [...(routesByServer.get(serverId) ?? []), route]);
    }
    const problems: string[] = [];
    for (const server of this.servers) {
      const id = `${server.namespace}/${server.name}`;
      const routes = routesByServer.get(id) ?? [];
      if (!serverWide.has(id) && routes.length === 0 && !authorizedServers.has(id)) {
        problems.push(`Server ${code(id)}: no client (${ACCESS_POLICIES[server.accessPolicy] ?? server.accessPolicy})`);
      }
      for (const route of routes) {
        const routeId = `${route.namespace}/${route.name}`;
        if (!serverWide.has(id) && !authorizedRoutes.has(`${id} ${routeId}`)) {
          problems.push(`route ${code(routeId)} of Server ${code(id)}: no client`);
        }
      }
    }
    return problems;
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

  private resolveAuthentications(refs: readonly Ref[], policyNamespace: string): { client: string; condition: string }[] {
    const identities: string[] = [];
    const networks: string[] = [];
    for (const ref of refs) {
      const ns = ref.namespace ?? policyNamespace;
      if (ref.kind === 'ServiceAccount') identities.push(this.describeServiceAccount(ref.name, ns));
      else if (ref.kind === 'MeshTLSAuthentication') {
        const authn = this.find('policy.linkerd.io/MeshTLSAuthentication', ns, ref.name);
        if (authn === undefined) identities.push(`⚠ MeshTLSAuthentication ${code(`${ns}/${ref.name}`)} is not in this target`);
        else identities.push(...this.meshIdentities(authn));
      } else if (ref.kind === 'NetworkAuthentication') {
        const authn = this.find('policy.linkerd.io/NetworkAuthentication', ns, ref.name);
        if (authn === undefined) networks.push(`⚠ NetworkAuthentication ${code(`${ns}/${ref.name}`)} is not in this target`);
        else networks.push(...((authn as Json).spec?.networks ?? []).map(describeNetwork));
      } else {
        identities.push(`⚠ unsupported authentication ${ref.kind} ${ref.name}`);
      }
    }
    if (identities.length > 0) {
      const condition = networks.length > 0 ? `mTLS, from ${networks.join(' or ')}` : 'mTLS';
      return identities.map((client) => ({ client, condition }));
    }
    return networks.map((client) => ({ client, condition: 'by source address, no identity' }));
  }

  private meshIdentities(authn: Manifest): string[] {
    const spec: Json = (authn as Json).spec ?? {};
    const ns = namespaceOf(authn);
    return [
      ...(spec.identities ?? []).map((id: string) => (id === '*' ? 'any meshed identity' : code(id))),
      ...(spec.identityRefs ?? []).map((ref: Ref) => {
        if (ref.kind === 'Namespace') return `every ServiceAccount in namespace ${code(ref.name)}`;
        if (ref.kind === 'ServiceAccount' && ref.name === '*') return `every ServiceAccount in namespace ${code(ref.namespace ?? ns)}`;
        return this.describeServiceAccount(ref.name, ref.namespace ?? ns);
      }),
    ];
  }

  private legacyClients(client: Json, ns: string): { client: string; condition: string }[] {
    if (client.unauthenticated) return [{ client: 'anyone', condition: 'no identity' }];
    const networks = (client.networks ?? []).map(describeNetwork);
    const mesh = client.meshTLS ?? {};
    const identities: string[] = [
      ...(mesh.unauthenticatedTLS ? ['any TLS client'] : []),
      ...(mesh.identities ?? []).map((id: string) => (id === '*' ? 'any meshed identity' : code(id))),
      ...(mesh.serviceAccounts ?? []).map((sa: Ref) => this.describeServiceAccount(sa.name, sa.namespace ?? ns)),
    ];
    const condition = networks.length > 0 ? `mTLS, from ${networks.join(' or ')}` : 'mTLS';
    return identities.length > 0 ? identities.map((c) => ({ client: c, condition }))
      : networks.map((c: string) => ({ client: c, condition: 'by source address, no identity' }));
  }

  private describeServiceAccount(name: string, namespace: string): string {
    const runs = (this.workloadsByServiceAccount.get(`${namespace}/${name}`) ?? []).map((w) => `${w.kind} ${w.name}`);
    return `${code(identityOf(name, namespace))}${runs.length > 0 ? ` (${runs.join(', ')})` : ''}`;
  }

  private all(kind: string): Manifest[] {
    return this.byKind.get(kind) ?? [];
  }

  private find(kind: string, namespace: string, name: string): Manifest | undefined {
    return this.byReference.get(`${kind} ${namespace}/${name}`);
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

function describeNetwork(network: Json): string {
  const except: string[] = network.except ?? [];
  return `network ${code(network.cidr)}${except.length > 0 ? ` except ${except.map(code).join(', ')}` : ''}`;
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
  return text.replace(/[`*]/g, '');
}

/** A quoted Mermaid label. */
function label(text: string): string {
  return `"${plain(text).replace(/"/g, '#quot;')}"`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
