import { Construct } from 'constructs';
import { AppProject } from '../../imports/argocd-appproject-argoproj.io';
import { NamedObjectMetadata, PropProblems } from '../common';

/** A kind of object, as Argo CD names it: `group` is `''` for the core API group. */
export interface ResourceKind {
  /** API group; `''` for core objects (Namespace, ConfigMap, …). */
  readonly group: string;
  /** Kind, e.g. `Deployment`. */
  readonly kind: string;
}

/** One cluster-scoped object (or kind) a project may manage. */
export interface ClusterResource extends ResourceKind {
  /** The object's name. @default - every object of the kind */
  readonly name?: string;
}

/** Where a project's applications may deploy to. */
export interface ProjectDestination {
  /** URL of the cluster's API server, e.g. `https://kubernetes.default.svc`. */
  readonly server: string;
  /** Namespace objects may be created in. */
  readonly namespace: string;
}

/** Props of {@link ArgoCdProject}. */
export interface ArgoCdProjectProps {
  /** Metadata of the AppProject: its `name`, which applications refer to, labels and annotations. */
  readonly metadata: NamedObjectMetadata;
  /** What the project is for, shown in the Argo CD UI. */
  readonly description: string;
  /** The only repositories applications of this project may read from. No wildcards. */
  readonly sourceRepos: readonly string[];
  /** The only cluster/namespace pairs applications may deploy into. No wildcards. */
  readonly destinations: readonly ProjectDestination[];
  /** The only cluster-scoped objects applications may manage; none when empty. */
  readonly clusterResources: readonly ClusterResource[];
  /**
   * The only namespaced kinds applications may manage. Must not be empty: Argo CD reads
   * an empty namespace whitelist as "every kind".
   */
  readonly namespacedResources: readonly ResourceKind[];
}

const WILDCARD = /[*?[\]]/;

/**
 * An Argo CD AppProject that confines its applications to what they need (least privilege):
 * named repositories, named destinations, listed kinds; no wildcards.
 *
 * @example
 * const project = new ArgoCdProject(this, 'project', {
 *   name: 'booksapp',
 *   description: 'booksapp rendered manifests',
 *   sourceRepos: ['https://github.com/example-org/mesh.git'],
 *   destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'booksapp' }],
 *   clusterResources: [{ group: '', kind: 'Namespace', name: 'booksapp' }],
 *   namespacedResources: [{ group: 'apps', kind: 'Deployment' }],
 * });
 */
export class ArgoCdProject extends Construct {
  /** The project's name, which applications refer to. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdProjectProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.sourceRepos.length === 0) problems.invalid('sourceRepos', [], 'at least one repository URL');
    for (const repo of props.sourceRepos.filter((r) => WILDCARD.test(r))) {
      problems.invalid('source repository', repo, 'exact repository URLs only (no patterns)');
    }
    for (const { server, namespace } of props.destinations) {
      if (WILDCARD.test(server) || WILDCARD.test(namespace) || namespace === '') {
        problems.invalid('destination', `${server} ${namespace}`, 'an exact server URL and an exact, non-empty namespace');
      }
    }
    for (const { kind, name } of props.clusterResources) {
      if (kind === '' || WILDCARD.test(kind) || (name !== undefined && WILDCARD.test(name))) {
        problems.invalid('cluster resource', `${kind} ${name ?? ''}`.trim(), 'exact kinds and names');
      }
    }
    if (props.namespacedResources.length === 0) {
      problems.invalid('namespacedResources', [], 'at least one group/kind (Argo CD reads an empty list as "every kind")');
    }
    problems.throwIfAny();

    const appProject = new AppProject(this, 'Resource', {
      metadata: { ...props.metadata },
      spec: {
        description: props.description,
        sourceRepos: [...props.sourceRepos],
        destinations: props.destinations.map((d) => ({ server: d.server, namespace: d.namespace })),
        clusterResourceWhitelist: props.clusterResources.map((r) => ({ group: r.group, kind: r.kind, name: r.name })),
        namespaceResourceWhitelist: props.namespacedResources.map((r) => ({ group: r.group, kind: r.kind })),
      },
    });
    this.name = appProject.name;
  }
}
