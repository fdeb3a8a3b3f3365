import { formatProblem, validateTargets, ValidationTarget } from '../validation';
import { RenderTarget } from './render-target';

/** Render targets as the validation engine takes them: plain manifests, each with its construct path as source. */
export function toValidationTargets(targets: readonly RenderTarget[]): ValidationTarget[] {
  return targets.map((target) => ({
    name: target.name,
    subjects: target.objects.map((o) => ({ manifest: o.manifest as unknown as Record<string, unknown>, source: o.constructPath })),
  }));
}

/**
 * Validates rendered targets with the project's validation engine (schemas and CEL of the
 * vendored CRDs, core API rules, references, semantic and safety rules) and throws one error
 * listing every problem, each with its construct path. Nothing is written when this throws.
 */
export function validateRendered(targets: readonly RenderTarget[]): void {
  const problems = validateTargets(toValidationTargets(targets));
  if (problems.length > 0) {
    throw new Error(`Validation found ${problems.length} problem(s):\n  ${problems.map(formatProblem).join('\n  ')}`);
  }
}
