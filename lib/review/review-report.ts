import type { Manifest } from '../contracts';
import type { ClusterSettings } from '../policy';
import { AccessDiagrams } from './access-diagram';
import { authorizationMatrix, matrixSection, unauthorized } from './authorization-matrix';
import { ignoredByLinkerd, probeRows, rateLimitRows } from './inbound-tables';
import { code, mermaid, table } from './markdown';
import { describeAccessPolicy, MeshModel, Server } from './mesh-model';
import { resilienceRows } from './resilience';
import { summary } from './summary';
import { trafficDiagram } from './traffic-diagram';

/** What a report is made of: a render target's name and its rendered objects (lib/output's `RenderTarget` is one). */
export interface ReviewTarget {
  readonly name: string;
  readonly objects: readonly { readonly manifest: Manifest }[];
}

/**
 * One review report per render target, keyed by its file name beside the target folder
 * (`<target>.md`, outside the folder that Argo CD and `kubectl apply -f` read).
 * `cluster`: how the cluster's Linkerd is installed (trust domain and the rest), as lib/policy takes it.
 */
export function reviewReports(targets: readonly ReviewTarget[], cluster: Partial<ClusterSettings> = {}): Map<string, string> {
  return new Map(targets.map((t) => [`${t.name}.md`, reviewReport(t.name, t.objects.map((o) => o.manifest), cluster)]));
}

/**
 * A Markdown report of a render target's mesh topology and authorization matrix, generated
 * from its rendered manifests (any chart, any construct): which identity may call which route
 * of which Server, what is only audited, and how traffic is split; tables and a Mermaid diagram,
 * so a reviewer sees a policy change in a pull request without reading YAML. Deterministic.
 */
export function reviewReport(target: string, manifests: readonly Manifest[], cluster: Partial<ClusterSettings> = {}): string {
  const model = new MeshModel(manifests, cluster);
  const matrix = authorizationMatrix(model);
  const nobody = unauthorized(model);
  const ignored = ignoredByLinkerd(model);
  const accessDiagrams = new AccessDiagrams(model, matrix);
  const manyRouteNamespaces = new Set(model.serviceRoutes.map((r) => r.namespace)).size > 1;
  return [
    `# Review report: \`${target}\``,
    '',
    `Generated from the rendered manifests of \`${target}/\`; do not edit. Argo CD does not read this file.`,
    `Mesh identities assume the trust domain \`${model.policy.cluster.trustDomain}\`.`,
    '',
    '## Summary',
    '',
    ...summary(model, matrix, nobody).map((line) => `- ${line}`),
    '',
    '## Workloads',
    '',
    table(['Workload', 'Service account', 'Container ports', 'Default inbound policy'], model.workloads.map((w) => [
      code(`${w.kind} ${w.namespace}/${w.name}`), code(w.serviceAccount),
      w.ports.map((p) => (p.name ? `${p.name}:${p.containerPort}` : String(p.containerPort))).join(', ') || '—',
      model.defaultInboundPolicyOf(w),
    ])),
    '### Mesh identities',
    '',
    table(['Service account', 'Identity'], model.serviceAccounts().map(([ns, sa]) => [code(`${ns}/${sa}`), code(model.identityOf(sa, ns))])),
    '## Servers',
    '',
    table(['Server', 'Port', 'Selects', 'Protocol', 'Traffic no policy authorizes'], model.servers.map((s) => [
      code(`${s.namespace}/${s.name}`), code(String(s.port)), selectedBy(model, s), s.proxyProtocol ?? 'unknown (detected)', describeAccessPolicy(s),
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
    ...matrixSection(matrix, nobody),
    '## Probes',
    '',
    'The kubelet\'s HTTP probes of meshed pods, evaluated as unauthenticated requests from a node address: a Server without routes '
      + 'authorizes them from the probe networks; once it has routes, only a route and policy of its own do.',
    '',
    table(['Workload', 'Probe', 'Port', 'Server', 'Route', 'Authorized by', 'Verdict'], probeRows(model)),
    '## Rate limits',
    '',
    table(['Server', 'HTTPLocalRateLimitPolicy', 'Total', 'Per identity', 'Overrides'], rateLimitRows(model)),
    ...(ignored.length === 0 ? [] : ['## Ignored by Linkerd', '', ...ignored.map((u) => `- ${u}`), '']),
    '## Traffic routing (client side)',
    '',
    table(['Route', 'Service', 'Matches', 'Backends (weight)', 'Weights owned by'], model.serviceRoutes.map((r) => [
      code(`${r.namespace}/${r.name}`), r.services.map(code).join(', '), r.matches.join('<br>'),
      r.backends.map((b) => `${code(b.name)} (${b.weight})`).join(', ') || '—', r.rolloutManaged ? 'Argo Rollouts' : 'this render',
    ])),
    '## Timeouts, retries and failure accrual (client side)',
    '',
    table(['Object', 'Setting', 'Value'], resilienceRows(model)),
    '## Diagram: who may call what',
    '',
    ...(model.servers.length === 0 ? ['Nothing to draw: no Server in this target, so every meshed workload gets its default inbound policy.', '']
      : model.servers.flatMap((s) => [`### Server ${code(`${s.namespace}/${s.name}`)}`, '',
        ...mermaid(accessDiagrams.of(`${s.namespace}/${s.name}`), 'Nothing to draw.')])),
    '## Diagram: traffic routing',
    '',
    // One diagram per route: edge labels of several routes side by side would not fit pull-request width.
    ...(model.serviceRoutes.length === 0 ? ['Nothing to draw: no route attaches to a Service in this target.', '']
      : model.serviceRoutes.flatMap((r) => [`### ${r.kind} ${code(`${r.namespace}/${r.name}`)}`, '',
        ...mermaid(trafficDiagram(model, r, manyRouteNamespaces), 'Nothing to draw.')])),
  ].join('\n');
}

/** The workloads a Server selects, and whether they expose its port. */
function selectedBy(model: MeshModel, server: Server): string {
  const selected = model.selectedWorkloads(server.namespace, server.selector);
  if (selected.length === 0) return '⚠ no workload in this target';
  return selected.map((w) => {
    const exposed = w.ports.some((p) => p.containerPort === server.port || p.name === server.port);
    return `${code(`${w.kind} ${w.name}`)}${exposed ? '' : ` ⚠ no container port ${server.port}`}`;
  }).join(', ');
}
