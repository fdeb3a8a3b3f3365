/**
 * What Linkerd does with traffic that no authorization policy covers: the `accessPolicy`
 * of a Server, or the `config.linkerd.io/default-inbound-policy` of a workload or namespace.
 */
export enum AccessPolicy {
  /** Refuse every request that no policy authorizes (the Server default). */
  DENY = 'deny',
  /**
   * Allow everything but report what `deny` would refuse (`linkerd viz authz`, proxy logs and
   * metrics), so a Server can be introduced without downtime and switched to `DENY` once its
   * routes and policies cover every legitimate client.
   */
  AUDIT = 'audit',
  /** Allow meshed and unmeshed clients from anywhere. */
  ALL_UNAUTHENTICATED = 'all-unauthenticated',
  /** Allow meshed clients (mTLS) from anywhere. */
  ALL_AUTHENTICATED = 'all-authenticated',
  /** Allow meshed and unmeshed clients from the cluster networks. */
  CLUSTER_UNAUTHENTICATED = 'cluster-unauthenticated',
  /** Allow meshed clients from the cluster networks. */
  CLUSTER_AUTHENTICATED = 'cluster-authenticated',
}
