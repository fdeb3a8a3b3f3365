import { describeObject, identify, ObjectIdentity } from './object-identity';
import { ValidationSubject, ValidationTarget } from './model';
import { JsonObject } from './values';

/** One object of a target, with its identity worked out once. */
export interface IndexedObject {
  readonly subject: ValidationSubject;
  /** Position in the target, for deterministic ordering. */
  readonly position: number;
  readonly id: ObjectIdentity;
  readonly manifest: JsonObject;
  /** The object column of problems. */
  readonly label: string;
}

/** Reports a problem of an object. */
export type Report = (object: IndexedObject, field: string, rule: string, message: string) => void;

/** The objects of one target, looked up by group, kind, namespace and name for reference checks. */
export class TargetIndex {
  public readonly objects: readonly IndexedObject[];
  private readonly byName = new Map<string, IndexedObject>();

  public constructor(public readonly target: ValidationTarget, isClusterScoped: (group: string, kind: string) => boolean) {
    this.objects = target.subjects.map((subject, position) => {
      const id = identify(subject.manifest, isClusterScoped);
      return { subject, position, id, manifest: subject.manifest, label: describeObject(id) };
    });
    for (const object of this.objects) {
      const key = nameKey(object.id.group, object.id.kind, object.id.namespace, object.id.name);
      if (!this.byName.has(key)) this.byName.set(key, object);
    }
  }

  /** The first object with this group, kind, namespace ("" for cluster-scoped) and name. */
  public find(group: string, kind: string, namespace: string, name: string): IndexedObject | undefined {
    return this.byName.get(nameKey(group, kind, namespace, name));
  }

  public ofKind(group: string, kind: string): IndexedObject[] {
    return this.objects.filter((object) => object.id.group === group && object.id.kind === kind);
  }

  /** The names a reference could have used, for "allowed:" hints. */
  public namesOf(group: string, kind: string, namespace: string): string {
    const names = this.ofKind(group, kind).filter((object) => object.id.namespace === namespace).map((object) => object.id.name);
    return names.length > 0 ? names.join(', ') : `no ${kind} in namespace "${namespace}"`;
  }
}

function nameKey(group: string, kind: string, namespace: string, name: string): string {
  return JSON.stringify([group, kind, namespace, name]);
}
