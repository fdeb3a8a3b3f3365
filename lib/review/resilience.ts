import { ObjectRef, TrafficSetting } from '../policy';
import { code } from './markdown';
import { describeSettingValue, MeshModel } from './mesh-model';

/** The objects whose settings the resilience table lists, in its order: routes, then Services, then ServiceProfiles. */
const OBJECT_ORDER = [
  'policy.linkerd.io/HTTPRoute', 'gateway.networking.k8s.io/HTTPRoute', 'gateway.networking.k8s.io/GRPCRoute',
  'core/Service', 'linkerd.io/ServiceProfile',
];

/**
 * Client-side timeouts, retries and failure accrual, `[object, setting, value]`: route timeouts and retries, Linkerd
 * annotations, ServiceProfile routes and retry budgets. From lib/policy's traffic settings, which the change review
 * compares between renders, so that both name the same settings.
 */
export function resilienceRows(model: MeshModel): string[][] {
  const rank = (s: TrafficSetting) => OBJECT_ORDER.indexOf(`${s.object.group}/${s.object.kind}`);
  // Stable: within a kind, in the order of the manifests (by namespace and name).
  const settings = model.trafficSettings.filter((s) => rank(s) >= 0).sort((a, b) => rank(a) - rank(b));
  const rows: { object: ObjectRef; cells: string[] }[] = [];
  for (const s of settings) {
    const cell = cellOf(s);
    if (cell === undefined) continue;
    const last = rows[rows.length - 1];
    // The parts of one setting (a rule's timeouts; a ServiceProfile route's timeout and retryability) share a row.
    if (last !== undefined && last.object === s.object && last.cells[1] === cell.setting) last.cells[2] += `, ${cell.value}`;
    else rows.push({ object: s.object, cells: [code(`${s.object.kind} ${s.object.namespace}/${s.object.name}`), cell.setting, cell.value] });
  }
  return rows.map((r) => r.cells);
}

/** A setting's row label and value, or undefined when the table leaves it out (weights; a ServiceProfile route that is not retryable). */
function cellOf(s: TrafficSetting): { setting: string; value: string } | undefined {
  switch (s.kind) {
    case 'route timeout': return { setting: `rules[${s.rule}] timeouts`, value: `${s.name} ${s.value}` };
    case 'route retry': return { setting: `rules[${s.rule}] retry`, value: describeSettingValue(s.value) };
    case 'annotation': return { setting: code(s.name!), value: String(s.value) };
    case 'profile route timeout': return s.value ? { setting: `route ${code(s.name!)}`, value: `timeout ${s.value}` } : undefined;
    case 'profile route retryable': return s.value ? { setting: `route ${code(s.name!)}`, value: 'retryable' } : undefined;
    case 'retry budget': return s.value ? { setting: 'retryBudget', value: describeSettingValue(s.value) } : undefined;
    default: return undefined;
  }
}
