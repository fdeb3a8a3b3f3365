import { Construct } from 'constructs';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { NamedObjectMetadata, integerProblem, invalidValueProblem, namespaceNameProblem, objectNameProblem, throwIfProblems } from '../common';
import { SYNC_WAVE_ANNOTATION } from '../output';
import { PlatformSource } from './platform-source';

/** Props of {@link PlatformApplication}. */
export interface PlatformApplicationProps {
  /** Metadata of the Application: its `name` (also the Helm release name unless the source names one), labels and annotations. */
  readonly metadata: NamedObjectMetadata;
  /** The AppProject's name that confines it. */
  readonly project: string;
  /** The pinned chart or Git tag. */
  readonly source: PlatformSource;
  /** The namespace the component runs in; Argo CD creates it when missing. */
  readonly namespace: string;
  /** Order among the platform Applications: CRDs before their users. */
  readonly syncWave: number;
  /** URL of the destination cluster's API server. @default 'https://kubernetes.default.svc' */
  readonly cluster?: string;
}

const DEFAULT_CLUSTER = 'https://kubernetes.default.svc';
/** An exact SemVer version or release tag, with an optional leading "v": no ranges, no "latest", no branches. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const URL = /^https:\/\/[^\s*]+$/;
const RELATIVE_PATH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/**
 * An Argo CD Application installing one platform component (a controller, its CRDs) from a pinned upstream
 * source. Synced automatically with prune and self-heal; CRDs are applied server-side (Gateway API's and Linkerd's
 * exceed the client-side annotation limit).
 *
 * @example
 * new PlatformApplication(this, 'linkerd-crds', {
 *   name: 'linkerd-crds', project: 'platform', namespace: 'linkerd', syncWave: 10,
 *   source: PlatformSource.helmChart({ repoUrl: 'https://helm.linkerd.io/edge', chart: 'linkerd-crds', version: '2026.8.3' }),
 * });
 */
export class PlatformApplication extends Construct {
  /** The Application's name. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: PlatformApplicationProps) {
    super(scope, id);
    const { source } = props;
    throwIfProblems(this, [
      objectNameProblem('metadata.name', props.metadata.name),
      namespaceNameProblem('namespace', props.namespace),
      integerProblem('syncWave', props.syncWave, 0, 99),
      EXACT_VERSION.test(source.revision) ? undefined : invalidValueProblem(source.chart ? 'chart version' : 'tag', source.revision,
        'an exact release such as 1.2.3 or v1.2.3 (no ranges, branches or "latest")'),
      URL.test(source.repoUrl) ? undefined : invalidValueProblem('repoUrl', source.repoUrl, 'an https:// URL without wildcards'),
      source.path === undefined || (RELATIVE_PATH.test(source.path) && !source.path.split('/').includes('..')) ? undefined
        : invalidValueProblem('path', source.path, 'a relative folder without ".."'),
    ]);
    const application = new Application(this, 'Resource', {
      metadata: { ...props.metadata, annotations: { ...props.metadata.annotations, [SYNC_WAVE_ANNOTATION]: String(props.syncWave) } },
      spec: {
        project: props.project,
        source: {
          repoUrl: source.repoUrl,
          targetRevision: source.revision,
          chart: source.chart,
          path: source.path,
          helm: source.values === undefined ? undefined : {
            releaseName: source.releaseName,
            valuesObject: source.values,
          },
        },
        destination: { server: props.cluster ?? DEFAULT_CLUSTER, namespace: props.namespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true', 'FailOnSharedResource=true', 'PruneLast=true', 'ServerSideApply=true'],
          retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
        },
      },
    });
    this.name = application.name;
  }
}
