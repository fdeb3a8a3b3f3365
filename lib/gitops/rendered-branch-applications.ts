import { ApiObject, App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PropProblems, invalidValueProblem, throwIfProblems } from '../common';
import { ArgoCdIgnoreDifference, isArgoCdIgnoreDifferencesSource } from '../contracts';
import { ApplyPhase, Manifest, apiGroupOf, objectIdOf } from '../output';
import { ArgoCdApplication } from './argo-cd-application';
import { ArgoCdProject, ClusterResource, ResourceKind } from './argo-cd-project';
import { argoGroupOf, unique, uniqueBy } from './argo-cd-resource-lists';
import { SyncPolicy, SyncRetry } from './sync-policy';

/** Sync wave of the Applications of platform targets: after the AppProjects (wave 1), before the other targets. */
export const PLATFORM_APPLICATION_WAVE = ApplyPhase.WORKLOADS;
/** Sync wave of the Applications of all other targets: after the platform they depend on. */
export const APPLICATION_WAVE = ApplyPhase.WORKLOADS + 1;

/** The default rendered branch, as `npm run render` publishes it. */
export const DEFAULT_RENDERED_BRANCH = 'rendered';

/** Props of {@link RenderedBranchApplications}. */
export interface RenderedBranchApplicationsProps {
  /**
   * URL of this repository as Argo CD clones it. It must be the repository `npm run render`
   * pushes to: `npm run render -- --remote <r>` refuses to publish when it differs from `<r>`'s URL.
   */
  readonly repoUrl: string;
  /** The branch `npm run render` publishes. @default 'rendered' */
  readonly branch?: string;
  /** URL of the destination cluster's API server. @default 'https://kubernetes.default.svc' */
  readonly cluster?: string;
  /**
   * Charts that other targets depend on (e.g. controller configuration, RBAC): their
   * Applications sync in an earlier wave than the rest.
   * @default - none; every target syncs in the same wave
   */
  readonly platformCharts?: readonly Chart[];
  /**
   * Render targets this app of apps does not deploy, e.g. the alternatives not picked for this
   * cluster (Argo Rollouts or Flagger in one namespace). They stay in the render for `kubectl`
   * users. Two deployed targets may never render the same object (group, kind, namespace, name).
   * @default - none; every other top-level chart is deployed
   */
  readonly excludedCharts?: readonly Chart[];
  /** When Argo CD syncs the targets. @default SyncPolicy.automated() (prune and selfHeal) */
  readonly syncPolicy?: SyncPolicy;
  /** How Argo CD retries failed syncs. @default SyncRetry.backoff() */
  readonly retry?: SyncRetry;
}

/** What a render target needs from Argo CD, derived from its rendered objects. */
interface TargetNeeds {
  readonly name: string;
  /** Namespaces its namespaced objects are in. */
  readonly namespaces: readonly string[];
  /** Namespaces it renders the Namespace object of. */
  readonly ownedNamespaces: readonly string[];
  readonly clusterResources: readonly ClusterResource[];
  readonly namespacedKinds: readonly ResourceKind[];
  /** The entries of the constructs in its chart that implement IArgoCdIgnoreDifferencesSource. */
  readonly ignoreDifferences: readonly ArgoCdIgnoreDifference[];
}

const DEFAULT_CLUSTER = 'https://kubernetes.default.svc';
const REPO_URL = /^(https:\/\/|ssh:\/\/|git@)[^\s*]+$/;
const BRANCH = /^(?!.*\.\.)(?!.*\/\/)(?!.*\.lock$)[A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]$|^[A-Za-z0-9]$/;

/**
 * App of apps for the rendered-manifests pattern: one Argo CD Application per render
 * target (every other top-level chart of the app but the excluded ones), each syncing its `<chart id>/` folder
 * of the rendered branch, plus a root Application that syncs this chart's own folder.
 *
 * Everything the AppProject permits is derived from the rendered objects of the targets:
 * the namespaces they use, the cluster-scoped objects they contain (by name), the
 * namespaced kinds. Construct it after every other chart; a validation fails otherwise.
 *
 * @example
 * class ArgoCdChart extends Chart {
 *   constructor(scope: Construct, id: string) {
 *     super(scope, id, { namespace: 'argocd' });
 *     new RenderedBranchApplications(this, 'applications', { repoUrl: 'https://github.com/example-org/mesh.git' });
 *   }
 * }
 */
export class RenderedBranchApplications extends Construct {
  /** The Application per render target, by target (chart id), in app order. */
  public readonly applications: ReadonlyMap<string, ArgoCdApplication>;
  /** The Application that syncs this chart's own folder (app of apps). */
  public readonly rootApplication: ArgoCdApplication;

  constructor(scope: Construct, id: string, props: RenderedBranchApplicationsProps) {
    super(scope, id);
    const chart = Chart.of(this);
    const app = chart.node.scope;
    // Typed explicitly, so that `fail` (which returns never) narrows `app` below.
    const problems: PropProblems = new PropProblems(this);
    if (!(app instanceof App)) {
      problems.fail('chart', chart.node.path, `a top-level chart (a render target of its own), not one nested in ${app?.node.path}`);
    }
    const argoCdNamespace = chart.namespace ?? '';
    if (chart.namespace === undefined) {
      problems.invalid(`namespace of chart ${chart.node.path}`, '(none)', 'Argo CD\'s namespace (e.g. "argocd") as the chart\'s namespace');
    }
    if (!REPO_URL.test(props.repoUrl)) problems.invalid('repoUrl', props.repoUrl, 'a clone URL starting with https://, ssh:// or git@');
    const branch = props.branch ?? DEFAULT_RENDERED_BRANCH;
    if (!BRANCH.test(branch)) problems.invalid('branch', branch, 'a git branch name of letters, digits, ".", "_", "-" and "/"');
    const topLevelCharts = app.node.children.filter((c): c is Chart => c instanceof Chart && c !== chart);
    const excluded = new Set(props.excludedCharts ?? []);
    for (const e of excluded) {
      if (!topLevelCharts.includes(e)) {
        problems.invalid('excluded chart', e.node.path,
          `a top-level chart constructed before ${chart.node.path}: one of ${topLevelCharts.map((c) => c.node.id).join(', ')}`);
      }
    }
    const targets = () => app.node.children.filter((c): c is Chart => c instanceof Chart && c !== chart && !excluded.has(c));
    const deployed = targets();
    if (deployed.length === 0) {
      problems.invalid('deployed charts', [], `at least one: construct ${chart.node.id} after the charts it deploys`);
    }
    const platform = new Set(props.platformCharts ?? []);
    for (const p of platform) {
      if (!deployed.includes(p)) {
        problems.invalid('platform chart', p.node.path,
          `a deployed top-level chart constructed before ${chart.node.path}: one of ${deployed.map((c) => c.node.id).join(', ')}`);
      }
    }
    problems.throwIfAny();

    const rendered = deployed.map(renderChart);
    assertNoSharedObjects(this, rendered);
    const needs = deriveNeeds(rendered);
    const cluster = props.cluster ?? DEFAULT_CLUSTER;
    const common = { repoUrl: props.repoUrl, branch, cluster, syncPolicy: props.syncPolicy, retry: props.retry };

    const bootstrap = new ArgoCdProject(this, 'bootstrap-project', {
      metadata: { name: `${chart.node.id}-bootstrap` },
      description: `Applications and AppProjects of the rendered branch ${branch} (app of apps)`,
      sourceRepos: [props.repoUrl],
      destinations: [{ server: cluster, namespace: argoCdNamespace }],
      clusterResources: [],
      namespacedResources: [{ group: 'argoproj.io', kind: 'AppProject' }, { group: 'argoproj.io', kind: 'Application' }],
    });
    const project = new ArgoCdProject(this, 'targets-project', {
      metadata: { name: `${chart.node.id}-targets` },
      description: `Render targets ${deployed.map((c) => c.node.id).join(', ')} of the rendered branch ${branch}`,
      sourceRepos: [props.repoUrl],
      destinations: unique(needs.flatMap((n) => n.namespaces)).map((namespace) => ({ server: cluster, namespace })),
      clusterResources: uniqueBy(needs.flatMap((n) => n.clusterResources), (r) => `${r.group}/${r.kind}/${r.name}`),
      namespacedResources: uniqueBy(needs.flatMap((n) => n.namespacedKinds), (r) => `${r.group}/${r.kind}`),
    });

    this.rootApplication = new ArgoCdApplication(this, chart.node.id, {
      ...common, metadata: { name: chart.node.id }, project: bootstrap, path: chart.node.id, namespace: argoCdNamespace,
    });
    // Namespaces some target renders: the app is responsible for them. A target may sync before
    // the target that renders its namespace (or that target may be an alternative not deployed), so
    // every target in such a namespace lets Argo CD create it; its owner adopts it when it syncs.
    // Namespaces no target renders (e.g. `default`, a controller's own) are expected to exist.
    const appNamespaces = new Set(needs.flatMap((n) => n.ownedNamespaces));
    const applications = new Map<string, ArgoCdApplication>();
    for (const target of needs) {
      const namespace = target.namespaces.length === 1 ? target.namespaces[0] : undefined;
      applications.set(target.name, new ArgoCdApplication(this, target.name, {
        ...common,
        metadata: { name: target.name },
        project,
        path: target.name,
        namespace,
        createNamespace: namespace !== undefined && appNamespaces.has(namespace),
        ignoreDifferences: target.ignoreDifferences,
        syncWave: [...platform].some((p) => p.node.id === target.name) ? PLATFORM_APPLICATION_WAVE : APPLICATION_WAVE,
      }));
    }
    this.applications = applications;

    // The Applications and the project were derived from the charts as they were when this
    // construct was created; a chart added or changed later would be deployed wrongly or not at all.
    const derivedFrom = JSON.stringify(needs);
    this.node.addValidation({
      validate: () => {
        const now = deriveNeeds(targets().map(renderChart));
        if (JSON.stringify(now) === derivedFrom) return [];
        return ['the render targets changed after the Argo CD Applications were derived from them (then: '
          + `${needs.map((n) => n.name).join(', ')}; now: ${now.map((n) => n.name).join(', ')}); `
          + `construct ${chart.node.id} after every other chart, and change no chart afterwards`];
      },
    });
  }
}

/**
 * Deployed to one cluster, two targets that render the same object would fight over it (Argo CD
 * refuses with FailOnSharedResource, or the last sync wins): they are alternatives, of which
 * all but one must be excluded.
 */
function assertNoSharedObjects(scope: Construct, charts: readonly RenderedChart[]): void {
  const owner = new Map<string, string>();
  const shared: string[] = [];
  for (const { chart, manifests } of charts) {
    for (const manifest of manifests) {
      const id = objectIdOf(manifest);
      const first = owner.get(id);
      if (first === undefined) owner.set(id, chart.node.id);
      else if (first !== chart.node.id) shared.push(`${id} (${first} and ${chart.node.id})`);
    }
  }
  if (shared.length > 0) {
    const more = shared.length > 5 ? ` and ${shared.length - 5} more` : '';
    throwIfProblems(scope, [`objects rendered by several deployed render targets ${shared.slice(0, 5).join(', ')}${more} are invalid; `
      + 'allowed: each object in one deployed target — list the alternatives not deployed on this cluster in excludedCharts']);
  }
}

/** A deployed chart, its constructs and its rendered objects: rendered once, read by every derivation. */
interface RenderedChart {
  readonly chart: Chart;
  readonly constructs: readonly IConstruct[];
  readonly manifests: readonly Manifest[];
}

function renderChart(chart: Chart): RenderedChart {
  const constructs = chart.node.findAll();
  const manifests = constructs.filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson() as Manifest);
  return { chart, constructs, manifests };
}

function deriveNeeds(charts: readonly RenderedChart[]): TargetNeeds[] {
  return charts.map(({ chart, constructs, manifests }) => {
    const namespaced = manifests.filter((m) => m.metadata.namespace !== undefined);
    // Cluster-scoped objects are the ones rendered without a namespace (the project's rule, see COMMON).
    const clusterScoped = manifests.filter((m) => m.metadata.namespace === undefined);
    return {
      name: chart.node.id,
      namespaces: unique(namespaced.map((m) => m.metadata.namespace!)),
      ownedNamespaces: unique(clusterScoped.filter((m) => apiGroupOf(m) === 'core' && m.kind === 'Namespace').map((m) => m.metadata.name)),
      clusterResources: uniqueBy(clusterScoped.map((m) => ({ group: argoGroupOf(m), kind: m.kind, name: m.metadata.name })),
        (r) => `${r.group}/${r.kind}/${r.name}`),
      namespacedKinds: uniqueBy(namespaced.map((m) => ({ group: argoGroupOf(m), kind: m.kind })), (r) => `${r.group}/${r.kind}`),
      ignoreDifferences: constructs.filter(isArgoCdIgnoreDifferencesSource).flatMap((source) => {
        for (const entry of source.argoCdIgnoreDifferences) {
          if (!namespaced.some((m) => argoGroupOf(m) === entry.group && m.kind === entry.kind
            && m.metadata.namespace === entry.namespace && m.metadata.name === entry.name)) {
            throwIfProblems(source, [invalidValueProblem('ignoreDifferences object',
              `${entry.group || 'core'}/${entry.kind} ${entry.namespace}/${entry.name}`,
              `an object of the construct's own render target, which chart ${chart.node.id} renders (its Application ignores only those)`)]);
          }
        }
        return source.argoCdIgnoreDifferences;
      }),
    };
  });
}
