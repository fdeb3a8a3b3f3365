import { judgeTarget } from './judge-target';
import { ValidateOptions, ValidationProblem, ValidationTarget } from './model';

/**
 * Validates every object of every target against its schema, CEL rules, the API server's extra checks, Linkerd/Argo
 * semantics, references within its target and safety rules. Returns all problems, ordered by target, then object
 * (in input order), then check.
 */
export function validateTargets(targets: readonly ValidationTarget[], options: ValidateOptions = {}): ValidationProblem[] {
  return targets.flatMap((target) => judgeTarget(target, options).map((entry) => entry.problem));
}
