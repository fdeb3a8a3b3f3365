import { MatrixRow } from './authorization-matrix';
import { code } from './markdown';
import { describeAccessPolicy, MeshModel } from './mesh-model';

/** The summary a reviewer reads first, one line each; `nobody` is what no policy authorizes. */
export function summary(model: MeshModel, matrix: readonly MatrixRow[], nobody: readonly string[]): string[] {
  const meshed = model.policy.index.workloads.filter((w) => w.meshed).length;
  const namespaces = [...new Set(model.workloads.map((w) => w.namespace))].sort();
  const defaults = [...new Set(model.workloads.map((w) => model.defaultInboundPolicyOf(w)))].sort();
  const targets = new Set(matrix.map((row) => `${row.server} ${row.route ?? ''}`));
  const clients = new Set(matrix.map((row) => row.clientObjects.join()));
  const audited = [...new Set(matrix.filter((row) => row.enforcement !== 'enforced').map((row) => row.server))];
  const managed = model.serviceRoutes.filter((r) => r.rolloutManaged);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const servers = model.servers.map((s) => `${code(s.name)} (unauthorized traffic ${describeAccessPolicy(s)})`);
  const access = matrix.length === 0 ? 'no Server, so no authorization policy applies'
    : `${plural(clients.size, 'client')} may call ${plural(targets.size, 'route')} or whole Server${targets.size === 1 ? '' : 's'}`;
  return [
    `Workloads: ${model.workloads.length} (${meshed} meshed)${namespaces.length > 0 ? ` in ${namespaces.map(code).join(', ')}` : ''}.`,
    `Servers: ${servers.length === 0 ? 'none' : servers.join(', ')}.`,
    `Default inbound policy: ${defaults.join('; ') || '—'}.`,
    `Access: ${access}${nobody.length > 0 ? `; nobody may call ${nobody.length} (listed under the matrix)` : ''}.`,
    `Audit-only: ${audited.length === 0 ? 'nothing' : audited.map((s) => `Server ${code(s)}`).join(', ')}.`,
    `Weights owned by a controller: ${managed.length === 0 ? 'none; every weight is this render\'s'
      : managed.map((r) => `${code(`${r.namespace}/${r.name}`)} (Argo Rollouts)`).join(', ')}.`,
  ];
}
