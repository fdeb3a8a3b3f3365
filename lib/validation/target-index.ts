import { ValidationSubject, ValidationTarget } from './model';
import { describeObject, identify, ObjectIdentity } from './object-identity';
import { findPodTemplate, isKind, kindKey, MESHABLE_WORKLOADS, PodTemplate } from './pod-templates';
import { getOrCreate, JsonObject } from './values';

/** One object of a target, with its identity and pod template worked out once. */
export interface IndexedObject {
  readonly subject: ValidationSubject;
  /** Position in the target, for deterministic ordering. */
  readonly position: number;
  readonly id: ObjectIdentity;
  readonly manifest: JsonObject;
  /** The object column of problems. */
  readonly label: string;
  /** The pod template of a workload, CronJob or Pod; undefined for other kinds or when absent (e.g. Rollout workloadRef). */
  readonly podTemplate: PodTemplate | undefined;
}

/** A workload whose pods Services and Linkerd policies may select, with its pod template. */
export interface MeshableWorkload {
  readonly object: IndexedObject;
  readonly template: PodTemplate;
}

/** Reports a problem of an object. */
export type Report = (object: IndexedObject, field: string, rule: string, message: string) => void;

/**
 * The objects of one target, indexed once so that reference checks cost a lookup rather than a scan: by group, kind,
 * namespace and name, by kind, and meshable workloads by namespace and pod label.
 */
export class TargetIndex {
  public readonly objects: readonly IndexedObject[];
  /** The first object of each identity: group → kind → namespace → name. */
  private readonly byName = new Map<string, Map<string, Map<string, Map<string, IndexedObject>>>>();
  private readonly byKind = new Map<string, IndexedObject[]>();
  private readonly workloadsByNamespace = new Map<string, WorkloadsOfNamespace>();

  /**
   * @param namesWithoutNamespace when the target is a part of a larger one (validate-files.ts), the names of every
   * object of a kind without a namespace in the whole target, for the hints of {@link namesOf}
   */
  public constructor(public readonly target: ValidationTarget, isClusterScoped: (group: string, kind: string) => boolean,
    private readonly namesWithoutNamespace?: (group: string, kind: string) => readonly string[]) {
    this.objects = target.subjects.map((subject, position) => {
      const id = identify(subject.manifest, isClusterScoped);
      return { subject, position, id, manifest: subject.manifest, label: describeObject(id), podTemplate: findPodTemplate(id, subject.manifest) };
    });
    for (const object of this.objects) {
      const { group, kind, namespace, name } = object.id;
      const kinds = getOrCreate(this.byName, group, () => new Map<string, Map<string, Map<string, IndexedObject>>>());
      const names = getOrCreate(getOrCreate(kinds, kind, () => new Map<string, Map<string, IndexedObject>>()), namespace,
        () => new Map<string, IndexedObject>());
      if (!names.has(name)) names.set(name, object);
      getOrCreate(this.byKind, kindKey(group, kind), () => []).push(object);
      if (object.podTemplate && isKind(object.id, MESHABLE_WORKLOADS)) this.addWorkload(object, object.podTemplate);
    }
  }

  /** The first object with this group, kind, namespace ("" for cluster-scoped) and name. */
  public find(group: string, kind: string, namespace: string, name: string): IndexedObject | undefined {
    return this.byName.get(group)?.get(kind)?.get(namespace)?.get(name);
  }

  /** The objects of a kind, in target order. */
  public ofKind(group: string, kind: string): readonly IndexedObject[] {
    return this.byKind.get(kindKey(group, kind)) ?? [];
  }

  /** The names a reference could have used, for "allowed:" hints. */
  public namesOf(group: string, kind: string, namespace: string): string {
    const names = namespace === '' && this.namesWithoutNamespace !== undefined ? this.namesWithoutNamespace(group, kind)
      : this.ofKind(group, kind).filter((object) => object.id.namespace === namespace).map((object) => object.id.name);
    if (names.length > 0) return names.join(', ');
    return namespace === '' ? `no ${kind} in this target` : `no ${kind} in namespace "${namespace}"`;
  }

  /** The pod labels a selector in a namespace could have matched, for "allowed:" hints. */
  public podLabelsOf(namespace: string): string {
    const workloads = this.workloadsByNamespace.get(namespace)?.all ?? [];
    if (workloads.length === 0) return `no Deployment, StatefulSet, DaemonSet or Rollout in namespace "${namespace}"`;
    const labels = workloads.map(({ object, template }) => `${object.id.kind} ${object.id.name} ${JSON.stringify(template.labels)}`);
    return `the pod labels of ${labels.join(', ')}`;
  }

  /**
   * Deployments, StatefulSets, DaemonSets and Rollouts with a pod template in a namespace, in target order. When
   * requiredLabels is given, only those whose pod labels may include all of them (a superset of the matching ones:
   * the caller still applies its selector).
   */
  public meshableWorkloads(namespace: string, requiredLabels: Record<string, string> = {}): readonly MeshableWorkload[] {
    const workloads = this.workloadsByNamespace.get(namespace);
    if (!workloads) return [];
    let candidates = workloads.all;
    for (const [key, value] of Object.entries(requiredLabels)) {
      const labelled = workloads.byLabel.get(labelKey(key, value)) ?? [];
      if (labelled.length < candidates.length) candidates = labelled;
    }
    return candidates;
  }

  private addWorkload(object: IndexedObject, template: PodTemplate): void {
    const workloads = getOrCreate(this.workloadsByNamespace, object.id.namespace, () => ({ all: [], byLabel: new Map() }));
    const workload = { object, template };
    workloads.all.push(workload);
    for (const [key, value] of Object.entries(template.labels)) getOrCreate(workloads.byLabel, labelKey(key, value), () => []).push(workload);
  }
}

interface WorkloadsOfNamespace {
  readonly all: MeshableWorkload[];
  /** Workloads by one pod label ("key=value"), each list in target order. */
  readonly byLabel: Map<string, MeshableWorkload[]>;
}

function labelKey(key: string, value: string): string {
  // Valid label keys cannot contain "="; invalid ones may collide here, which only adds candidates the caller's selector drops.
  return `${key}=${value}`;
}
