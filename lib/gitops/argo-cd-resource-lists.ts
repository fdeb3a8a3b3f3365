import { Manifest, apiGroupOf } from '../output';

/** Argo CD spells the core API group as the empty string. */
export function argoGroupOf(manifest: Manifest): string {
  const group = apiGroupOf(manifest);
  return group === 'core' ? '' : group;
}

/** Each value once, sorted: AppProject lists must not change order from run to run. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** Each value once by its key, sorted by key. */
export function uniqueBy<T>(values: readonly T[], key: (value: T) => string): T[] {
  const byKey = new Map(values.map((v) => [key(v), v]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}
