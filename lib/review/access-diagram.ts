import { isObjectRef } from '../policy';
import { MatrixRow } from './authorization-matrix';
import { appendTo } from './collections';
import { Flowchart } from './flowchart';
import { MeshModel, ProbeVerdict, Route } from './mesh-model';

/**
 * Who may call what, one diagram per Server (one for all would be too wide to read at pull-request width):
 * client workload → route → Server → workload; audit-only dotted, denied probes crossed, uncallable routes marked.
 * Indexes the matrix, routes and probes by Server once, so that drawing every Server stays linear in the target.
 */
export class AccessDiagrams {
  /** Inbound routes Linkerd serves, by `namespace/name`. */
  private readonly routes: Map<string, Route>;
  private readonly routesByServer = new Map<string, [string, Route][]>();
  private readonly rowsByServer = new Map<string, MatrixRow[]>();
  private readonly probesByServer = new Map<string, ProbeVerdict[]>();
  /** Routes some row names, and Servers some row authorizes for all routes: a route of either is callable. */
  private readonly routesWithClients = new Set<string>();
  private readonly serversWithClients = new Set<string>();
  /** Names carry their namespace only when the target has Servers in several. */
  private readonly manyNamespaces: boolean;

  constructor(private readonly model: MeshModel, matrix: readonly MatrixRow[]) {
    this.routes = new Map(model.inboundRoutes.filter((r) => !model.ignoredByLinkerd(r)).map((r) => [`${r.namespace}/${r.name}`, r]));
    for (const [id, r] of this.routes) for (const server of new Set(r.servers)) appendTo(this.routesByServer, server, [id, r]);
    for (const row of matrix) {
      appendTo(this.rowsByServer, row.server, row);
      if (row.route !== undefined) this.routesWithClients.add(row.route);
      else this.serversWithClients.add(row.server);
    }
    for (const probe of model.probeVerdicts()) {
      if (isObjectRef(probe.verdict.server)) appendTo(this.probesByServer, `${probe.verdict.server.namespace}/${probe.verdict.server.name}`, probe);
    }
    this.manyNamespaces = new Set(model.servers.map((s) => s.namespace)).size > 1;
  }

  /** The diagram of one Server, `namespace/name`. */
  public of(serverId: string): Flowchart {
    const chart = new Flowchart('LR');
    const rows = this.rowsByServer.get(serverId) ?? [];
    const name = (namespace: string, n: string) => (this.manyNamespaces ? `${namespace}/${n}` : n);
    const serverNode = () => {
      const s = this.model.server(serverId)!;
      // The workloads it selects go in its label: a fourth column would not fit pull-request width.
      const selected = this.model.selectedWorkloads(s.namespace, s.selector).map((w) => `${w.kind} ${name(w.namespace, w.name)}`);
      const text = [`Server ${name(s.namespace, s.name)} :${s.port}`, ...(selected.length > 0 ? [`on ${selected.join(', ')}`] : [])].join('<br>');
      return chart.node(`server ${serverId}`, text, 'box', `Server ${serverId}`, rows.length > 0 ? undefined : 'denied');
    };
    const routeNode = (id: string) => {
      const r = this.routes.get(id)!;
      const callable = this.routesWithClients.has(id) || r.servers.some((s) => this.serversWithClients.has(s));
      // gRPC services without their package, so that a label stays narrow (the table has them in full).
      const short = r.matches.map((m) => m.replace(/^gRPC (?:[\w]+\.)+(\w+\/)/, 'gRPC $1'));
      const matches = short.length > 3 ? [...short.slice(0, 3), `+${short.length - 3} more`] : short;
      const text = [name(r.namespace, r.name), ...matches, ...(callable ? [] : ['⛔ no client may call'])].join('<br>');
      return chart.node(`route ${id}`, text, 'round', `${r.kind} ${id}`, callable ? undefined : 'denied');
    };
    serverNode();
    for (const [id] of this.routesByServer.get(serverId) ?? []) chart.edge(routeNode(id), serverNode(), 'solid');
    for (const row of rows) {
      const target = row.route && this.routes.has(row.route) ? routeNode(row.route) : serverNode();
      const text = row.clientObjects[0].startsWith('identity ') || row.condition.startsWith('mTLS') ? row.client : `${row.client} (${row.condition})`;
      const client = chart.node(`client ${row.clientObjects.join()} ${row.condition}`, text, 'stadium', row.clientObjects.join(', '));
      if (row.enforcement === 'enforced') chart.edge(client, target, 'solid');
      else chart.edge(client, target, 'dotted', 'audit only');
    }
    for (const { verdict, path } of this.probesByServer.get(serverId) ?? []) {
      const routeId = verdict.route && isObjectRef(verdict.route) ? `${verdict.route.namespace}/${verdict.route.name}` : undefined;
      const target = routeId && this.routes.has(routeId) ? routeNode(routeId) : serverNode();
      const kubelet = chart.node('kubelet', 'kubelet (probes)', 'stadium', 'kubelet');
      if (verdict.decision === 'deny') chart.edge(kubelet, target, 'denied', `denied: GET ${path}`);
      else chart.edge(kubelet, target, 'solid');
    }
    return chart;
  }
}
