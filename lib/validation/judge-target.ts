import { TARGET_CHECKS } from './checks';
import { checkSchema } from './checks/schema-check';
import { ValidateOptions, ValidationProblem, ValidationTarget } from './model';
import { SchemaRegistry } from './schema/schema-registry';
import { IndexedObject, TargetIndex } from './target-index';

/** A problem with the position of its object. */
export interface PositionedProblem {
  readonly position: number;
  readonly problem: ValidationProblem;
}

/**
 * How {@link judgeTarget} sees a part of a target (validate-files.ts validates a large target in parts): the
 * position in the whole target of each subject, and whether its problems are reported (not for objects that are
 * there only as context for the others).
 */
export interface TargetPart {
  readonly positions: readonly number[];
  readonly reported: (subjectIndex: number) => boolean;
  /**
   * The names of every object of a kind without a namespace in the whole target, in target order: what "allowed:"
   * hints list for a missing cluster-scoped object, though the part holds only those its objects name.
   */
  readonly namesWithoutNamespace: (group: string, kind: string) => readonly string[];
}

/** The problems of one target (or part of one), ordered by object position, then check; each one once. */
export function judgeTarget(target: ValidationTarget, options: ValidateOptions = {}, part?: TargetPart): PositionedProblem[] {
  const registry = SchemaRegistry.default();
  const ordered: PositionedProblem[] = [];
  const seen = new Set<string>();
  const index = new TargetIndex(target, (group, kind) => registry.isClusterScoped(group, kind), part?.namesWithoutNamespace);
  const report = (object: IndexedObject, field: string, rule: string, message: string): void => {
    if (part !== undefined && !part.reported(object.position)) return;
    const problem: ValidationProblem = { target: target.name, source: object.subject.source, object: object.label, field, rule, message };
    const key = JSON.stringify([object.position, field, rule, message]);
    if (seen.has(key)) return;
    seen.add(key);
    ordered.push({ position: part === undefined ? object.position : part.positions[object.position], problem });
  };
  // Objects there only as context report nothing: their own schema check would be thrown away.
  for (const object of index.objects) if (part === undefined || part.reported(object.position)) checkSchema(object, registry, report);
  for (const check of TARGET_CHECKS) check(index, report, options);
  // Array.prototype.sort is stable, so problems of one object keep the order the checks found them in.
  ordered.sort((a, b) => a.position - b.position);
  return ordered;
}
