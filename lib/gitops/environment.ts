/** A cluster of a fleet, as Argo CD knows it (registered with `argocd cluster add <context> --name <name>`). */
export interface FleetCluster {
  /** The cluster's name in Argo CD: part of the Application names (lowercase letters, digits, "-"). */
  readonly name: string;
  /** URL of its API server, exactly as `argocd cluster list` shows it. */
  readonly server: string;
}

/**
 * A stage of delivery (staging, production): the clusters it runs on. What an environment runs and with which values
 * is its render targets (`<environment>-<scenario>` charts), so a change of one environment's values shows in the
 * diff of its folders only.
 */
export interface Environment {
  /** The environment's name: prefix of its render targets and name of its AppProject (lowercase letters, digits, "-"). */
  readonly name: string;
  /** The clusters every target of the environment is deployed to; at least one. */
  readonly clusters: readonly FleetCluster[];
}
