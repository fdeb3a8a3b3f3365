import { Chart } from 'cdk8s';
import { IServiceAccount, ServiceAccount } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { PropProblems, namespaceNameProblem, objectNameProblem } from '../common';
import { DEFAULT_CLUSTER_SETTINGS, namespaceIdentity, serviceAccountIdentity } from '../policy';

/**
 * A meshed client identity a `MeshTlsAuthentication` accepts, as Linkerd's proxy identity
 * (`<account>.<namespace>.serviceaccount.identity.linkerd.<trust domain>`) or a pattern of them.
 */
export class MeshIdentity {
  /**
   * The pods running as this ServiceAccount: a cdk8s-plus ServiceAccount of a chart with a namespace, or one imported
   * with `ServiceAccount.fromServiceAccountName(scope, id, name, { namespaceName })`.
   */
  public static serviceAccount(serviceAccount: IServiceAccount): MeshIdentity {
    return new MeshIdentity('serviceAccount', serviceAccount.name, undefined, serviceAccount);
  }

  /** The pods running as ServiceAccount `name` of namespace `namespace` (any namespace, rendered elsewhere or not at all). */
  public static serviceAccountIn(name: string, namespace: string): MeshIdentity {
    return new MeshIdentity('serviceAccount', name, namespace, undefined);
  }

  /** Every meshed pod of a namespace, whatever its ServiceAccount (`*.<namespace>.serviceaccount.identity.linkerd.<trust domain>`). */
  public static anyInNamespace(namespace: string): MeshIdentity {
    return new MeshIdentity('namespace', undefined, namespace, undefined);
  }

  /** Every meshed client (`*`): any identity the mesh issued, so mTLS but no particular workload. */
  public static anyMeshed(): MeshIdentity {
    return new MeshIdentity('anyMeshed', undefined, undefined, undefined);
  }

  private constructor(
    private readonly kind: 'serviceAccount' | 'namespace' | 'anyMeshed',
    private readonly name: string | undefined,
    private readonly namespace: string | undefined,
    private readonly serviceAccountObject: IServiceAccount | undefined,
  ) {}

  /**
   * A short name of the grantee, for the names of the objects a grant creates: `<account>`, `<account>.<namespace>`
   * outside `ownNamespace`, `any-in-<namespace>`, `any-meshed`.
   * @internal
   */
  public _key(scope: IConstruct, ownNamespace: string | undefined): string {
    if (this.kind === 'anyMeshed') return 'any-meshed';
    if (this.kind === 'namespace') return `any-in-${this.namespace}`;
    const problems = new PropProblems(scope);
    const namespace = this.serviceAccountNamespace(scope, problems);
    problems.throwIfAny();
    return namespace === ownNamespace ? this.name! : `${this.name}.${namespace}`;
  }

  /**
   * The identity string, validated: its problems are recorded in `problems` when given (the caller throws them with
   * its others), else thrown.
   * @internal
   */
  public _identity(scope: IConstruct, trustDomain: string, problems?: PropProblems): string {
    const collected = problems ?? new PropProblems(scope);
    const identity = this.identityIn(scope, trustDomain, collected);
    if (problems === undefined) collected.throwIfAny();
    return identity;
  }

  private identityIn(scope: IConstruct, trustDomain: string, problems: PropProblems): string {
    if (this.kind === 'anyMeshed') return '*';
    if (this.kind === 'namespace') {
      problems.add(namespaceNameProblem('identity namespace', this.namespace!));
      return namespaceIdentity(this.namespace!, meshIdentityDomain(trustDomain));
    }
    problems.add(objectNameProblem('identity ServiceAccount name', this.name!));
    return serviceAccountIdentity(this.serviceAccountNamespace(scope, problems), this.name!, meshIdentityDomain(trustDomain));
  }

  private serviceAccountNamespace(scope: IConstruct, problems: PropProblems): string {
    if (this.serviceAccountObject === undefined) {
      problems.add(namespaceNameProblem(`namespace of ServiceAccount ${this.name}`, this.namespace!));
      return this.namespace!;
    }
    return serviceAccountNamespace(scope, this.serviceAccountObject, problems);
  }
}

/**
 * The namespace of a ServiceAccount as a mesh identity needs it. A ServiceAccount construct must have one (from its
 * metadata or its chart). cdk8s-plus' `ServiceAccount.fromServiceAccountName` puts an import without `namespaceName` in
 * namespace `default` silently, which would grant a different identity than meant, so such an import is refused unless
 * the construct using it is itself in `default`. The problems are recorded in `problems` when given (the caller throws
 * them with its others; the namespace is then "" when unknown), else thrown.
 */
export function serviceAccountNamespace(scope: IConstruct, serviceAccount: IServiceAccount, problems?: PropProblems): string {
  const collected = problems ?? new PropProblems(scope);
  const namespace = serviceAccountNamespaceIn(scope, serviceAccount, collected);
  if (problems === undefined) collected.throwIfAny();
  return namespace;
}

function serviceAccountNamespaceIn(scope: IConstruct, serviceAccount: IServiceAccount, problems: PropProblems): string {
  const { name, namespace } = serviceAccount.toSubjectConfiguration();
  if (namespace === undefined) {
    problems.invalid('ServiceAccount', name,
      'a ServiceAccount whose namespace is known (give it metadata.namespace or put it in a chart with a namespace)');
  }
  const ownNamespace = findNamespace(scope);
  if (!(serviceAccount instanceof ServiceAccount) && namespace === 'default' && ownNamespace !== 'default') {
    problems.invalid(`namespace of imported ServiceAccount ${name}`, namespace,
      'an import that names its namespace: ServiceAccount.fromServiceAccountName(scope, id, name, { namespaceName }) (without it '
      + 'cdk8s-plus assumes "default"), MeshIdentity.serviceAccountIn(name, namespace), or the ServiceAccount construct itself');
  }
  return namespace ?? '';
}

/** The namespace of the chart a construct is in, if any. */
function findNamespace(scope: IConstruct): string | undefined {
  try {
    return Chart.of(scope).namespace;
  } catch {
    return undefined;
  }
}

/**
 * The identity domain of a mesh with this trust domain, the control plane in Linkerd's default namespace: identity strings
 * are written by lib/policy's functions only, so the constructs render what the evaluator and the report match.
 * @internal
 */
export function meshIdentityDomain(trustDomain: string): { trustDomain: string; controlPlaneNamespace: string } {
  return { trustDomain, controlPlaneNamespace: DEFAULT_CLUSTER_SETTINGS.controlPlaneNamespace };
}
