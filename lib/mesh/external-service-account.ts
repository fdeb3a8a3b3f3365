import { Chart } from 'cdk8s';
import { IServiceAccount, ServiceAccount } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { PropProblems, namespaceNameProblem, objectNameProblem } from '../common';
import { MeshIdentity } from './mesh-identity';

/**
 * A ServiceAccount that exists in the cluster but is not rendered by this chart's target (another target's, a Helm
 * release's, the platform's), declared so that authorizations may name it.
 *
 * The validator refuses a MeshTLSAuthentication identity naming a ServiceAccount that a namespace of the target does
 * not have (a typo authorizes nobody); a declaration tells it the account exists elsewhere. The synthesis pipeline
 * (lib/output) collects the declarations of each chart, by their `declaredExternalServiceAccount`, and validates that
 * chart's target with them.
 *
 *   const prometheus = ExternalServiceAccount.declare(chart, 'booksapp', 'prometheus');
 *   server.grantAccess([prometheus.serviceAccount]);
 */
export class ExternalServiceAccount extends Construct {
  /**
   * Declares ServiceAccount `name` of namespace `namespace` external to the target of the chart `scope` is in. The
   * declaration is a child of that chart (id `External-<namespace>.<name>`); declaring the same account again returns it.
   */
  public static declare(scope: IConstruct, namespace: string, name: string): ExternalServiceAccount {
    const problems = new PropProblems(scope);
    let chart: Chart | undefined;
    try {
      chart = Chart.of(scope);
    } catch {
      problems.invalid('scope of external ServiceAccount', `${namespace}/${name}`,
        'a construct inside a Chart (the render target it is declared for)');
    }
    problems.add(namespaceNameProblem('external ServiceAccount namespace', namespace));
    problems.add(objectNameProblem('external ServiceAccount name', name));
    problems.throwIfAny();
    if (chart === undefined) throw new Error('unreachable: Chart.of failed without a recorded problem');
    // A namespace has no dots, so `<namespace>.<name>` names one account.
    const id = `External-${namespace}.${name}`;
    const existing = chart.node.tryFindChild(id);
    if (existing instanceof ExternalServiceAccount) return existing;
    return new ExternalServiceAccount(chart, id, namespace, name);
  }

  /** Name of the ServiceAccount. */
  public readonly name: string;
  /** Namespace of the ServiceAccount. */
  public readonly namespace: string;
  /** `<namespace>/<name>`: what the synthesis pipeline reads (by this property's name) to validate the chart's target. */
  public readonly declaredExternalServiceAccount: string;
  /** The ServiceAccount, with its namespace, for `grantAccess` and `MeshTlsAuthentication.serviceAccounts`. */
  public readonly serviceAccount: IServiceAccount;
  /** Its mesh identity, for `grantIdentityAccess` and `MeshTlsAuthentication.identities`. */
  public readonly identity: MeshIdentity;

  private constructor(scope: Construct, id: string, namespace: string, name: string) {
    super(scope, id);
    this.name = name;
    this.namespace = namespace;
    this.declaredExternalServiceAccount = `${namespace}/${name}`;
    this.serviceAccount = ServiceAccount.fromServiceAccountName(this, 'Imported', name, { namespaceName: namespace });
    this.identity = MeshIdentity.serviceAccountIn(name, namespace);
  }
}
