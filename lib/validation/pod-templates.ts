import { APPS, ARGO, BATCH, CORE } from './api-groups';
import { IndexedObject } from './target-index';
import { asObject, getIn, JsonObject, stringMap } from './values';

/** Kinds whose spec.selector must select their spec.template's labels. */
export const SELECTING_WORKLOADS: ReadonlyArray<readonly [string, string]> = [
  [APPS, 'Deployment'], [APPS, 'StatefulSet'], [APPS, 'DaemonSet'], [APPS, 'ReplicaSet'], [BATCH, 'Job'], [ARGO, 'Rollout'],
];

/** Kinds whose pods Linkerd policies and Services may select. */
export const MESHABLE_WORKLOADS: ReadonlyArray<readonly [string, string]> = [
  [APPS, 'Deployment'], [APPS, 'StatefulSet'], [APPS, 'DaemonSet'], [ARGO, 'Rollout'],
];

/** A pod template (or a Pod itself) inside an object. */
export interface PodTemplate {
  /** Field path of the template ("spec.template", or "" for a Pod). */
  readonly path: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly metadata: JsonObject;
  readonly spec: JsonObject;
}

export function isKind(object: IndexedObject, kinds: ReadonlyArray<readonly [string, string]>): boolean {
  return kinds.some(([group, kind]) => object.id.group === group && object.id.kind === kind);
}

/** The pod template of a workload, CronJob or Pod; undefined for other kinds or when absent (e.g. Rollout workloadRef). */
export function podTemplateOf(object: IndexedObject): PodTemplate | undefined {
  const { group, kind } = object.id;
  if (group === CORE && kind === 'Pod') return template('', object.manifest);
  if (group === BATCH && kind === 'CronJob') return template('spec.jobTemplate.spec.template', getIn(object.manifest, 'spec', 'jobTemplate', 'spec', 'template'));
  if (isKind(object, SELECTING_WORKLOADS)) return template('spec.template', getIn(object.manifest, 'spec', 'template'));
  return undefined;
}

function template(path: string, value: unknown): PodTemplate | undefined {
  const root = asObject(value);
  const spec = asObject(root?.spec);
  if (!root || !spec) return undefined;
  const metadata = asObject(root.metadata) ?? {};
  return { path, labels: stringMap(metadata.labels), annotations: stringMap(metadata.annotations), metadata, spec };
}
