import { Construct } from 'constructs';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { NamedObjectMetadata, PropProblems, durationProblem, goDuration, integerProblem, invalidValueProblem, wholeSeconds } from '../common';
import { ArgoCdIgnoreDifference } from '../contracts';
import { SYNC_WAVE_ANNOTATION, TARGET_NAME } from '../output';
import { ArgoCdProject } from './argo-cd-project';
import { SyncPolicy, SyncRetry } from './sync-policy';

/** Props of {@link ArgoCdApplication}. */
export interface ArgoCdApplicationProps {
  /** Metadata of the Application: its `name`, labels and annotations. */
  readonly metadata: NamedObjectMetadata;
  /** The project that confines what this Application may deploy. */
  readonly project: ArgoCdProject;
  /** URL of the Git repository holding the rendered manifests. */
  readonly repoUrl: string;
  /** The branch holding the rendered manifests. */
  readonly branch: string;
  /** The folder inside the branch, e.g. `booksapp`. */
  readonly path: string;
  /** URL of the destination cluster's API server. @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in) */
  readonly cluster?: string;
  /**
   * Namespace for namespaced objects that do not name one.
   * @default - none: every namespaced object names its namespace
   */
  readonly namespace?: string;
  /**
   * Let Argo CD create `namespace` before the sync when it does not exist yet. Argo CD creates
   * it bare (no labels or annotations) and does not manage it afterwards, so an Application that
   * renders the Namespace object adopts it when it syncs.
   * @default false
   */
  readonly createNamespace?: boolean;
  /** When to sync. @default SyncPolicy.automated() (prune and selfHeal) */
  readonly syncPolicy?: SyncPolicy;
  /** How to retry failed syncs. @default SyncRetry.backoff() */
  readonly retry?: SyncRetry;
  /**
   * Fields owned by other controllers (e.g. HTTPRoute weights set by Argo Rollouts);
   * synced with `RespectIgnoreDifferences` so that a sync does not reset them either.
   * @default - none
   */
  readonly ignoreDifferences?: readonly ArgoCdIgnoreDifference[];
  /**
   * Order among the Applications synced by one parent Application (app of apps).
   * @default - the apply phase of its kind (see lib/output/apply-order.ts)
   */
  readonly syncWave?: number;
}

const DEFAULT_CLUSTER = 'https://kubernetes.default.svc';
/** A pointer below the root: "/" then a non-empty reference token; "~" only as the escapes ~0 and ~1. */
const JSON_POINTER = /^(\/([^~/]|~[01])+)+$/;
/** A jq path below the root, without whitespace. */
const JQ_PATH = /^\.[^\s.]\S*$/;
/** A field path behind a condition on the object, as the Argo Rollouts Gateway API plugin documents: `select(...) | .spec.rules`. */
const GUARDED_JQ_PATH = /^select\(.+\) \| \.[^\s.]\S*$/;

/**
 * An Argo CD Application that syncs one folder of the rendered branch.
 *
 * Always: no `allowEmpty` (an empty folder never prunes everything), `PruneLast` (old objects
 * are deleted only after the new ones are applied and healthy), `FailOnSharedResource` (two
 * Applications never fight over one object), retry with backoff.
 *
 * @example
 * new ArgoCdApplication(this, 'booksapp', {
 *   name: 'booksapp', project, repoUrl: 'https://github.com/example-org/mesh.git',
 *   branch: 'rendered', path: 'booksapp', namespace: 'booksapp', createNamespace: true,
 * });
 */
export class ArgoCdApplication extends Construct {
  /** The Application's name. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (!TARGET_NAME.test(props.path)) {
      problems.invalid('path', props.path, 'one rendered folder name (lowercase letters, digits and "-"), never the repository root');
    }
    if (props.createNamespace && props.namespace === undefined) {
      problems.invalid('createNamespace', true, 'createNamespace only with a namespace');
    }
    const retry = props.retry ?? SyncRetry.backoff();
    problems.add(
      props.syncWave === undefined ? undefined : integerProblem('syncWave', props.syncWave, 0, 99),
      ...retryProblems(retry),
      ...(props.ignoreDifferences ?? []).flatMap(ignoreDifferenceProblems),
    );
    problems.throwIfAny();

    const syncPolicy = props.syncPolicy ?? SyncPolicy.automated();
    const ignoreDifferences = props.ignoreDifferences ?? [];
    const syncOptions = [
      ...(props.createNamespace ? ['CreateNamespace=true'] : []),
      'FailOnSharedResource=true',
      'PruneLast=true',
      ...(ignoreDifferences.length > 0 ? ['RespectIgnoreDifferences=true'] : []),
    ];
    const application = new Application(this, 'Resource', {
      metadata: {
        ...props.metadata,
        annotations: props.syncWave === undefined ? props.metadata.annotations
          : { ...props.metadata.annotations, [SYNC_WAVE_ANNOTATION]: String(props.syncWave) },
      },
      spec: {
        project: props.project.name,
        source: { repoUrl: props.repoUrl, targetRevision: props.branch, path: props.path },
        destination: { server: props.cluster ?? DEFAULT_CLUSTER, namespace: props.namespace },
        syncPolicy: {
          automated: syncPolicy.automated && { prune: syncPolicy.automated.prune, selfHeal: syncPolicy.automated.selfHeal },
          syncOptions,
          retry: {
            limit: retry.limit,
            backoff: { duration: goDuration(retry.initialDelay), factor: retry.factor, maxDuration: goDuration(retry.maxDelay) },
          },
        },
        ignoreDifferences: ignoreDifferences.length === 0 ? undefined : ignoreDifferences.map((i) => ({
          group: i.group,
          kind: i.kind,
          namespace: i.namespace,
          name: i.name,
          jsonPointers: nonEmpty(i.jsonPointers),
          jqPathExpressions: nonEmpty(i.jqPathExpressions),
        })),
      },
    });
    this.name = application.name;
  }

}

function ignoreDifferenceProblems(ignored: ArgoCdIgnoreDifference): string[] {
  const what = `ignoreDifferences for ${ignored.kind} ${ignored.namespace}/${ignored.name}`;
  const pointers = ignored.jsonPointers ?? [];
  const jqPaths = ignored.jqPathExpressions ?? [];
  return [
    ...(pointers.length === 0 && jqPaths.length === 0
      ? [invalidValueProblem(`${what} fields`, [], 'at least one JSON pointer or jq path (ignoring a whole object hides every drift)')]
      : []),
    ...pointers.filter((pointer) => !JSON_POINTER.test(pointer)).map((pointer) => invalidValueProblem(`${what}: JSON pointer`, pointer,
      'an RFC 6901 pointer to a field, e.g. /spec/replicas (never "" or "/", the whole object)')),
    ...jqPaths.filter((jqPath) => !JQ_PATH.test(jqPath) && !GUARDED_JQ_PATH.test(jqPath)).map((jqPath) => invalidValueProblem(
      `${what}: jq path`, jqPath,
      'a path to a field, e.g. .spec.replicas, optionally behind a condition: select(<condition>) | .spec.rules (never ".", the whole object)')),
  ];
}

function retryProblems(retry: SyncRetry): (string | undefined)[] {
  const initial = durationProblem('retry initialDelay', retry.initialDelay);
  const max = durationProblem('retry maxDelay', retry.maxDelay);
  return [
    integerProblem('retry limit', retry.limit, 1, 20),
    // Argo CD reads the factor as an integer.
    integerProblem('retry factor', retry.factor, 1, 10),
    initial,
    max,
    initial !== undefined || max !== undefined || wholeSeconds(retry.maxDelay)! >= wholeSeconds(retry.initialDelay)! ? undefined
      : invalidValueProblem('retry maxDelay', retry.maxDelay, `a delay not below initialDelay ${retry.initialDelay.toHumanString()}`),
  ];
}

function nonEmpty(values: readonly string[] | undefined): string[] | undefined {
  return values === undefined || values.length === 0 ? undefined : [...values];
}
