import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ArgoCdApplication, ArgoCdProject, ClusterResource, ResourceKind, SyncPolicy, ControllerValues, LinkerdControlPlaneValues, PlatformApplication,
  PlatformSource, controllerReplicas, linkerdControlPlaneHelmValues,
} from '../lib';

/** Props of {@link PlatformChart}. */
export interface PlatformChartProps {
  /** URL of this repository (the rendered branch), for the `linkerd-identity` Application. */
  readonly repoUrl: string;
  /** The rendered branch. @default 'rendered' */
  readonly branch?: string;
  /** The render target of the Linkerd identity objects (a {@link LinkerdIdentityChart}), synced between cert-manager and the control plane. */
  readonly identityChart: Chart;
  /** Linkerd control-plane values (HA, replicas, …). @default - one replica each, no HA */
  readonly linkerdControlPlane?: LinkerdControlPlaneValues;
  /** linkerd-viz values. @default - one replica */
  readonly linkerdViz?: ControllerValues;
  /** Argo Rollouts controller values. @default - one replica */
  readonly argoRollouts?: ControllerValues;
  /** Install Flagger (the alternative to Argo Rollouts), with these values. @default - not installed */
  readonly flagger?: ControllerValues;
}

/** Pinned upstream releases: the versions of the CRDs vendored in crds/ (see crds/SOURCES.md). */
export const PLATFORM_RELEASES = {
  /** Gateway API: the bundle Linkerd edge-26.8.3 vendors (crds/linkerd/gateway.networking.k8s.io_httproutes.yaml, experimental channel). */
  gatewayApi: 'v1.1.1',
  /** Linkerd edge-26.8.3: edge charts are versioned YYYY.M.N after the edge release. */
  linkerd: '2026.8.3',
  certManager: 'v1.21.1',
  trustManager: 'v0.24.0',
  /**
   * argo-helm's newest argo-rollouts chart (2.41.0, appVersion v1.9.0; argo-helm commit 8796aeaa); its controller
   * image is set to v1.9.1, the release of crds/argo-rollouts (no chart for v1.9.1 exists yet).
   */
  argoRollouts: '2.41.0',
  argoRolloutsImage: 'v1.9.1',
  flagger: '1.44.0',
} as const;

const LINKERD_CHARTS = 'https://helm.linkerd.io/edge';
const JETSTACK_CHARTS = 'https://charts.jetstack.io';
const GATEWAY_API_REPO = 'https://github.com/kubernetes-sigs/gateway-api.git';
const PROJECT = 'platform';
const IN_CLUSTER = 'https://kubernetes.default.svc';

/** Sync waves of the platform Applications: CRDs and cert-manager first, then what uses them. */
export enum PlatformWave {
  CRDS_AND_CERT_MANAGER = 10,
  TRUST_MANAGER = 11,
  IDENTITY = 12,
  CONTROL_PLANE = 13,
  EXTENSIONS = 14,
}

/**
 * The platform the scenarios run on, as Argo CD Applications of pinned upstream releases (the seeds' `helm install`
 * and `kubectl apply` steps, see README "The platform"): Gateway API CRDs, cert-manager, trust-manager, Linkerd's
 * CRDs, identity, control plane and viz, Argo Rollouts (the plugin registration stays in `argo-rollouts-platform`),
 * and optionally Flagger. All in the AppProject `platform`, confined to these namespaces and kinds.
 */
export class PlatformChart extends Chart {
  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, { namespace: 'argocd' });
    const controlPlaneValues = linkerdControlPlaneHelmValues(`${this.node.path}/linkerd-control-plane`, props.linkerdControlPlane);
    const vizReplicas = controllerReplicas(`${this.node.path}/linkerd-viz`, props.linkerdViz);
    const rolloutsReplicas = controllerReplicas(`${this.node.path}/argo-rollouts`, props.argoRollouts);
    const flaggerReplicas = props.flagger === undefined ? undefined : controllerReplicas(`${this.node.path}/flagger`, props.flagger);

    const namespaces = ['gateway-system', 'cert-manager', 'linkerd', 'linkerd-viz', 'argo-rollouts', ...(flaggerReplicas ? ['flagger-system'] : [])];
    const project = new ArgoCdProject(this, 'project', {
      metadata: { name: PROJECT },
      description: 'The mesh and delivery platform: pinned upstream charts and the rendered Linkerd identity',
      sourceRepos: [GATEWAY_API_REPO, JETSTACK_CHARTS, LINKERD_CHARTS, ARGO_HELM, ...(flaggerReplicas ? [FLAGGER_CHARTS] : []), props.repoUrl].sort(),
      destinations: namespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
      clusterResources: PLATFORM_CLUSTER_KINDS,
      namespacedResources: PLATFORM_NAMESPACED_KINDS,
    });

    const app = (name: string, namespace: string, syncWave: PlatformWave, source: PlatformSource) =>
      new PlatformApplication(this, name, { metadata: { name }, project: PROJECT, namespace, syncWave, source });
    // Gateway API's CRDs are plain manifests, not a chart: the release tag's folder. Linkerd's chart does not install them.
    app('gateway-api-crds', 'gateway-system', PlatformWave.CRDS_AND_CERT_MANAGER,
      PlatformSource.gitTag({ repoUrl: GATEWAY_API_REPO, tag: PLATFORM_RELEASES.gatewayApi, path: 'config/crd/experimental' }));
    app('cert-manager', 'cert-manager', PlatformWave.CRDS_AND_CERT_MANAGER, PlatformSource.helmChart({
      repoUrl: JETSTACK_CHARTS, chart: 'cert-manager', version: PLATFORM_RELEASES.certManager, values: { crds: { enabled: true } },
    }));
    app('linkerd-crds', 'linkerd', PlatformWave.CRDS_AND_CERT_MANAGER, PlatformSource.helmChart({
      repoUrl: LINKERD_CHARTS, chart: 'linkerd-crds', version: PLATFORM_RELEASES.linkerd, values: { installGatewayAPI: false },
    }));
    app('argo-rollouts', 'argo-rollouts', PlatformWave.CRDS_AND_CERT_MANAGER, PlatformSource.helmChart({
      repoUrl: ARGO_HELM, chart: 'argo-rollouts', version: PLATFORM_RELEASES.argoRollouts,
      // argo-rollouts-config (the Gateway API plugin registration) is rendered by the argo-rollouts-platform target.
      values: { installCRDs: true, controller: { replicas: rolloutsReplicas, createConfigmap: false,
        image: { tag: PLATFORM_RELEASES.argoRolloutsImage } } },
    }));
    app('trust-manager', 'cert-manager', PlatformWave.TRUST_MANAGER, PlatformSource.helmChart({
      repoUrl: JETSTACK_CHARTS, chart: 'trust-manager', version: PLATFORM_RELEASES.trustManager,
      // The Bundle reads the trust anchor's public certificate from the Secret in Linkerd's namespace.
      values: { app: { trust: { namespace: 'linkerd' } } },
    }));
    new ArgoCdApplication(this, 'linkerd-identity', {
      metadata: { name: props.identityChart.node.id },
      project,
      repoUrl: props.repoUrl,
      branch: props.branch ?? 'rendered',
      path: props.identityChart.node.id,
      namespace: 'linkerd',
      createNamespace: true,
      syncPolicy: SyncPolicy.automated(),
      syncWave: PlatformWave.IDENTITY,
    });
    app('linkerd-control-plane', 'linkerd', PlatformWave.CONTROL_PLANE, PlatformSource.helmChart({
      repoUrl: LINKERD_CHARTS, chart: 'linkerd-control-plane', version: PLATFORM_RELEASES.linkerd, values: controlPlaneValues,
    }));
    app('linkerd-viz', 'linkerd-viz', PlatformWave.EXTENSIONS, PlatformSource.helmChart({
      repoUrl: LINKERD_CHARTS, chart: 'linkerd-viz', version: PLATFORM_RELEASES.linkerd,
      values: { dashboard: { replicas: vizReplicas }, metricsAPI: { replicas: vizReplicas }, tap: { replicas: vizReplicas } },
    }));
    if (flaggerReplicas !== undefined) {
      app('flagger', 'flagger-system', PlatformWave.EXTENSIONS, PlatformSource.helmChart({
        repoUrl: FLAGGER_CHARTS, chart: 'flagger', version: PLATFORM_RELEASES.flagger,
        values: {
          meshProvider: 'gatewayapi:v1',
          metricsServer: 'http://prometheus.linkerd-viz:9090',
          leaderElection: { enabled: flaggerReplicas > 1, replicaCount: flaggerReplicas },
        },
      }));
    }
  }
}

const ARGO_HELM = 'https://argoproj.github.io/argo-helm';
const FLAGGER_CHARTS = 'https://flagger.app';

/** Cluster-scoped kinds the platform charts install (reviewed list; no wildcards). */
const PLATFORM_CLUSTER_KINDS: ClusterResource[] = [
  { group: '', kind: 'Namespace' },
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  { group: 'trust.cert-manager.io', kind: 'Bundle' },
];

/** Namespaced kinds the platform charts install (reviewed list; no wildcards). */
const PLATFORM_NAMESPACED_KINDS: ResourceKind[] = [
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'Secret' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'batch', kind: 'CronJob' },
  { group: 'batch', kind: 'Job' },
  { group: 'cert-manager.io', kind: 'Certificate' },
  { group: 'cert-manager.io', kind: 'Issuer' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
  { group: 'policy.linkerd.io', kind: 'AuthorizationPolicy' },
  { group: 'policy.linkerd.io', kind: 'HTTPRoute' },
  { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication' },
  { group: 'policy.linkerd.io', kind: 'NetworkAuthentication' },
  { group: 'policy.linkerd.io', kind: 'Server' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
];
