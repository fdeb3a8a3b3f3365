import { Manifest, apiGroupOf, objectIdOf } from '../output/manifest';
import {
  accessMatrix, describeClientClass, describeRef, IdentityMatch, InboundServer, isObjectRef, KUBELET_ADDRESS, LinkerdPolicyModel,
  namespaceIdentity, PolicyWorkload, serverPolicies, serviceAccountOfIdentity, Verdict,
} from '../policy';
import type { RenderTarget } from '../output/render-target';
import { Flowchart } from './flowchart';
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
    '## Summary',
    '',
    ...model.summary(matrix).map((line) => `- ${line}`),
    '',
    '## Workloads',
    '',
    table(['Workload', 'Service account', 'Container ports', 'Default inbound policy'], model.workloads.map((w) => [
      code(`${w.kind} ${w.namespace}/${w.name}`), code(w.serviceAccount),
      w.ports.map((p) => (p.name ? `${p.name}:${p.containerPort}` : String(p.containerPort))).join(', ') || '—',
      model.defaultInboundPolicyOf(w) ?? 'cluster default',
    ])),
    '### Mesh identities',
    '',
    table(['Service account', 'Identity'], model.serviceAccounts().map(([ns, sa]) => [code(`${ns}/${sa}`), code(identityOf(sa, ns))])),
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
    ...(matrix.length === 0 ? ['None.', ''] : [...new Set(matrix.map((row) => row.server))].flatMap((server) => [
      `### Server ${code(server)}`,
      '',
      table(['Route', 'Client', 'Condition', 'Policy', 'Enforcement'], matrix.filter((row) => row.server === server).map((row) => [
        row.route ? code(shortName(row.route)) : '(all routes)', row.client, row.condition, code(row.policy), row.enforcement,
      ])),
    ])),
    ...(model.clientLegend(matrix).length === 0 ? [] : [
      '### Clients',
      '',
      table(['Client', 'Identity'], model.clientLegend(matrix)),
    ]),
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
    '## Diagram: who may call what',
    '',
    ...(model.servers.length === 0 ? ['Nothing to draw: no Server in this target, so every meshed workload gets its default inbound policy.', '']
      : model.servers.flatMap((s) => [`### Server ${code(`${s.namespace}/${s.name}`)}`, '',
        ...mermaid(model.accessDiagram(matrix, `${s.namespace}/${s.name}`), 'Nothing to draw.')])),
    '## Diagram: traffic routing',
    '',
    // One diagram per route: edge labels of several routes side by side would not fit pull-request width.
    ...(model.serviceRoutes.length === 0 ? ['Nothing to draw: no route attaches to a Service in this target.', '']
      : model.serviceRoutes.flatMap((r) => [`### ${r.kind} ${code(`${r.namespace}/${r.name}`)}`, '', ...mermaid(model.trafficDiagram(r), 'Nothing to draw.')])),
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

/** The evaluator's verdict on one HTTP probe of a meshed workload (the kubelet's request). */
interface ProbeVerdict {
  readonly w: PolicyWorkload;
  readonly port: number;
  readonly path: string;
  readonly verdict: Verdict;
}

/** Per-target indexes of the access diagrams: routes Linkerd serves, by id and by Server; matrix rows by Server and route. */
interface DiagramLookups {
  readonly routes: ReadonlyMap<string, Route>;
  readonly routesByServer: ReadonlyMap<string, readonly string[]>;
  readonly rowsByServer: ReadonlyMap<string, readonly MatrixRow[]>;
  /** Routes some row names, and Servers with a row for all their routes. */
  readonly rowRoutes: ReadonlySet<string>;
  readonly wholeServerRows: ReadonlySet<string>;
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
  /** Per rule: its matches (empty: every request) and backends, as written. */
  readonly rules: readonly { readonly matches: readonly Json[]; readonly backends: readonly { readonly name: string; readonly weight: number }[] }[];
  /** Timeouts and retries, as `name value`. */
  readonly resilience: readonly string[];
  readonly rolloutManaged: boolean;
}

interface MatrixRow {
  readonly server: string;
  readonly route?: string;
  /** Short, for tables and the diagram; `identity` is the full string, for the legend. */
  readonly client: string;
  readonly identity?: string;
  /** What the client is in the manifests: `Deployment ns/name` (running as the identity), `identity <text>`, `anyone`, `network <cidr>`. */
  readonly clientObjects: readonly string[];
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
  /** Computed once per target, not once per Server diagram: per Server they made one target's report quadratic. */
  private verdicts: ProbeVerdict[] | undefined;
  private ignoredRoutes: Set<string> | undefined;
  private services: Map<string, Manifest> | undefined;
  private serversInManyNamespaces: boolean | undefined;
  private routesInManyNamespaces: boolean | undefined;
  private diagramLookups: { matrix: readonly MatrixRow[]; lookups: DiagramLookups } | undefined;
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
        rules: rules.map((rule) => ({
          matches: rule.matches ?? [], backends: (rule.backendRefs ?? []).map((b: Json) => ({ name: b.name, weight: b.weight ?? 1 })),
        })),
        resilience: [
          ...rules.flatMap((rule, i) => Object.entries(rule.timeouts ?? {}).map(([k, v]) => `${rules.length > 1 ? `rule ${i + 1} ` : ''}${k} timeout ${v}`)),
          ...Object.entries(r.metadata.annotations ?? {}).filter(([k]) => /^(retry|timeout)\.linkerd\.io\//.test(k)).sort()
            .map(([k, v]) => `${k.replace('.linkerd.io', '')} ${v}`),
        ],
        rolloutManaged: apiGroupOf(r) === 'gateway.networking.k8s.io' && managed.has(`${ns}/${r.metadata.name}`),
      };
    });
    this.inboundRoutes = routes.filter((r) => r.servers.length > 0);
    this.serviceRoutes = routes.filter((r) => r.services.length > 0);
  }

  /** The workloads a Server selects, and whether they expose its port. */
  public selectedBy(server: Server): string {
    const selected = this.selectedWorkloads(server.namespace, server.selector);
    if (selected.length === 0) return '⚠ no workload in this target';
    return selected.map((w) => {
      const exposed = w.ports.some((p) => p.containerPort === server.port || p.name === server.port);
      return `${code(`${w.kind} ${w.name}`)}${exposed ? '' : ` ⚠ no container port ${server.port}`}`;
    }).join(', ');
  }

  /** The workloads of a namespace a label selector selects. */
  public selectedWorkloads(namespace: string, selector: LabelSelector): Workload[] {
    // Candidates: the workloads with the selector's rarest label (every match has them all), else the namespace's.
    const required = Object.entries(selector.matchLabels ?? {}).map(([name, value]) => this.workloadsByLabel.get(`${namespace}\0${name}=${value}`) ?? []);
    const candidates = required.length > 0 ? required.reduce((a, b) => (b.length < a.length ? b : a)) : this.workloadsByNamespace.get(namespace) ?? [];
    return candidates.filter((w) => selects(selector, w.labels));
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
        const account = client.kind === 'identity' && client.match.kind !== 'suffix' ? serviceAccountOfIdentity(client.match.identity, this.policy.cluster)
          : undefined;
        const runs = account ? (this.workloadsByServiceAccount.get(`${account.namespace}/${account.name}`) ?? []) : [];
        const clientObjects = runs.length > 0 ? runs.map((w) => `${w.kind} ${w.namespace}/${w.name}`)
          : account ? [`ServiceAccount ${account.namespace}/${account.name}`]
            : client.kind === 'identity' ? [`identity ${plain(text)}`] : client.kind === 'network' ? [plain(text)] : [plain(text)];
        const short = account ? (runs.length > 0 ? runs.map((w) => w.name).join(', ') : `ServiceAccount ${account.name}`) : text;
        const identity = client.kind === 'identity' && client.match.kind !== 'suffix' ? client.match.identity : undefined;
        rows.push({ server: `${entry.server.namespace}/${entry.server.name}`, route, client: short, identity, clientObjects, condition, policy, enforcement });
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
    const key = (o: { group: string; kind: string; namespace: string; name: string }) => `${o.group}\0${o.kind}\0${o.namespace}\0${o.name}`;
    this.ignoredRoutes ??= new Set(this.policy.index.findings
      .filter((f) => f.rule === 'semantic/route-ignored' || f.rule === 'semantic/route-parent-defaults').map((f) => key(f.object)));
    return this.ignoredRoutes.has(key(route));
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
    return this.probeVerdicts().map(({ w, port, path, verdict }) => {
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

  /** The evaluator's verdict on each HTTP probe of a meshed workload, as the kubelet's request. */
  public probeVerdicts(): ProbeVerdict[] {
    this.verdicts ??= this.computeProbeVerdicts();
    return this.verdicts;
  }

  private computeProbeVerdicts(): ProbeVerdict[] {
    const probes = this.policy.index.workloads.filter((w) => w.meshed)
      .flatMap((w) => [...w.probes.entries()].sort(([a], [b]) => a - b).flatMap(([port, paths]) => paths.map((path) => ({ w, port, path }))));
    return probes.map(({ w, port, path }) => {
      const destination = { workload: `${w.kind}/${w.namespace}/${w.name}`, port };
      return { w, port, path, verdict: this.policy.evaluate({ client: { ip: KUBELET_ADDRESS }, destination, http: { method: 'GET', path } }) };
    });
  }

  /** Rate limits per Server, as Linkerd applies them (none for gRPC, opaque or TLS Servers). */
  public rateLimits(): string[][] {
    return this.serverPolicies().map(({ server, policy }) => {
      const limit = policy.rateLimit;
      if (!limit) return [code(`${server.namespace}/${server.name}`), 'none', '—', '—', '—'];
      // A ServiceAccount's identity by its account (the identities table has the string): the full one is too wide for the page.
      const who = (identity: string) => {
        const account = serviceAccountOfIdentity(identity, this.policy.cluster);
        return account ? `ServiceAccount ${code(`${account.namespace}/${account.name}`)}` : code(identity);
      };
      const overrides = limit.overrides.map((o) => `${o.requestsPerSecond}/s for ${o.identities.map(who).join(', ')}`).join('<br>') || '—';
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

  /** The summary a reviewer reads first. */
  public summary(matrix: readonly MatrixRow[]): string[] {
    const meshed = this.policy.index.workloads.filter((w) => w.meshed).length;
    const namespaces = [...new Set(this.workloads.map((w) => w.namespace))].sort();
    const defaults = [...new Set(this.workloads.map((w) => this.defaultInboundPolicyOf(w)))].sort();
    const targets = new Set(matrix.map((row) => `${row.server} ${row.route ?? ''}`));
    const clients = new Set(matrix.map((row) => row.clientObjects.join()));
    const audited = [...new Set(matrix.filter((row) => row.enforcement !== 'enforced').map((row) => row.server))];
    const managed = this.serviceRoutes.filter((r) => r.rolloutManaged);
    const nobody = this.unauthorized();
    return [
      `Workloads: ${this.workloads.length} (${meshed} meshed)${namespaces.length > 0 ? ` in ${namespaces.map(code).join(', ')}` : ''}.`,
      `Servers: ${this.servers.length === 0 ? 'none' : this.servers.map((s) => `${code(s.name)} (unauthorized traffic ${ACCESS_POLICIES[s.accessPolicy] ?? s.accessPolicy})`)
        .join(', ')}.`,
      `Default inbound policy: ${defaults.join('; ') || '—'}.`,
      `Access: ${matrix.length === 0 ? 'no Server, so no authorization policy applies' : `${clients.size} client${clients.size === 1 ? '' : 's'} may call `
        + `${targets.size} route${targets.size === 1 ? '' : 's'} or whole Server${targets.size === 1 ? '' : 's'}`}`
        + `${nobody.length > 0 ? `; nobody may call ${nobody.length} (listed under the matrix)` : ''}.`,
      `Audit-only: ${audited.length === 0 ? 'nothing' : audited.map((s) => `Server ${code(s)}`).join(', ')}.`,
      `Weights owned by a controller: ${managed.length === 0 ? 'none; every weight is this render\'s'
        : managed.map((r) => `${code(`${r.namespace}/${r.name}`)} (Argo Rollouts)`).join(', ')}.`,
    ];
  }

  /** Every ServiceAccount the workloads run as, `[namespace, name]`. */
  public serviceAccounts(): [string, string][] {
    return [...new Set(this.workloads.map((w) => `${w.namespace}/${w.serviceAccount}`))].sort().map((k) => k.split('/') as [string, string]);
  }

  /** The clients of the matrix with their full identity strings, which the tables and the diagram leave out for width. */
  public clientLegend(matrix: readonly MatrixRow[]): string[][] {
    const rows = new Map<string, string[]>();
    for (const row of matrix) if (row.identity) rows.set(`${row.client}\0${row.identity}`, [row.client, code(row.identity)]);
    return [...rows.entries()].sort(([a], [b]) => compare(a, b)).map(([, r]) => r);
  }

  /**
   * Who may call what, one diagram per Server (one for all would be too wide to read at pull-request width):
   * client workload → route → Server → workload; audit-only dotted, denied probes crossed, uncallable routes marked.
   */
  public accessDiagram(matrix: readonly MatrixRow[], serverId: string): Flowchart {
    const chart = new Flowchart('LR');
    const many = (this.serversInManyNamespaces ??= new Set(this.servers.map((s) => s.namespace)).size > 1);
    const name = (namespace: string, n: string) => (many ? `${namespace}/${n}` : n);
    const serverNode = (id: string) => {
      const s = this.serversById.get(id)!;
      // The workloads it selects go in its label: a fourth column would not fit pull-request width.
      const selected = this.selectedWorkloads(s.namespace, s.selector).map((w) => `${w.kind} ${name(w.namespace, w.name)}`);
      return chart.node(`server ${id}`, [`Server ${name(s.namespace, s.name)} :${s.port}`, ...(selected.length > 0 ? [`on ${selected.join(', ')}`] : [])]
        .join('<br>'), 'box', `Server ${id}`,
        rowsByServer.has(id) ? undefined : 'denied');
    };
    const { routes, routesByServer, rowsByServer, rowRoutes, wholeServerRows } = this.lookupsFor(matrix);
    const routeNode = (id: string) => {
      const r = routes.get(id)!;
      const callable = rowRoutes.has(id) || r.servers.some((server) => wholeServerRows.has(server));
      // gRPC services without their package, so that a label stays narrow (the table has them in full).
      const short = r.matches.map((m) => m.replace(/^gRPC (?:[\w]+\.)+(\w+\/)/, 'gRPC $1'));
      const matches = short.length > 3 ? [...short.slice(0, 3), `+${short.length - 3} more`] : short;
      return chart.node(`route ${id}`, [name(r.namespace, r.name), ...matches, ...(callable ? [] : ['⛔ no client may call'])].join('<br>'), 'round',
        `${r.kind} ${id}`, callable ? undefined : 'denied');
    };
    serverNode(serverId);
    for (const id of routesByServer.get(serverId) ?? []) chart.edge(routeNode(id), serverNode(serverId), 'solid');
    for (const row of rowsByServer.get(serverId) ?? []) {
      const target = row.route && routes.has(row.route) ? routeNode(row.route) : serverNode(row.server);
      const text = row.clientObjects[0].startsWith('identity ') || row.condition.startsWith('mTLS') ? row.client : `${row.client} (${row.condition})`;
      const client = chart.node(`client ${row.clientObjects.join()} ${row.condition}`, text, 'stadium', row.clientObjects.join(', '));
      if (row.enforcement === 'enforced') chart.edge(client, target, 'solid');
      else chart.edge(client, target, 'dotted', 'audit only');
    }
    for (const { verdict, path } of this.probeVerdicts()) {
      if (!isObjectRef(verdict.server) || `${verdict.server.namespace}/${verdict.server.name}` !== serverId) continue;
      const routeId = verdict.route && isObjectRef(verdict.route) ? `${verdict.route.namespace}/${verdict.route.name}` : undefined;
      const target = routeId && routes.has(routeId) ? routeNode(routeId) : serverNode(`${verdict.server.namespace}/${verdict.server.name}`);
      const kubelet = chart.node('kubelet', 'kubelet (probes)', 'stadium', 'kubelet');
      if (verdict.decision === 'deny') chart.edge(kubelet, target, 'denied', `denied: GET ${path}`);
      else chart.edge(kubelet, target, 'solid');
    }
    return chart;
  }

  /** What the access diagrams of one target look up per Server, indexed once. */
  private lookupsFor(matrix: readonly MatrixRow[]): DiagramLookups {
    if (this.diagramLookups?.matrix !== matrix) {
      const routes = new Map(this.inboundRoutes.filter((r) => !this.ignoredByLinkerd(r)).map((r) => [`${r.namespace}/${r.name}`, r]));
      const routesByServer = new Map<string, string[]>();
      for (const [id, r] of routes) for (const server of new Set(r.servers)) appendTo(routesByServer, server, id);
      const rowsByServer = new Map<string, MatrixRow[]>();
      for (const row of matrix) appendTo(rowsByServer, row.server, row);
      const rowRoutes = new Set(matrix.flatMap((row) => (row.route === undefined ? [] : [row.route])));
      const wholeServerRows = new Set(matrix.filter((row) => row.route === undefined).map((row) => row.server));
      this.diagramLookups = { matrix, lookups: { routes, routesByServer, rowsByServer, rowRoutes, wholeServerRows } };
    }
    return this.diagramLookups.lookups;
  }

  /** Client-side traffic: Service → route (with timeouts and retries) → per rule, match → backend with weight → the pods it selects. */
  public trafficDiagram(route: Route): Flowchart {
    const chart = new Flowchart('TB');
    const many = (this.routesInManyNamespaces ??= new Set(this.serviceRoutes.map((r) => r.namespace)).size > 1);
    const name = (namespace: string, n: string) => (many ? `${namespace}/${n}` : n);
    this.services ??= new Map(this.all('core/Service').map((s) => [`${namespaceOf(s)}/${s.metadata.name}`, s]));
    const services = this.services;
    for (const r of [route]) {
      const routeNode = chart.node(`route ${r.namespace}/${r.name}`, [`${r.kind} ${name(r.namespace, r.name)}`, ...r.resilience].join('<br>'), 'round',
        `${r.kind} ${r.namespace}/${r.name}`);
      for (const svc of r.services) {
        const [ns, n] = svc.split('/');
        chart.edge(chart.node(`service ${svc}`, `Service ${name(ns, n)}`, 'box', `Service ${svc}`), routeNode, 'solid');
      }
      const specific = r.rules.some((rule) => !isCatchAll(rule.matches));
      const labels = new Map<string, string[]>();
      for (const rule of r.rules) {
        const when = isCatchAll(rule.matches) ? (specific ? 'every other request' : 'every request') : rule.matches.map(describeRuleMatch).join(' or ');
        const total = rule.backends.reduce((sum, b) => sum + b.weight, 0);
        for (const b of rule.backends) {
          const share = rule.backends.length > 1 || r.rolloutManaged
            ? `: weight ${b.weight}${total > 0 ? ` (${Math.round((100 * b.weight) / total)}%)` : ''}${r.rolloutManaged ? ', set by Argo Rollouts' : ''}` : '';
          appendTo(labels, b.name, `${when}${share}`);
        }
      }
      for (const [backendName, texts] of labels) {
        const id = `${r.namespace}/${backendName}`;
        const backend = chart.node(`backend ${id}`, `backend ${name(r.namespace, backendName)}`, 'box', `Service ${id}`);
        chart.edge(routeNode, backend, 'solid', texts.join('<br>'));
        const selector: Record<string, string> | undefined = (services.get(id) as Json | undefined)?.spec?.selector;
        if (!selector || Object.keys(selector).length === 0) continue;
        for (const w of this.selectedWorkloads(r.namespace, { matchLabels: selector })) {
          chart.edge(backend, chart.node(`workload ${w.kind} ${w.namespace}/${w.name}`, `${w.kind} ${name(w.namespace, w.name)}`, 'box',
            `${w.kind} ${w.namespace}/${w.name}`), 'solid');
        }
      }
    }
    return chart;
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

/** A Mermaid block, or a sentence when there is nothing to draw (an empty flowchart renders as a blank box). */
function mermaid(chart: Flowchart, nothing: string): string[] {
  return chart.isEmpty ? [nothing, ''] : ['```mermaid', ...chart.lines(), '```', ''];
}

/** `name` of `namespace/name`. */
function shortName(id: string): string {
  return id.slice(id.indexOf('/') + 1);
}

/** Whether a rule's matches admit every request (no match, or a bare `PathPrefix /`). */
function isCatchAll(matches: readonly Json[]): boolean {
  return matches.length === 0 || matches.some((m) => describeRuleMatch(m) === '');
}

/** A route match in few words: `header x-request-id: alternative`, `GET /books*`; empty for a catch-all. */
function describeRuleMatch(match: Json): string {
  const parts: string[] = [];
  if (typeof match.method === 'object' && match.method !== null) parts.push(`gRPC ${(match.method.service ?? '*').replace(/^.*\./, '')}/${match.method.method ?? '*'}`);
  else if (match.method) parts.push(match.method);
  const path = match.path;
  if (path && !(path.value === '/' && (path.type ?? 'PathPrefix') === 'PathPrefix')) {
    parts.push(path.type === 'Exact' ? path.value : path.type === 'RegularExpression' ? `path ~ ${path.value}` : `${path.value}*`);
  }
  for (const h of match.headers ?? []) parts.push(`header ${h.name}: ${h.value}`);
  for (const q of match.queryParams ?? []) parts.push(`?${q.name}=${q.value}`);
  return parts.join(' ');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

