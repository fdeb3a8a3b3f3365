import { Json } from '../policy';
import { appendTo } from './collections';
import { Flowchart } from './flowchart';
import { MeshModel, Route } from './mesh-model';
import { describeRuleMatch, isCatchAll } from './route-matches';

/**
 * Client-side traffic of one route: Service → route (with timeouts and retries) → per rule, match → backend with
 * weight → the pods it selects. `manyNamespaces`: names carry their namespace (the target's routes are in several).
 */
export function trafficDiagram(model: MeshModel, route: Route, manyNamespaces: boolean): Flowchart {
  const chart = new Flowchart('TB');
  const name = (namespace: string, n: string) => (manyNamespaces ? `${namespace}/${n}` : n);
  const r = route;
  const routeText = [`${r.kind} ${name(r.namespace, r.name)}`, ...r.resilience].join('<br>');
  const routeNode = chart.node(`route ${r.namespace}/${r.name}`, routeText, 'round', `${r.kind} ${r.namespace}/${r.name}`);
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
      const percent = total > 0 ? ` (${Math.round((100 * b.weight) / total)}%)` : '';
      const share = rule.backends.length > 1 || r.rolloutManaged
        ? `: weight ${b.weight}${percent}${r.rolloutManaged ? ', set by Argo Rollouts' : ''}` : '';
      appendTo(labels, b.name, `${when}${share}`);
    }
  }
  for (const [backendName, texts] of labels) {
    const id = `${r.namespace}/${backendName}`;
    const backend = chart.node(`backend ${id}`, `backend ${name(r.namespace, backendName)}`, 'box', `Service ${id}`);
    chart.edge(routeNode, backend, 'solid', texts.join('<br>'));
    const selector: Record<string, string> | undefined = (model.service(id) as Json | undefined)?.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) continue;
    for (const w of model.selectedWorkloads(r.namespace, { matchLabels: selector })) {
      const workload = `${w.kind} ${w.namespace}/${w.name}`;
      chart.edge(backend, chart.node(`workload ${workload}`, `${w.kind} ${name(w.namespace, w.name)}`, 'box', workload), 'solid');
    }
  }
  return chart;
}
