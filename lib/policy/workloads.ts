import { Json, PolicyWorkload } from './model';
import { list } from './values';

const POD_TEMPLATE_KINDS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'batch/Job', 'argoproj.io/Rollout']);
/** The annotations the proxy injector copies from a namespace onto pods that do not set them (pkg/inject AppendNamespaceAnnotations). */
const INHERITED_PREFIX = 'config.linkerd.io/';
const INJECT = 'linkerd.io/inject';

/** `core` for the legacy group. */
export function groupOf(manifest: Json): string {
  const apiVersion = String(manifest.apiVersion ?? '');
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : 'core';
}

export function namespaceOf(manifest: Json): string {
  return manifest.metadata?.namespace ?? 'default';
}

/**
 * The workloads of a set of manifests, as the policy controller would see their pods: Deployments, StatefulSets,
 * DaemonSets, ReplicaSets, Jobs, CronJobs, Pods and Argo Rollouts (a `workloadRef` Rollout uses its Deployment's
 * template). Namespace `config.linkerd.io/*` and `linkerd.io/inject` annotations are applied as the proxy injector
 * applies them at admission.
 */
export function policyWorkloads(manifests: readonly Json[]): PolicyWorkload[] {
  const namespaces = new Map<string, Record<string, string>>();
  for (const m of manifests) if (groupOf(m) === 'core' && m.kind === 'Namespace') namespaces.set(m.metadata?.name, m.metadata?.annotations ?? {});
  // Only a Rollout with a workloadRef looks an object up by name: the map is made when one first does.
  let byName: Map<string, Json> | undefined;
  const named = (key: string): Json | undefined => {
    byName ??= new Map(manifests.map((m) => [`${groupOf(m)}/${m.kind} ${namespaceOf(m)}/${m.metadata?.name}`, m]));
    return byName.get(key);
  };
  return manifests.flatMap((m) => {
    const template = podTemplateOf(m, named);
    if (!template) return [];
    const namespace = namespaceOf(m);
    const own: Record<string, string> = template.metadata?.annotations ?? {};
    const inherited = namespaces.get(namespace) ?? {};
    const annotations = { ...own };
    for (const [key, value] of Object.entries(inherited)) {
      if ((key.startsWith(INHERITED_PREFIX) || key === INJECT) && !(key in own)) annotations[key] = value;
    }
    const spec: Json = template.spec ?? {};
    const containers: Json[] = [...list(spec.containers), ...list(spec.initContainers)];
    return [
      {
        kind: m.kind,
        namespace,
        name: m.metadata?.name,
        labels: template.metadata?.labels ?? {},
        annotations,
        serviceAccount: spec.serviceAccountName ?? spec.serviceAccount ?? 'default',
        meshed: annotations[INJECT] === 'enabled' || annotations[INJECT] === 'ingress',
        portNames: namedTcpPorts(containers),
        containerPorts: containers.flatMap((c) => list(c.ports).map((p: Json) => p.containerPort)).filter((p: unknown) => typeof p === 'number'),
        probes: httpProbePaths(containers),
      },
    ];
  });
}

function podTemplateOf(m: Json, named: (key: string) => Json | undefined): Json | undefined {
  const kind = `${groupOf(m)}/${m.kind}`;
  if (kind === 'core/Pod') return { metadata: m.metadata, spec: m.spec };
  if (kind === 'batch/CronJob') return m.spec?.jobTemplate?.spec?.template;
  if (!POD_TEMPLATE_KINDS.has(kind)) return undefined;
  if (kind === 'argoproj.io/Rollout' && !m.spec?.template && m.spec?.workloadRef?.name) {
    return named(`apps/${m.spec.workloadRef.kind ?? 'Deployment'} ${namespaceOf(m)}/${m.spec.workloadRef.name}`)?.spec?.template;
  }
  return m.spec?.template;
}

/** Named container ports with protocol TCP (or none), name → numbers (policy-controller workload.rs `pod_tcp_ports_by_name`). */
function namedTcpPorts(containers: readonly Json[]): Map<string, number[]> {
  const ports = new Map<string, number[]>();
  for (const port of containers.flatMap((c) => c.ports ?? [])) {
    if (port.protocol !== undefined && String(port.protocol).toUpperCase() !== 'TCP') continue;
    if (typeof port.name !== 'string' || typeof port.containerPort !== 'number') continue;
    ports.set(port.name, [...new Set([...(ports.get(port.name) ?? []), port.containerPort])]);
  }
  return ports;
}

/** HTTP GET probe paths by port (workload.rs `pod_http_probes`): a named probe port is looked up in its own container. */
function httpProbePaths(containers: readonly Json[]): Map<number, string[]> {
  const probes = new Map<number, string[]>();
  for (const container of containers) {
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      const get: Json | undefined = probe?.httpGet;
      if (!get) continue;
      const port =
        typeof get.port === 'number'
          ? get.port
          : list(container.ports).find(
              (p: Json) =>
                typeof p.name === 'string' &&
                p.name.toLowerCase() === String(get.port).toLowerCase() &&
                (p.protocol === undefined || String(p.protocol).toUpperCase() === 'TCP'),
          )?.containerPort;
      if (typeof port !== 'number') continue;
      const path = String(get.path ?? '/').split('?')[0] || '/';
      probes.set(port, [...new Set([...(probes.get(port) ?? []), path])].sort());
    }
  }
  return probes;
}

/** Ports listed in a port-list annotation (`8080,9000-9010`). */
export function portsOfAnnotation(value: string | undefined): Set<number> {
  const ports = new Set<number>();
  for (const part of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [low, high] = part.split('-').map(Number);
    if (!Number.isInteger(low)) continue;
    for (let p = low; p <= (Number.isInteger(high) ? high : low); p++) ports.add(p);
  }
  return ports;
}

/** Whether a Kubernetes label selector ({matchLabels, matchExpressions}) selects a label set. */
export function selectorSelects(selector: Json | undefined, labels: Readonly<Record<string, string>>): boolean {
  const s = selector ?? {};
  const byLabels = Object.entries(s.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabels &&
    list(s.matchExpressions).every(({ key, operator, values = [] }: Json) => {
      switch (operator) {
        case 'In':
          return key in labels && values.includes(labels[key]);
        case 'NotIn':
          return !(key in labels) || !values.includes(labels[key]);
        case 'Exists':
          return key in labels;
        case 'DoesNotExist':
          return !(key in labels);
        default:
          return false;
      }
    })
  );
}
