import { TARGET_CHECKS } from './checks';
import { checkSchema } from './checks/schema-check';
import { ValidateOptions, ValidationProblem, ValidationTarget } from './model';
import { SchemaRegistry } from './schema/schema-registry';
import { IndexedObject, TargetIndex } from './target-index';

/**
 * Validates every object of every target against its schema, CEL rules, the API server's extra checks, Linkerd/Argo
 * semantics, references within its target and safety rules. Returns all problems, ordered by target, then object
 * (in input order), then check.
 */
export function validateTargets(targets: readonly ValidationTarget[], options: ValidateOptions = {}): ValidationProblem[] {
  const registry = SchemaRegistry.default();
  const ordered: Array<{ targetPosition: number; objectPosition: number; problem: ValidationProblem }> = [];
  const seen = new Set<string>();
  targets.forEach((target, targetPosition) => {
    const index = new TargetIndex(target, (group, kind) => registry.isClusterScoped(group, kind));
    const report = (object: IndexedObject, field: string, rule: string, message: string): void => {
      const problem: ValidationProblem = { target: target.name, source: object.subject.source, object: object.label, field, rule, message };
      const key = JSON.stringify([targetPosition, object.position, field, rule, message]);
      if (seen.has(key)) return;
      seen.add(key);
      ordered.push({ targetPosition, objectPosition: object.position, problem });
    };
    for (const object of index.objects) checkSchema(object, registry, report);
    for (const check of TARGET_CHECKS) check(index, report, options);
  });
  // Array.prototype.sort is stable, so problems of one object keep the order the checks found them in.
  ordered.sort((a, b) => a.targetPosition - b.targetPosition || a.objectPosition - b.objectPosition);
  return ordered.map((entry) => entry.problem);
}
