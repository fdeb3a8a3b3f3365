/**
 * One entry of an Argo CD Application's `spec.ignoreDifferences`, as plain data: fields of one
 * object that a controller changes in the cluster (e.g. HTTPRoute weights that Argo Rollouts
 * moves), so Argo CD must neither report them as drift nor reset them. At least one of
 * `jsonPointers` and `jqPathExpressions` must list a field: ignoring a whole object hides every drift.
 */
export interface ArgoCdIgnoreDifference {
  /** API group of the object; `''` for the core group. */
  readonly group: string;
  /** Kind of the object. */
  readonly kind: string;
  /** Name of the object. */
  readonly name: string;
  /** Namespace of the object. */
  readonly namespace: string;
  /**
   * RFC 6901 JSON pointers of the fields to ignore, e.g. `/spec/rules/0/backendRefs/0/weight`.
   * @default - none (then jqPathExpressions lists the fields)
   */
  readonly jsonPointers?: readonly string[];
  /**
   * jq path expressions of the fields to ignore, e.g. `.spec.rules[].backendRefs[].weight`.
   * @default - none (then jsonPointers lists the fields)
   */
  readonly jqPathExpressions?: readonly string[];
}

/**
 * A construct that renders objects some controller changes in the cluster, and says which
 * fields. `RenderedBranchApplications` gives the Application of the construct's chart exactly
 * these entries (e.g. lib/delivery's `CanaryRollout`, whose HTTPRoute weights the plugin moves).
 */
export interface IArgoCdIgnoreDifferencesSource {
  /** The `ignoreDifferences` entries for objects this construct renders; empty when none. */
  readonly argoCdIgnoreDifferences: readonly ArgoCdIgnoreDifference[];
}

/**
 * Whether `value` carries Argo CD ignoreDifferences entries (duck typing, so lib/gitops
 * needs no dependency on the libraries whose constructs implement the interface).
 */
export function isArgoCdIgnoreDifferencesSource<T>(value: T): value is T & IArgoCdIgnoreDifferencesSource {
  return typeof value === 'object' && value !== null
    && Array.isArray((value as Partial<IArgoCdIgnoreDifferencesSource>).argoCdIgnoreDifferences);
}
