import { Manifest, apiGroupOf } from '../output';
import { IgnoredFields } from './argo-cd-application';

/** The Argo Rollouts traffic router plugin for the Gateway API (seed 000). */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/** The HTTPRoute fields the plugin rewrites at every canary step. */
export const ROLLOUT_OWNED_ROUTE_FIELDS = ['.spec.rules[].backendRefs[].weight'];

interface GatewayApiPluginConfig {
  readonly httpRoute?: string;
  readonly httpRoutes?: readonly { readonly name: string }[];
  readonly namespace?: string;
}

/**
 * The HTTPRoute weights that Argo Rollouts owns, read from the rendered Rollouts:
 * every route named in a Rollout's `trafficRouting.plugins["argoproj-labs/gatewayAPI"]`.
 * Argo CD must neither report these as drift nor reset them (a sync mid-canary would
 * otherwise send all traffic back to the weights in Git). Derived from the rendered
 * manifests, so it holds for any construct or chart that renders such a Rollout.
 */
export function rolloutManagedRoutes(manifests: readonly Manifest[]): IgnoredFields[] {
  const routes = new Map<string, IgnoredFields>();
  for (const manifest of manifests) {
    if (apiGroupOf(manifest) !== 'argoproj.io' || manifest.kind !== 'Rollout') continue;
    const config = (manifest as RolloutShape).spec?.strategy?.canary?.trafficRouting?.plugins?.[GATEWAY_API_PLUGIN];
    if (config === undefined) continue;
    const namespace = config.namespace ?? manifest.metadata.namespace ?? 'default';
    const names = [...(config.httpRoute ? [config.httpRoute] : []), ...(config.httpRoutes ?? []).map((r) => r.name)];
    for (const name of names) {
      routes.set(`${namespace}/${name}`, {
        group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace, name, jqPathExpressions: ROLLOUT_OWNED_ROUTE_FIELDS,
      });
    }
  }
  return [...routes.keys()].sort().map((key) => routes.get(key)!);
}

interface RolloutShape {
  readonly spec?: { readonly strategy?: { readonly canary?: { readonly trafficRouting?: {
    readonly plugins?: Record<string, GatewayApiPluginConfig | undefined>;
  }; }; }; };
}
