import { App } from 'cdk8s';
import { ArgoRolloutsPlatformChart } from './charts/argo-rollouts-platform';
import { ArgoCdChart } from './charts/argocd';
import { BooksappChart } from './charts/booksapp';
import { CircuitBreakingDemoChart } from './charts/circuit-breaking-demo';
import { EgressControlChart } from './charts/egress-control';
import { EmojivotoChart } from './charts/emojivoto';
import { ENVIRONMENTS } from './charts/environments';
import { FlaggerPodinfoChart } from './charts/flagger-podinfo';
import { FleetChart } from './charts/fleet';
import { LinkerdIdentityChart } from './charts/linkerd-identity';
import { NginxCanaryChart } from './charts/nginx-canary';
import { NginxCanaryIstioChart } from './charts/nginx-canary-istio';
import { PlatformChart } from './charts/platform';
import { PodinfoDynamicRoutingChart } from './charts/podinfo-dynamic-routing';
import { RolloutsDemoChart } from './charts/rollouts-demo';
import { ShopChart } from './charts/shop';
import { TrafficShiftingChart } from './charts/traffic-shifting';
import { synthesizeMain } from './lib';

/**
 * The repository Argo CD clones the rendered branch from. Set it to YOUR repository (the one
 * `npm run render -- --remote origin` pushes to). A wrong value cannot be published silently:
 * render and diff refuse when it differs from the remote's URL.
 */
const REPO_URL = 'https://github.com/example-org/linkerd-progressive-delivery.git';

/**
 * The render targets: each top-level chart becomes `dist/<chart id>/`, applied with
 * `kubectl apply -f dist/<chart id>` or synced by one Argo CD Application.
 * Targets marked "pick one" use the same namespace and object names: alternatives for one cluster.
 */
export function buildApp(app: App): void {
  // Linkerd scenarios.
  new BooksappChart(app, 'booksapp');
  new CircuitBreakingDemoChart(app, 'circuit-breaking-demo');
  new EmojivotoChart(app, 'emojivoto');
  // Mixed HTTP/gRPC, one service released as a canary: every mesh and delivery construct composed.
  new ShopChart(app, 'shop');
  new EgressControlChart(app, 'egress-control');
  new TrafficShiftingChart(app, 'traffic-shifting');
  // Shares namespace `test` with the canary scenarios below, which own (create and mesh) it.
  new PodinfoDynamicRoutingChart(app, 'podinfo-dynamic-routing', { createNamespace: false });

  // Progressive delivery.
  const rolloutsPlatform = new ArgoRolloutsPlatformChart(app, 'argo-rollouts-platform');
  new RolloutsDemoChart(app, 'rollouts-demo'); //                          pick one: Argo Rollouts
  const flagger = new FlaggerPodinfoChart(app, 'flagger-podinfo'); //      pick one: Flagger
  new NginxCanaryChart(app, 'nginx-canary'); //                            pick one: Linkerd metrics
  const nginxIstio = new NginxCanaryIstioChart(app, 'nginx-canary-istio'); // pick one: Istio metrics

  // The platform (Gateway API, cert-manager, trust-manager, Linkerd, Argo Rollouts) as pinned upstream charts;
  // the identity objects are synced by the platform's own `linkerd-identity` Application, in its wave.
  const identity = new LinkerdIdentityChart(app, 'linkerd-identity');
  const platform = new PlatformChart(app, 'platform', { repoUrl: REPO_URL, identityChart: identity });

  // Environments: each environment's targets side by side (dist/<environment>-<scenario>/), deployed to the
  // environment's clusters by the fleet's Applications, not to this cluster.
  const environments = ENVIRONMENTS.map((environment) => ({
    environment,
    charts: [new RolloutsDemoChart(app, `${environment.name}-rollouts-demo`, environment.rolloutsDemo)],
  }));
  new FleetChart(app, 'fleet', { repoUrl: REPO_URL, environments });

  // GitOps: the app of apps, one Argo CD Application per chart above that this cluster runs
  // (the alternatives not picked stay in dist/ for kubectl); constructed last.
  new ArgoCdChart(app, 'argocd', {
    repoUrl: REPO_URL,
    platformCharts: [platform, rolloutsPlatform],
    excludedCharts: [flagger, nginxIstio, identity, ...environments.flatMap((e) => e.charts)],
  });
}

if (require.main === module) synthesizeMain(buildApp);
