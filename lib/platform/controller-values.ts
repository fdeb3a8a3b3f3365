import { integerProblem, throwIfProblems } from '../common';
import { unknownKeyProblems } from './linkerd-control-plane-values';

/** Values of a platform controller chart this project sets (linkerd-viz, argo-rollouts, flagger, trust-manager). */
export interface ControllerValues {
  /** Replicas of the controller. @default 1 */
  readonly replicas?: number;
}

const KNOWN_KEYS: ReadonlySet<string> = new Set(['replicas']);

/** Validates `values` (known keys only, replicas ≥ 1) and returns the replica count. */
export function controllerReplicas(path: string, values: ControllerValues = {}): number {
  const replicas = values.replicas ?? 1;
  throwIfProblems(path, [...unknownKeyProblems(values, KNOWN_KEYS), integerProblem('replicas', replicas, 1, 100)]);
  return replicas;
}
