import { Manifest, apiGroupOf, objectIdOf } from '../contracts';
import {
  ClusterSettings, InboundServer, Json, KUBELET_ADDRESS, LabelSelector, LinkerdPolicyModel, PolicyWorkload, serverPolicies,
  serviceAccountIdentity, TrafficSetting, trafficSettingsOf, Verdict, WorkloadSelection,
} from '../policy';
import { appendTo, compare } from './collections';
import { rolloutManagedRoutes } from './rollout-managed-routes';
import { describeMatch } from './route-matches';

/** A workload of the target as the report shows it: its pod template's labels, ServiceAccount and container ports. */
export interface Workload {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly serviceAccount: string;
  readonly ports: readonly { readonly name?: string; readonly containerPort: number }[];
}

/** A Linkerd `Server` as written. */
export interface Server {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly port: number | string;
  readonly selector: LabelSelector;
  readonly proxyProtocol?: string;
  readonly accessPolicy: string;
}

/** A route backend and its weight (1 when unset, as the Gateway API defaults it). */
export interface Backend {
  readonly name: string;
  readonly weight: number;
}

/** An HTTPRoute or GRPCRoute (Linkerd's or the Gateway API's), inbound (parent Server) or client side (parent Service). */
export interface Route {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Servers (inbound) or Services (client side) it attaches to, as `namespace/name`. */
  readonly servers: readonly string[];
  readonly services: readonly string[];
  readonly matches: readonly string[];
  readonly backends: readonly Backend[];
  /** Per rule: its matches (empty: every request) and backends, as written. */
  readonly rules: readonly { readonly matches: readonly Json[]; readonly backends: readonly Backend[] }[];
  /** Timeouts and retries, as `name value`. */
  readonly resilience: readonly string[];
  readonly rolloutManaged: boolean;
}

/** What a probe of a meshed workload is, and what the evaluator decides for the kubelet's request. */
export interface ProbeVerdict {
  readonly w: PolicyWorkload;
  readonly port: number;
  readonly path: string;
  readonly verdict: Verdict;
}

const POD_TEMPLATE_KINDS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'batch/Job', 'argoproj.io/Rollout']);
const ROUTE_KINDS = ['policy.linkerd.io/HTTPRoute', 'gateway.networking.k8s.io/HTTPRoute', 'gateway.networking.k8s.io/GRPCRoute'];

/** What each Server `accessPolicy` means for traffic that no policy authorizes. */
const ACCESS_POLICIES: Record<string, string> = {
  'deny': 'denied',
  'audit': '**audit**: allowed and logged (not enforced)',
  'all-authenticated': 'allowed for any meshed client',
  'all-unauthenticated': 'allowed for anyone',
  'cluster-authenticated': 'allowed for meshed clients in the cluster',
  'cluster-unauthenticated': 'allowed for anyone in the cluster',
};

/** What a Server's `accessPolicy` does with traffic no policy authorizes, in words. */
export function describeAccessPolicy(server: Server): string {
  return ACCESS_POLICIES[server.accessPolicy] ?? server.accessPolicy;
}

/**
 * The mesh-relevant objects of one render target, read from plain manifests, with the indexes that keep a report
 * linear in the target's size; and Linkerd's inbound policy over the same manifests (lib/policy), the one model the
 * matrix, probes and rate limits come from.
 */
export class MeshModel {
  public readonly workloads: readonly Workload[];
  public readonly servers: readonly Server[];
  public readonly inboundRoutes: readonly Route[];
  public readonly serviceRoutes: readonly Route[];
  public readonly policy: LinkerdPolicyModel;
  /** Timeouts, retries, failure accrual and the rest, as lib/policy reads them (the change review reads the same). */
  public readonly trafficSettings: readonly TrafficSetting[];
  private readonly byKind = new Map<string, Manifest[]>();
  private readonly serversById: Map<string, Server>;
  private readonly servicesById: Map<string, Manifest>;
  /** `<namespace>/<serviceAccount>` → the workloads running as it. */
  private readonly workloadsByServiceAccount = new Map<string, Workload[]>();
  private readonly selection: WorkloadSelection<Workload>;
  /** `Kind namespace/name` → the policy model's workload. */
  private readonly policyWorkloads: Map<string, PolicyWorkload>;
  private policies: { server: Server; policy: InboundServer }[] | undefined;
  private probes: ProbeVerdict[] | undefined;

  constructor(manifests: readonly Manifest[], cluster: Partial<ClusterSettings> = {}) {
    const sorted = [...manifests].sort((a, b) => compare(objectIdOf(a), objectIdOf(b)));
    for (const m of sorted) appendTo(this.byKind, `${apiGroupOf(m)}/${m.kind}`, m);
    this.policy = new LinkerdPolicyModel(sorted, cluster);
    this.policyWorkloads = new Map(this.policy.index.workloads.map((w) => [`${w.kind} ${w.namespace}/${w.name}`, w]));
    this.workloads = sorted.flatMap((m) => workloadOf(m));
    for (const w of this.workloads) appendTo(this.workloadsByServiceAccount, `${w.namespace}/${w.serviceAccount}`, w);
    this.selection = new WorkloadSelection(this.workloads);
    this.servers = this.all('policy.linkerd.io/Server').map((s) => {
      const spec: Json = (s as Json).spec ?? {};
      return {
        namespace: namespaceOf(s), name: s.metadata.name, labels: s.metadata.labels ?? {}, port: spec.port,
        selector: spec.podSelector ?? {}, proxyProtocol: spec.proxyProtocol, accessPolicy: spec.accessPolicy ?? 'deny',
      };
    });
    this.serversById = new Map(this.servers.map((server) => [`${server.namespace}/${server.name}`, server]));
    this.servicesById = new Map(this.all('core/Service').map((s) => [`${namespaceOf(s)}/${s.metadata.name}`, s]));
    this.trafficSettings = trafficSettingsOf(sorted);
    const settingsByObject = new Map<string, TrafficSetting[]>();
    for (const s of this.trafficSettings) appendTo(settingsByObject, `${s.object.group}/${s.object.kind} ${s.object.namespace}/${s.object.name}`, s);
    const managed = new Set(rolloutManagedRoutes(sorted).map((r) => `${r.namespace}/${r.name}`));
    const routes = ROUTE_KINDS.flatMap((kind) => this.all(kind)).map((r) => {
      const settings = settingsByObject.get(`${apiGroupOf(r)}/${r.kind} ${namespaceOf(r)}/${r.metadata.name}`) ?? [];
      return routeOf(r, settings, managed);
    });
    this.inboundRoutes = routes.filter((r) => r.servers.length > 0);
    this.serviceRoutes = routes.filter((r) => r.services.length > 0);
  }

  /** The manifests of one `group/Kind`, by namespace and name. */
  public all(kind: string): readonly Manifest[] {
    return this.byKind.get(kind) ?? [];
  }

  public server(id: string): Server | undefined {
    return this.serversById.get(id);
  }

  public service(id: string): Manifest | undefined {
    return this.servicesById.get(id);
  }

  /** The workloads of a namespace a label selector selects (lib/policy's selection, over this target's workloads). */
  public selectedWorkloads(namespace: string, selector: LabelSelector): Workload[] {
    return this.selection.selectedBy(namespace, selector);
  }

  /** The workloads running as a ServiceAccount. */
  public runningAs(namespace: string, serviceAccount: string): readonly Workload[] {
    return this.workloadsByServiceAccount.get(`${namespace}/${serviceAccount}`) ?? [];
  }

  /** Every ServiceAccount the workloads run as, `[namespace, name]`. */
  public serviceAccounts(): [string, string][] {
    return [...new Set(this.workloads.map((w) => `${w.namespace}/${w.serviceAccount}`))].sort().map((k) => k.split('/') as [string, string]);
  }

  /** The mesh identity of a ServiceAccount in the trust domain the policy model assumes. */
  public identityOf(serviceAccount: string, namespace: string): string {
    return serviceAccountIdentity(namespace, serviceAccount, this.policy.cluster);
  }

  /**
   * The default inbound policy of a workload as Linkerd resolves it: pod annotation, the namespace's (copied at
   * injection), or the cluster's.
   */
  public defaultInboundPolicyOf(workload: Workload): string {
    const w = this.policyWorkloads.get(`${workload.kind} ${workload.namespace}/${workload.name}`);
    if (!w) return 'cluster default';
    if (!w.meshed) return 'not meshed: no policy';
    const { policy, reason } = this.policy.index.defaultPolicyOf(w);
    return reason.startsWith('cluster default') ? `${policy} (cluster default)` : policy;
  }

  /** The policy the controller serves for each Server (with the probe paths of a port it selects, if any). Computed once. */
  public serverPolicies(): { server: Server; policy: InboundServer }[] {
    this.policies ??= serverPolicies(this.policy).map(({ entry, policy }) => ({
      server: this.serversById.get(`${entry.ref.namespace}/${entry.ref.name}`)!, policy,
    }));
    return this.policies;
  }

  /** Whether Linkerd ignores an inbound route (or attaches it to nothing), per the evaluator. */
  public ignoredByLinkerd(route: Route): boolean {
    const { group, kind, namespace, name } = route;
    return this.policy.index.findings.some((f) => f.object.group === group && f.object.kind === kind && f.object.namespace === namespace
      && f.object.name === name && (f.rule === 'semantic/route-ignored' || f.rule === 'semantic/route-parent-defaults'));
  }

  /** The evaluator's verdict on each HTTP probe of a meshed workload, as the kubelet's request. Computed once. */
  public probeVerdicts(): readonly ProbeVerdict[] {
    this.probes ??= this.policy.index.workloads.filter((w) => w.meshed)
      .flatMap((w) => [...w.probes.entries()].sort(([a], [b]) => a - b).flatMap(([port, paths]) => paths.map((path) => ({ w, port, path }))))
      .map(({ w, port, path }) => {
        const destination = { workload: `${w.kind}/${w.namespace}/${w.name}`, port };
        return { w, port, path, verdict: this.policy.evaluate({ client: { ip: KUBELET_ADDRESS }, destination, http: { method: 'GET', path } }) };
      });
    return this.probes;
  }
}

function namespaceOf(manifest: Manifest): string {
  return manifest.metadata.namespace ?? 'default';
}

/** The workload a manifest with a pod template is, if it is one. */
function workloadOf(m: Manifest): Workload[] {
  const kind = `${apiGroupOf(m)}/${m.kind}`;
  const template: Json | undefined = POD_TEMPLATE_KINDS.has(kind) ? (m as Json).spec?.template
    : kind === 'batch/CronJob' ? (m as Json).spec?.jobTemplate?.spec?.template : undefined;
  if (template === undefined) return [];
  return [{
    kind: m.kind, namespace: namespaceOf(m), name: m.metadata.name,
    labels: template.metadata?.labels ?? {}, annotations: template.metadata?.annotations ?? {},
    serviceAccount: template.spec?.serviceAccountName ?? 'default',
    ports: (template.spec?.containers ?? []).flatMap((c: Json) => c.ports ?? []),
  }];
}

/** A route as the report shows it; `settings` are its traffic settings (lib/policy `trafficSettingsOf`). */
function routeOf(r: Manifest, settings: readonly TrafficSetting[], rolloutManaged: ReadonlySet<string>): Route {
  const spec: Json = (r as Json).spec ?? {};
  const ns = namespaceOf(r);
  const parents: Json[] = spec.parentRefs ?? [];
  const parentsOf = (kind: string) => parents.filter((p) => p.kind === kind).map((p) => `${p.namespace ?? ns}/${p.name}`);
  const rules: Json[] = spec.rules ?? [{}];
  const backendsOf = (rule: Json): Backend[] => (rule.backendRefs ?? []).map((b: Json) => ({ name: b.name, weight: b.weight ?? 1 }));
  const rule = (s: TrafficSetting) => (rules.length > 1 ? `rule ${s.rule! + 1} ` : '');
  return {
    group: apiGroupOf(r), kind: r.kind, namespace: ns, name: r.metadata.name, servers: parentsOf('Server'), services: parentsOf('Service'),
    matches: rules.flatMap((x) => (x.matches ?? [{}]).map(describeMatch)),
    backends: rules.flatMap(backendsOf),
    rules: rules.map((x) => ({ matches: x.matches ?? [], backends: backendsOf(x) })),
    resilience: [
      ...settings.flatMap((s) => (s.kind === 'route timeout' ? [`${rule(s)}${s.name} timeout ${s.value}`]
        : s.kind === 'route retry' ? [`${rule(s)}retry ${describeSettingValue(s.value)}`] : [])),
      ...settings.filter((s) => s.kind === 'annotation').map((s) => `${s.name!.replace('.linkerd.io', '')} ${s.value}`),
    ],
    rolloutManaged: apiGroupOf(r) === 'gateway.networking.k8s.io' && rolloutManaged.has(`${ns}/${r.metadata.name}`),
  };
}

/** A setting's value for people: a mapping as `key value, …`, a list space-separated. */
export function describeSettingValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(describeSettingValue).join(' ');
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([k, v]) => `${k} ${describeSettingValue(v)}`).join(', ');
  return String(value);
}
