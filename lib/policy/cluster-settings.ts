/**
 * How the Linkerd control plane of the cluster is installed: the values of the linkerd-control-plane chart that
 * change inbound policy. Defaults are the chart's defaults in the vendored release (edge-26.8.3).
 */
export interface ClusterSettings {
  /**
   * `proxy.defaultInboundPolicy`: the policy of pods that set none and of ports no Server selects.
   * @default 'all-unauthenticated'
   */
  readonly defaultInboundPolicy: string;
  /**
   * `clusterNetworks`: what `cluster-*` policies and ServerAuthorizations without networks admit.
   * @default 10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12, 192.168.0.0/16, fd00::/8
   */
  readonly clusterNetworks: readonly string[];
  /**
   * `policyController.probeNetworks`: where probes may come from when a Server has no routes.
   * @default 0.0.0.0/0, ::/0
   */
  readonly probeNetworks: readonly string[];
  /**
   * `identityTrustDomain`.
   * @default 'cluster.local'
   */
  readonly trustDomain: string;
  /**
   * The control plane's namespace, part of every identity.
   * @default 'linkerd'
   */
  readonly controlPlaneNamespace: string;
}

export const DEFAULT_CLUSTER_SETTINGS: ClusterSettings = {
  defaultInboundPolicy: 'all-unauthenticated',
  clusterNetworks: ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', 'fd00::/8'],
  probeNetworks: ['0.0.0.0/0', '::/0'],
  trustDomain: 'cluster.local',
  controlPlaneNamespace: 'linkerd',
};

/** The default inbound policies Linkerd knows (policy-controller/k8s/index/src/defaults.rs). */
export const DEFAULT_INBOUND_POLICIES = [
  'all-unauthenticated',
  'all-authenticated',
  'cluster-unauthenticated',
  'cluster-authenticated',
  'deny',
  'audit',
] as const;
