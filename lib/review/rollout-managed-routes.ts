import { GATEWAY_API_PLUGIN_NAME, Manifest, apiGroupOf } from '../contracts';

/** A Gateway API HTTPRoute (`gateway.networking.k8s.io`) by namespace and name. */
export interface RouteIdentity {
  readonly namespace: string;
  readonly name: string;
}

interface GatewayApiPluginConfig {
  readonly httpRoute?: string;
  readonly httpRoutes?: readonly { readonly name: string }[];
  readonly grpcRoute?: string;
  readonly grpcRoutes?: readonly { readonly name: string }[];
  readonly namespace?: string;
}

/**
 * The HTTPRoutes whose backend weights Argo Rollouts moves, read from rendered Rollouts:
 * every route named in a Rollout's `trafficRouting.plugins["argoproj-labs/gatewayAPI"]`
 * (`httpRoute`, `httpRoutes`, and the GRPCRoutes of `grpcRoute`, `grpcRoutes`). Manifest-based on purpose, so it holds for any YAML,
 * whichever construct or tool rendered the Rollout. Sorted by namespace and name.
 */
export function rolloutManagedRoutes(manifests: readonly Manifest[]): RouteIdentity[] {
  const routes = new Map<string, RouteIdentity>();
  for (const manifest of manifests) {
    if (apiGroupOf(manifest) !== 'argoproj.io' || manifest.kind !== 'Rollout') continue;
    const config = (manifest as RolloutShape).spec?.strategy?.canary?.trafficRouting?.plugins?.[GATEWAY_API_PLUGIN_NAME];
    if (config === undefined) continue;
    const namespace = config.namespace ?? manifest.metadata.namespace ?? 'default';
    const names = [
      ...(config.httpRoute ? [config.httpRoute] : []), ...(config.httpRoutes ?? []).map((r) => r.name),
      ...(config.grpcRoute ? [config.grpcRoute] : []), ...(config.grpcRoutes ?? []).map((r) => r.name),
    ];
    for (const name of names) routes.set(`${namespace}/${name}`, { namespace, name });
  }
  return [...routes.keys()].sort().map((key) => routes.get(key)!);
}

interface RolloutShape {
  readonly spec?: { readonly strategy?: { readonly canary?: { readonly trafficRouting?: {
    readonly plugins?: Record<string, GatewayApiPluginConfig | undefined>;
  }; }; }; };
}
