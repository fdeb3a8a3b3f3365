import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { invalidValueProblem, throwIfProblems } from '../common';
import { isArgoCdIgnoreDifferencesSource } from '../contracts';
import { Manifest, TARGET_NAME, apiGroupOf } from '../output';
import { ArgoCdApplication } from './argo-cd-application';
import { ArgoCdProject, ClusterResource, ResourceKind } from './argo-cd-project';
import { argoGroupOf, unique, uniqueBy } from './argo-cd-resource-lists';
import { Environment } from './environment';

/** One environment and the render targets it deploys to each of its clusters. */
export interface EnvironmentTargets {
  readonly environment: Environment;
  /** Top-level charts whose ids start with `<environment>-`, constructed before the FleetApplications. */
  readonly charts: readonly Chart[];
}

/** Props of {@link FleetApplications}. */
export interface FleetApplicationsProps {
  /** URL of this repository as Argo CD clones it (the rendered branch's repository). */
  readonly repoUrl: string;
  /** The rendered branch. @default 'rendered' */
  readonly branch?: string;
  /** The environments, in promotion order (e.g. staging, then production). */
  readonly environments: readonly EnvironmentTargets[];
}

const SERVER = /^https:\/\/[^\s*?[\]]+$/;

/**
 * Deploys each environment's render targets to each of its clusters: one Argo CD Application per target × cluster
 * (`<target>-<cluster>`, syncing folder `<target>/` of the rendered branch) and one AppProject per environment whose
 * destinations are exactly that environment's clusters × the namespaces its targets use, and whose kinds are the ones
 * they render (no wildcards), so a staging Application can never write to a production cluster.
 * Generated Applications rather than an ApplicationSet: each is typed, validated and visible in the diff.
 */
export class FleetApplications extends Construct {
  /** The Applications, by name. */
  public readonly applications: ReadonlyMap<string, ArgoCdApplication>;
  /** The AppProject per environment, by environment name. */
  public readonly projects: ReadonlyMap<string, ArgoCdProject>;

  constructor(scope: Construct, id: string, props: FleetApplicationsProps) {
    super(scope, id);
    const app = Chart.of(this).node.scope;
    const topLevel = app instanceof App ? app.node.children : [];
    const problems: (string | undefined)[] = [];
    const environmentNames = new Set<string>();
    const clusterNames = new Set<string>();
    for (const { environment, charts } of props.environments) {
      const env = environment.name;
      if (!TARGET_NAME.test(env)) problems.push(invalidValueProblem('environment name', env, 'lowercase letters, digits and "-"'));
      if (environmentNames.has(env)) problems.push(invalidValueProblem('environment name', env, 'each environment once'));
      environmentNames.add(env);
      if (environment.clusters.length === 0) problems.push(invalidValueProblem(`clusters of environment ${env}`, [], 'at least one cluster'));
      for (const cluster of environment.clusters) {
        if (!TARGET_NAME.test(cluster.name)) problems.push(invalidValueProblem('cluster name', cluster.name, 'lowercase letters, digits and "-"'));
        if (clusterNames.has(cluster.name)) problems.push(invalidValueProblem('cluster name', cluster.name, 'each cluster in one environment, once'));
        clusterNames.add(cluster.name);
        if (!SERVER.test(cluster.server)) {
          problems.push(invalidValueProblem(`server of cluster ${cluster.name}`, cluster.server, 'an https:// URL without wildcards'));
        }
      }
      if (charts.length === 0) problems.push(invalidValueProblem(`charts of environment ${env}`, [], 'at least one render target'));
      for (const chart of charts) {
        if (!chart.node.id.startsWith(`${env}-`)) {
          problems.push(invalidValueProblem(`chart id of environment ${env}`, chart.node.id, `an id starting with "${env}-"`));
        }
        if (!topLevel.includes(chart)) problems.push(invalidValueProblem('chart', chart.node.path, 'a top-level chart (a render target)'));
      }
    }
    throwIfProblems(this, problems);

    const branch = props.branch ?? 'rendered';
    const applications = new Map<string, ArgoCdApplication>();
    const projects = new Map<string, ArgoCdProject>();
    for (const { environment, charts } of props.environments) {
      const rendered = charts.map((chart) => ({ chart, manifests: renderedManifests(chart) }));
      const namespaced = rendered.flatMap((r) => r.manifests).filter((m) => m.metadata.namespace !== undefined);
      const clusterScoped = rendered.flatMap((r) => r.manifests).filter((m) => m.metadata.namespace === undefined);
      const namespaces = unique(namespaced.map((m) => m.metadata.namespace!));
      const project = new ArgoCdProject(this, `${environment.name}-project`, {
        metadata: { name: environment.name },
        description: `Environment ${environment.name}: ${charts.map((c) => c.node.id).join(', ')} `
          + `on ${environment.clusters.map((c) => c.name).join(', ')}`,
        sourceRepos: [props.repoUrl],
        destinations: environment.clusters.flatMap((cluster) => namespaces.map((namespace) => ({ server: cluster.server, namespace }))),
        clusterResources: uniqueBy<ClusterResource>(clusterScoped.map((m) => ({ group: argoGroupOf(m), kind: m.kind, name: m.metadata.name })),
          (r) => `${r.group}/${r.kind}/${r.name}`),
        namespacedResources: uniqueBy<ResourceKind>(namespaced.map((m) => ({ group: argoGroupOf(m), kind: m.kind })), (r) => `${r.group}/${r.kind}`),
      });
      projects.set(environment.name, project);
      for (const { chart, manifests } of rendered) {
        const targetNamespaces = unique(manifests.filter((m) => m.metadata.namespace !== undefined).map((m) => m.metadata.namespace!));
        const ownsNamespace = manifests.some((m) => m.kind === 'Namespace' && apiGroupOf(m) === 'core' && targetNamespaces.includes(m.metadata.name));
        const namespace = targetNamespaces.length === 1 ? targetNamespaces[0] : undefined;
        const ignoreDifferences = chart.node.findAll().filter(isArgoCdIgnoreDifferencesSource).flatMap((s) => s.argoCdIgnoreDifferences);
        for (const cluster of environment.clusters) {
          const name = `${chart.node.id}-${cluster.name}`;
          applications.set(name, new ArgoCdApplication(this, name, {
            metadata: { name }, project, repoUrl: props.repoUrl, branch, path: chart.node.id, cluster: cluster.server,
            namespace, createNamespace: namespace !== undefined && ownsNamespace, ignoreDifferences,
          }));
        }
      }
    }
    this.applications = applications;
    this.projects = projects;
  }
}

function renderedManifests(chart: Chart): Manifest[] {
  return chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson() as Manifest);
}
