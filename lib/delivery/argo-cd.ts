/**
 * One entry of an Argo CD Application's `spec.ignoreDifferences`, as plain data: a field that
 * a controller changes in the cluster and that Argo CD must therefore not report as drift.
 * Same shape as Argo CD's `ResourceIgnoreDifferences`, without depending on Argo CD types.
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
   * RFC 6901 JSON pointers of the fields to ignore.
   * @default - none
   */
  readonly jsonPointers?: readonly string[];
  /**
   * jq path expressions of the fields to ignore.
   * @default - none
   */
  readonly jqPathExpressions?: readonly string[];
}
