import { Manifest, apiGroupOf } from '../contracts';

/** The Argo CD annotation that orders a sync; lower waves are applied and healthy first. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * The order in which a render target's objects are applied.
 *
 * A Linkerd Server starts denying every client it has no authorization for the moment
 * it exists, so authentications, routes and authorization policies must exist before
 * the Server that they open up; workloads come last, once their policy is in place.
 * The same numbers order `kubectl apply -f` (file name prefix) and Argo CD (sync wave).
 */
export enum ApplyPhase {
  /** Namespaces, so that everything else has a place to go. */
  NAMESPACES = 0,
  /** Identities and configuration that pods and policies refer to. */
  IDENTITIES_AND_CONFIG = 1,
  /** Who a client is: MeshTLSAuthentication, NetworkAuthentication. */
  AUTHENTICATIONS = 2,
  /** What a client may do and how traffic flows: routes, authorization policies, analysis templates. */
  ROUTES_AND_POLICIES = 3,
  /** Servers (and EgressNetworks): from here on, unauthorized traffic to the selected ports (networks) is refused. */
  SERVERS = 4,
  /** Services and workloads, and anything not listed. */
  WORKLOADS = 5,
}

const PHASE_BY_KIND: Record<string, ApplyPhase> = {
  'core/Namespace': ApplyPhase.NAMESPACES,
  'apiextensions.k8s.io/CustomResourceDefinition': ApplyPhase.NAMESPACES,
  'core/ServiceAccount': ApplyPhase.IDENTITIES_AND_CONFIG,
  'core/ConfigMap': ApplyPhase.IDENTITIES_AND_CONFIG,
  'core/Secret': ApplyPhase.IDENTITIES_AND_CONFIG,
  'rbac.authorization.k8s.io/ClusterRole': ApplyPhase.IDENTITIES_AND_CONFIG,
  'rbac.authorization.k8s.io/ClusterRoleBinding': ApplyPhase.IDENTITIES_AND_CONFIG,
  'rbac.authorization.k8s.io/Role': ApplyPhase.IDENTITIES_AND_CONFIG,
  'rbac.authorization.k8s.io/RoleBinding': ApplyPhase.IDENTITIES_AND_CONFIG,
  'argoproj.io/AppProject': ApplyPhase.IDENTITIES_AND_CONFIG,
  'policy.linkerd.io/MeshTLSAuthentication': ApplyPhase.AUTHENTICATIONS,
  'policy.linkerd.io/NetworkAuthentication': ApplyPhase.AUTHENTICATIONS,
  'policy.linkerd.io/HTTPRoute': ApplyPhase.ROUTES_AND_POLICIES,
  'gateway.networking.k8s.io/HTTPRoute': ApplyPhase.ROUTES_AND_POLICIES,
  'gateway.networking.k8s.io/GRPCRoute': ApplyPhase.ROUTES_AND_POLICIES,
  'policy.linkerd.io/AuthorizationPolicy': ApplyPhase.ROUTES_AND_POLICIES,
  'policy.linkerd.io/ServerAuthorization': ApplyPhase.ROUTES_AND_POLICIES,
  'policy.linkerd.io/HTTPLocalRateLimitPolicy': ApplyPhase.ROUTES_AND_POLICIES,
  'linkerd.io/ServiceProfile': ApplyPhase.ROUTES_AND_POLICIES,
  'split.smi-spec.io/TrafficSplit': ApplyPhase.ROUTES_AND_POLICIES,
  'argoproj.io/AnalysisTemplate': ApplyPhase.ROUTES_AND_POLICIES,
  'argoproj.io/ClusterAnalysisTemplate': ApplyPhase.ROUTES_AND_POLICIES,
  'flagger.app/MetricTemplate': ApplyPhase.ROUTES_AND_POLICIES,
  'networking.istio.io/Gateway': ApplyPhase.ROUTES_AND_POLICIES,
  'networking.istio.io/VirtualService': ApplyPhase.ROUTES_AND_POLICIES,
  'networking.istio.io/DestinationRule': ApplyPhase.ROUTES_AND_POLICIES,
  'policy.linkerd.io/Server': ApplyPhase.SERVERS,
  // An EgressNetwork with trafficPolicy Deny refuses what its routes do not name, like a Server: routes first.
  'policy.linkerd.io/EgressNetwork': ApplyPhase.SERVERS,
};

/** The phase a manifest is applied in, from its API group and kind. */
export function applyPhaseOf(manifest: Pick<Manifest, 'apiVersion' | 'kind'>): ApplyPhase {
  return PHASE_BY_KIND[`${apiGroupOf(manifest)}/${manifest.kind}`] ?? ApplyPhase.WORKLOADS;
}

/**
 * The sync wave of a manifest: an explicit `argocd.argoproj.io/sync-wave` annotation
 * wins (an escape hatch); otherwise its apply phase.
 */
export function syncWaveOf(manifest: Manifest): number {
  const explicit = manifest.metadata.annotations?.[SYNC_WAVE_ANNOTATION];
  if (explicit === undefined) return applyPhaseOf(manifest);
  if (!/^\d{1,2}$/.test(explicit)) {
    // Waves also prefix file names for kubectl; two digits keep lexical and numeric order equal.
    throw new Error(`${manifest.kind} ${manifest.metadata.name}: annotation ${SYNC_WAVE_ANNOTATION}="${explicit}" `
      + 'is not allowed; allowed: an integer from "0" to "99" (this project\'s phases use 0..5)');
  }
  return Number(explicit);
}

/** A copy of the manifest carrying its sync wave as an annotation, so Argo CD applies in the same order as kubectl. */
export function withSyncWave(manifest: Manifest): Manifest {
  const wave = syncWaveOf(manifest);
  return {
    ...manifest,
    metadata: {
      ...manifest.metadata,
      annotations: { ...manifest.metadata.annotations, [SYNC_WAVE_ANNOTATION]: String(wave) },
    },
  };
}
