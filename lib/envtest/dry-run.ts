import { ValidationProblem, ValidationTarget, describeObject, splitApiVersion } from '../validation';
import { ApiClient } from './api-client';
import { mapBounded } from './bounded';
import { ResourceMap } from './discovery';

/** The API server's answer to one object's server-side dry run. */
export interface DryRunVerdict {
  readonly verdict: 'accept' | 'reject';
  /**
   * Status reason of a rejection (Invalid, BadRequest, NotFound, Forbidden, ...), or one of the client-side reasons
   * kubectl would stop at before sending: NoKindMatch (kind not served), MissingKind (no apiVersion/kind).
   */
  readonly reason?: string;
  /** The server's message. */
  readonly message?: string;
  /** Field paths of status.details.causes, in the server's order, without duplicates. */
  readonly fields?: readonly string[];
  /** status.details.causes as sent (field may be absent). */
  readonly causes?: ReadonlyArray<{ readonly field?: string; readonly message: string; readonly reason?: string }>;
  /**
   * The object exists already (409 AlreadyExists). The API server checks existence after decoding, admission and
   * validation, so the object passed them all: the verdict is accept (as a create, not as an update).
   */
  readonly alreadyExists?: boolean;
}

export interface DryRunOptions {
  /**
   * Create the namespaces the objects use for real before their dry runs, as a disposable envtest server needs. Off
   * for a user's cluster, where a missing namespace is a NotFound rejection.
   * @default false
   */
  readonly createNamespaces?: boolean;
  /**
   * Dry runs in flight at once (on 2 cores, more than 4 gains nothing: see BENCHMARKS.md).
   * @default 4
   */
  readonly concurrency?: number;
  /**
   * Namespace of namespaced objects that name none (kubectl uses the kubeconfig context's).
   * @default "default"
   */
  readonly defaultNamespace?: string;
}

const DRY_RUN_QUERY = 'dryRun=All&fieldValidation=Strict';

/**
 * Sends objects as server-side dry runs (`POST <collection>?dryRun=All&fieldValidation=Strict`, what
 * `kubectl create --dry-run=server --validate=strict` sends) and returns the server's verdict per object.
 * The only writes it ever makes are the namespaces, and only with `createNamespaces`.
 */
export class DryRunner {
  private readonly namespacesReady = new Map<string, Promise<void>>();

  constructor(private readonly client: ApiClient, private readonly resources: ResourceMap, private readonly options: DryRunOptions = {}) {}

  /** One verdict per manifest, in input order. */
  async dryRun(manifests: ReadonlyArray<Record<string, unknown>>): Promise<DryRunVerdict[]> {
    return mapBounded(manifests, this.options.concurrency ?? 4, (manifest) => this.dryRunOne(manifest));
  }

  /** Whether objects of this group/kind are cluster-scoped, as the server says (false when it does not serve the kind). */
  isClusterScoped(group: string, version: string, kind: string): boolean {
    const info = this.resources.find(group, version, kind);
    return info !== undefined && !info.namespaced;
  }

  private async dryRunOne(manifest: Record<string, unknown>): Promise<DryRunVerdict> {
    const apiVersion = manifest.apiVersion;
    const kind = manifest.kind;
    // kubectl's own wording for objects it cannot send.
    if (typeof apiVersion !== 'string' || apiVersion === '') {
      return { verdict: 'reject', reason: 'MissingKind', message: "Object 'apiVersion' is missing" };
    }
    if (typeof kind !== 'string' || kind === '') return { verdict: 'reject', reason: 'MissingKind', message: "Object 'Kind' is missing" };
    const { group, version } = splitApiVersion(apiVersion);
    const info = this.resources.find(group, version, kind);
    if (info === undefined) return { verdict: 'reject', reason: 'NoKindMatch', message: `no matches for kind "${kind}" in version "${apiVersion}"` };
    const metadata = manifest.metadata as { namespace?: unknown } | undefined;
    const named = typeof metadata?.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
    const namespace = named ?? this.options.defaultNamespace ?? 'default';
    if (info.namespaced && this.options.createNamespaces === true) await this.ensureNamespace(namespace);
    const response = await this.client.post(`${ResourceMap.collectionPath(info, namespace)}?${DRY_RUN_QUERY}`, manifest);
    return verdictOf(response.status, response.body, response.text);
  }

  private ensureNamespace(name: string): Promise<void> {
    let ready = this.namespacesReady.get(name);
    if (ready === undefined) {
      // A failure (e.g. an invalid name) is left to the object's own dry run, which then reports it.
      const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
      ready = this.client.post('/api/v1/namespaces', namespace).then(() => undefined, () => undefined);
      this.namespacesReady.set(name, ready);
    }
    return ready;
  }
}

interface StatusBody {
  readonly kind?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly details?: { readonly causes?: ReadonlyArray<{ field?: string; message?: string; reason?: string }> };
}

function verdictOf(status: number, body: unknown, text: string): DryRunVerdict {
  if (status >= 200 && status < 300) return { verdict: 'accept' };
  const statusBody = (typeof body === 'object' && body !== null ? body : {}) as StatusBody;
  if (status === 409 && statusBody.reason === 'AlreadyExists') return { verdict: 'accept', alreadyExists: true };
  const causes = (statusBody.details?.causes ?? []).map((cause) => ({
    ...(cause.field !== undefined && cause.field !== '' ? { field: cause.field } : {}),
    message: cause.message ?? '',
    ...(cause.reason !== undefined ? { reason: cause.reason } : {}),
  }));
  const fields = [...new Set(causes.flatMap((cause) => (cause.field !== undefined ? [cause.field] : [])))];
  return {
    verdict: 'reject',
    reason: statusBody.reason !== undefined && statusBody.reason !== '' ? statusBody.reason : `HTTP${status}`,
    message: statusBody.message ?? text.trim().slice(0, 1000),
    ...(fields.length > 0 ? { fields } : {}),
    ...(causes.length > 0 ? { causes } : {}),
  };
}

/**
 * Dry-runs every object of every target and reports the rejections as problems in the offline validator's format:
 * one per cause the server gives (its field path and message), or one with the server's message. Rule ids are
 * `apiserver/<reason>`, e.g. `apiserver/Invalid`.
 */
export async function dryRunTargets(runner: DryRunner, targets: readonly ValidationTarget[]): Promise<ValidationProblem[]> {
  const subjects = targets.flatMap((target) => target.subjects.map((subject) => ({ target, subject })));
  const verdicts = await runner.dryRun(subjects.map(({ subject }) => subject.manifest));
  return subjects.flatMap(({ target, subject }, index) => problemsOf(target.name, subject.source, subject.manifest, verdicts[index], runner));
}

export function problemsOf(
  target: string, source: string, manifest: Record<string, unknown>, verdict: DryRunVerdict, runner: DryRunner,
): ValidationProblem[] {
  if (verdict.verdict === 'accept') return [];
  const object = labelOf(manifest, runner);
  const rule = `apiserver/${verdict.reason ?? 'Unknown'}`;
  const withMessages = (verdict.causes ?? []).filter((cause) => cause.message !== '');
  if (withMessages.length === 0) return [{ target, source, object, field: '', rule, message: verdict.message ?? '' }];
  return withMessages.map((cause) => ({ target, source, object, field: cause.field ?? '', rule, message: cause.message }));
}

function labelOf(manifest: Record<string, unknown>, runner: DryRunner): string {
  const { group, version } = splitApiVersion(typeof manifest.apiVersion === 'string' ? manifest.apiVersion : '');
  const kind = typeof manifest.kind === 'string' ? manifest.kind : '';
  const metadata = (manifest.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const clusterScoped = runner.isClusterScoped(group, version, kind);
  return describeObject({
    group,
    version,
    kind,
    clusterScoped,
    namespace: clusterScoped || typeof metadata.namespace !== 'string' ? '' : metadata.namespace,
    name: typeof metadata.name === 'string' ? metadata.name : '',
  });
}
