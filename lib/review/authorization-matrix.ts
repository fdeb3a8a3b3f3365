import { accessMatrix, describeClientClass, IdentityMatch, isObjectRef, namespaceIdentity, serviceAccountOfIdentity } from '../policy';
import { appendTo, compare } from './collections';
import { code, plain, shortName, table } from './markdown';
import { describeAccessPolicy, MeshModel } from './mesh-model';

/** One (Server, route, client class, policy) the evaluator authorizes, in the words of the report. */
export interface MatrixRow {
  readonly server: string;
  readonly route?: string;
  /** Short, for tables and the diagram; `identity` is the full string, for the legend. */
  readonly client: string;
  readonly identity?: string;
  /**
   * What the client is in the manifests: `Deployment ns/name` (running as the identity), `identity <text>`, `anyone`,
   * `network <cidr>`.
   */
  readonly clientObjects: readonly string[];
  readonly condition: string;
  readonly policy: string;
  readonly enforcement: string;
}

/** Every (Server, route, client) that some policy authorizes: the rows of lib/policy's access matrix, one per client class. */
export function authorizationMatrix(model: MeshModel): MatrixRow[] {
  const rows: MatrixRow[] = [];
  for (const entry of accessMatrix(model.policy)) {
    const route = entry.route === undefined ? undefined : isObjectRef(entry.route.ref) ? `${entry.route.ref.namespace}/${entry.route.ref.name}`
      : entry.route.ref.name === 'probe' ? '(probe paths)' : undefined;
    const audited = entry.audit || (entry.authorization.kind === 'default' && entry.authorization.name === 'audit');
    const policy = entry.authorization.kind === 'default' ? `(default ${entry.authorization.name})` : entry.authorization.name;
    const networks = entry.networks.map((n) => `network ${code(n.cidr)}${n.except.length > 0 ? ` except ${n.except.map(code).join(', ')}` : ''}`);
    const from = networks.length === 0 ? '' : `, from ${networks.join(' or ')}`;
    for (const client of entry.clients) {
      const [text, condition] = client.kind === 'identity' ? [describeIdentity(model, client.match), `mTLS${from}`]
        : client.kind === 'tls' ? ['any TLS client', `TLS, no identity${from}`]
          : client.kind === 'network'
            ? [describeClientClass(client).replace(/^network (\S+)/, (_m, cidr) => `network ${code(cidr)}`), 'by source address, no identity']
            : ['anyone', 'no identity'];
      const enforcement = audited ? '**audit** (not enforced)' : 'enforced';
      const account = client.kind === 'identity' && client.match.kind !== 'suffix'
        ? serviceAccountOfIdentity(client.match.identity, model.policy.cluster) : undefined;
      const runs = account ? model.runningAs(account.namespace, account.name) : [];
      const clientObjects = runs.length > 0 ? runs.map((w) => `${w.kind} ${w.namespace}/${w.name}`)
        : account ? [`ServiceAccount ${account.namespace}/${account.name}`]
          : client.kind === 'identity' ? [`identity ${plain(text)}`] : [plain(text)];
      const short = account ? (runs.length > 0 ? runs.map((w) => w.name).join(', ') : `ServiceAccount ${account.name}`) : text;
      const identity = client.kind === 'identity' && client.match.kind !== 'suffix' ? client.match.identity : undefined;
      const server = `${entry.server.namespace}/${entry.server.name}`;
      rows.push({ server, route, client: short, identity, clientObjects, condition, policy, enforcement });
    }
  }
  const key = (row: MatrixRow) => `${row.server} ${row.route ?? ''} ${row.client} ${row.policy}`;
  return rows.sort((a, b) => compare(key(a), key(b)));
}

/** Servers and routes that no authorization admits anyone to, as the evaluator sees them. */
export function unauthorized(model: MeshModel): string[] {
  const problems: string[] = [];
  for (const { server, policy } of model.serverPolicies()) {
    const id = `${server.namespace}/${server.name}`;
    if (policy.authorizations.length > 0) continue;
    const routes = [...policy.httpRoutes, ...policy.grpcRoutes];
    if (routes.every((r) => !isObjectRef(r.ref) && r.authorizations.length === 0)) {
      problems.push(`Server ${code(id)}: no client (${describeAccessPolicy(server)})`);
    }
    for (const route of routes) {
      if (isObjectRef(route.ref) && route.authorizations.length === 0) {
        problems.push(`route ${code(`${route.ref.namespace}/${route.ref.name}`)} of Server ${code(id)}: no client`);
      }
    }
  }
  return problems;
}

/**
 * The matrix section: a table per Server (a route column that says which route, or all of them), the legend of full
 * identity strings, and what nobody may call.
 */
export function matrixSection(matrix: readonly MatrixRow[], nobody: readonly string[]): string[] {
  const byServer = new Map<string, MatrixRow[]>();
  for (const row of matrix) appendTo(byServer, row.server, row);
  const legend = clientLegend(matrix);
  return [
    ...(matrix.length === 0 ? ['None.', ''] : [...byServer].flatMap(([server, rows]) => [
      `### Server ${code(server)}`,
      '',
      table(['Route', 'Client', 'Condition', 'Policy', 'Enforcement'], rows.map((row) => [
        row.route ? code(shortName(row.route)) : '(all routes)', row.client, row.condition, code(row.policy), row.enforcement,
      ])),
    ])),
    ...(legend.length === 0 ? [] : ['### Clients', '', table(['Client', 'Identity'], legend)]),
    ...(nobody.length === 0 ? [] : ['### Not authorized by any policy', '', ...nobody.map((u) => `- ${u}`), '']),
  ];
}

/** The clients of the matrix with their full identity strings, which the tables and the diagram leave out for width. */
function clientLegend(matrix: readonly MatrixRow[]): string[][] {
  const rows = new Map<string, string[]>();
  for (const row of matrix) if (row.identity) rows.set(`${row.client}\0${row.identity}`, [row.client, code(row.identity)]);
  return [...rows.entries()].sort(([a], [b]) => compare(a, b)).map(([, r]) => r);
}

function describeIdentity(model: MeshModel, match: IdentityMatch): string {
  if (match.kind === 'suffix') {
    if (match.parts.length === 0) return 'any meshed identity';
    const text = ['*', ...match.parts].join('.');
    const wholeNamespace = text === namespaceIdentity(match.parts[0], model.policy.cluster);
    return wholeNamespace ? `every ServiceAccount in namespace ${code(match.parts[0])}` : code(text);
  }
  const account = serviceAccountOfIdentity(match.identity, model.policy.cluster);
  return account ? describeServiceAccount(model, account.name, account.namespace) : code(match.identity);
}

/** A ServiceAccount's identity and the workloads running as it. */
function describeServiceAccount(model: MeshModel, name: string, namespace: string): string {
  const runs = model.runningAs(namespace, name).map((w) => `${w.kind} ${w.name}`);
  return `${code(model.identityOf(name, namespace))}${runs.length > 0 ? ` (${runs.join(', ')})` : ''}`;
}
