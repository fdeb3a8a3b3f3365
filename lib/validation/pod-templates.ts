import { APPS, ARGO, BATCH, CORE } from './api-groups';
import type { ObjectIdentity } from './object-identity';
import { asObject, JsonObject, stringMap } from './values';

/** A set of API kinds, keyed "group/kind". */
export type KindSet = ReadonlySet<string>;

export function kindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

/** Kinds whose spec.selector must select their spec.template's labels. */
export const SELECTING_WORKLOADS: KindSet = new Set([
  kindKey(APPS, 'Deployment'), kindKey(APPS, 'StatefulSet'), kindKey(APPS, 'DaemonSet'), kindKey(APPS, 'ReplicaSet'), kindKey(BATCH, 'Job'),
    kindKey(ARGO, 'Rollout'),
]);

/** Kinds whose pods Linkerd policies and Services may select. */
export const MESHABLE_WORKLOADS: KindSet = new Set([
  kindKey(APPS, 'Deployment'), kindKey(APPS, 'StatefulSet'), kindKey(APPS, 'DaemonSet'), kindKey(ARGO, 'Rollout'),
]);

/** A pod template (or a Pod itself) inside an object. */
export interface PodTemplate {
  /** Field path of the template ("spec.template", or "" for a Pod). */
  readonly path: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly metadata: JsonObject;
  readonly spec: JsonObject;
}

export function isKind(id: ObjectIdentity, kinds: KindSet): boolean {
  return kinds.has(kindKey(id.group, id.kind));
}

/** The pod template of a workload, CronJob or Pod; undefined for other kinds or when absent (e.g. Rollout workloadRef). */
export function findPodTemplate(id: ObjectIdentity, manifest: JsonObject): PodTemplate | undefined {
  const { group, kind } = id;
  if (group === CORE && kind === 'Pod') return template('', manifest);
  const spec = asObject(manifest.spec);
  if (group === BATCH && kind === 'CronJob') return template('spec.jobTemplate.spec.template',
    asObject(asObject(asObject(spec?.jobTemplate)?.spec)?.template));
  if (isKind(id, SELECTING_WORKLOADS)) return template('spec.template', spec?.template);
  return undefined;
}

function template(path: string, value: unknown): PodTemplate | undefined {
  const root = asObject(value);
  const spec = asObject(root?.spec);
  if (!root || !spec) return undefined;
  const metadata = asObject(root.metadata) ?? {};
  return { path, labels: stringMap(metadata.labels), annotations: stringMap(metadata.annotations), metadata, spec };
}
