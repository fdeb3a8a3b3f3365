import { GrpcRouteMatch, HttpRouteMatch } from '../mesh';

/** Options of a route whose weights the Gateway API plugin moves during a canary. */
export interface CanaryRouteOptions<Match> {
  /** Name of the route object; also how it is named in the plugin's configuration. */
  readonly name: string;
  /**
   * The requests (calls) this route carries; another route of the same rollout carries the rest, each with its own
   * annotations (retries, timeouts) and per-route policy, which survive the canary because the plugin changes
   * only the weights.
   * @default - every request
   */
  readonly matches?: Match[];
  /**
   * Whether `CanaryStep.setHeaderRoute` adds its header rules to this route (the plugin's `useHeaderRoutes`).
   * @default false
   */
  readonly headerRouting?: boolean;
}

/**
 * A route managed by Argo Rollouts' Gateway API plugin: a Gateway API HTTPRoute or GRPCRoute whose parent is the
 * rollout's root Service (GAMMA, which Linkerd implements) and whose one rule sends to the stable (weight 100) and
 * canary (weight 0) Services. The plugin edits HTTPRoutes and GRPCRoutes alike (weights and header rules).
 */
export class CanaryRoute {
  /** A gateway.networking.k8s.io/v1 HTTPRoute. */
  public static http(options: CanaryRouteOptions<HttpRouteMatch>): CanaryRoute {
    return new CanaryRoute('HTTPRoute', options.name, options.matches, undefined, options.headerRouting ?? false);
  }

  /** A gateway.networking.k8s.io/v1 GRPCRoute (the plugin's `grpcRoutes`). */
  public static grpc(options: CanaryRouteOptions<GrpcRouteMatch>): CanaryRoute {
    return new CanaryRoute('GRPCRoute', options.name, undefined, options.matches, options.headerRouting ?? false);
  }

  private constructor(
    /** The kind of the route object. */
    public readonly kind: 'HTTPRoute' | 'GRPCRoute',
    /** Name of the route object. */
    public readonly name: string,
    /** Matches of an HTTPRoute. */
    public readonly httpMatches: HttpRouteMatch[] | undefined,
    /** Matches of a GRPCRoute. */
    public readonly grpcMatches: GrpcRouteMatch[] | undefined,
    /** Whether header routes are added to this route. */
    public readonly headerRouting: boolean,
  ) {}
}
