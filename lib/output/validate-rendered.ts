import { formatProblem, validateTargets, ValidationTarget } from '../validation';
import { RenderTarget } from './render-target';

/** Render targets as the validation engine takes them: plain manifests, each with its construct path as source. */
export function toValidationTargets(targets: readonly RenderTarget[]): ValidationTarget[] {
  return targets.map((target) => ({
    name: target.name,
    subjects: target.objects.map((o) => ({ manifest: o.manifest as unknown as Record<string, unknown>, source: o.constructPath })),
  }));
}

/** Rules that a declaration of an external ServiceAccount answers. */
const EXTERNAL_ACCOUNT_RULES = new Set(['semantic/meshtls-unknown-identity', 'ref/meshtls-serviceaccount']);

/**
 * Validates rendered targets with the project's validation engine (schemas and CEL of the
 * vendored CRDs, core API rules, references, semantic and safety rules) and throws one error
 * listing every problem, each with its construct path. Nothing is written when this throws.
 * Each target is validated with the ServiceAccounts its chart declares external.
 */
export function validateRendered(targets: readonly RenderTarget[]): void {
  const problems = targets.flatMap((target) =>
    validateTargets(toValidationTargets([target]), { externalServiceAccounts: target.externalServiceAccounts ?? [] }));
  if (problems.length > 0) {
    const hint = problems.some((p) => EXTERNAL_ACCOUNT_RULES.has(p.rule))
      ? '\n  (a ServiceAccount that exists outside the target is declared in its chart: '
        + 'ExternalServiceAccount.declare(chart, namespace, name) of lib/mesh)'
      : '';
    throw new Error(`Validation found ${problems.length} problem(s):\n  ${problems.map(formatProblem).join('\n  ')}${hint}`);
  }
}
