import { CanaryRoute } from './canary-route';

export { GATEWAY_API_PLUGIN_NAME } from '../contracts';

/** The label the plugin puts on the routes it edits while a canary runs (its defaults, v0.15). */
export const GATEWAY_API_PLUGIN_IN_PROGRESS_LABEL = { key: 'rollouts.argoproj.io/gatewayapi-canary', value: 'in-progress' } as const;

/** Options of {@link CanaryTrafficRouting.gatewayApiPlugin}. */
export interface GatewayApiPluginRoutingOptions {
  /**
   * Name of the one HTTPRoute that the plugin edits (every request); not with `routes`.
   * @default - the root Service name
   */
  readonly routeName?: string;
  /**
   * The routes the plugin edits, each carrying part of the requests with its own annotations and policy (e.g. a
   * GET route with retries and a route for the rest without), HTTPRoutes and GRPCRoutes; not with `routeName`.
   * @default - one HTTPRoute for every request, named `routeName`
   */
  readonly routes?: CanaryRoute[];
  /**
   * Whether the plugin labels its routes `rollouts.argoproj.io/gatewayapi-canary: in-progress` while a canary runs
   * (its default); the construct's Argo CD ignoreDifferences then skip the routes' rules while the label is there,
   * as the plugin documents. With `false` (`disableInProgressLabel`) only the backend weights are ignored.
   * @default true
   */
  readonly inProgressLabel?: boolean;
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
    return new CanaryTrafficRouting('gatewayApiPlugin', options.routeName, options.routes, options.inProgressLabel ?? true);
  }

  /**
   * No traffic router: the root Service selects stable and canary pods alike, so traffic
   * follows the ratio of canary to stable pods, and weights are approximated by pod counts.
   */
  public static replicaRatio(): CanaryTrafficRouting {
    return new CanaryTrafficRouting('replicaRatio', undefined, undefined, false);
  }

  private constructor(
    /** Which routing this is. */
    public readonly kind: 'gatewayApiPlugin' | 'replicaRatio',
    /** The HTTPRoute name chosen by the user, if any. */
    public readonly routeName: string | undefined,
    /** The routes chosen by the user, if any. */
    public readonly routes: readonly CanaryRoute[] | undefined,
    /** Whether the plugin's in-progress label is on. */
    public readonly inProgressLabel: boolean,
  ) {}
}
