/** The name under which the Argo Rollouts Gateway API traffic router plugin is registered and referenced. */
export const GATEWAY_API_PLUGIN_NAME = 'argoproj-labs/gatewayAPI';

/** Options of {@link CanaryTrafficRouting.gatewayApiPlugin}. */
export interface GatewayApiPluginRoutingOptions {
  /**
   * Name of the HTTPRoute that the plugin edits.
   * @default - the root Service name
   */
  readonly routeName?: string;
}

/** How a canary rollout splits traffic between the stable and canary pods. */
export class CanaryTrafficRouting {
  /**
   * The `argoproj-labs/gatewayAPI` plugin sets the weights of a Gateway API HTTPRoute whose
   * parent is the root Service (GAMMA; Linkerd implements it) and whose backends are the
   * stable and canary Services. Needs the plugin registered once per cluster
   * ({@link RolloutsGatewayApiPlugin}).
   */
  public static gatewayApiPlugin(options: GatewayApiPluginRoutingOptions = {}): CanaryTrafficRouting {
    return new CanaryTrafficRouting('gatewayApiPlugin', options.routeName);
  }

  /**
   * No traffic router: the root Service selects stable and canary pods alike, so traffic
   * follows the ratio of canary to stable pods, and weights are approximated by pod counts.
   */
  public static replicaRatio(): CanaryTrafficRouting {
    return new CanaryTrafficRouting('replicaRatio', undefined);
  }

  private constructor(
    /** Which routing this is. */
    public readonly kind: 'gatewayApiPlugin' | 'replicaRatio',
    /** The HTTPRoute name chosen by the user, if any. */
    public readonly routeName: string | undefined,
  ) {}
}
