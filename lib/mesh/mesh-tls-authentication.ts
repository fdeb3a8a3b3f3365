import { IServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MeshTlsAuthentication as MeshTlsAuthenticationResource } from '../../imports/linkerd-meshtls-authentication-policy.linkerd.io';
import { IAuthentication, PolicyReference } from './authentication';
import { invalid, validateObjectName } from './validation';

/** The trust domain of a default Linkerd installation. */
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/** Properties of a `MeshTlsAuthentication`. */
export interface MeshTlsAuthenticationProps {
  /**
   * Name of the object.
   * @default - generated from the construct path
   */
  readonly name?: string;
  /** The ServiceAccounts whose meshed pods are authenticated; their namespace must be known. */
  readonly serviceAccounts: IServiceAccount[];
  /**
   * Trust domain of the mesh (`identityTrustDomain` of the Linkerd installation).
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
}

/**
 * A `MeshTLSAuthentication` (policy.linkerd.io/v1alpha1): clients authenticated by mTLS as one
 * of the given ServiceAccounts. Identities are derived from the ServiceAccount objects:
 * `<name>.<namespace>.serviceaccount.identity.linkerd.<trust domain>`.
 */
export class MeshTlsAuthentication extends Construct implements IAuthentication {
  /** The Linkerd proxy identity of a ServiceAccount. */
  public static identityOf(serviceAccount: IServiceAccount, trustDomain: string = DEFAULT_TRUST_DOMAIN): string {
    const { name, namespace } = serviceAccount.toSubjectConfiguration();
    return `${name}.${namespace}.serviceaccount.identity.linkerd.${trustDomain}`;
  }

  public readonly authenticationRef: PolicyReference;
  public readonly namespace: string | undefined;
  /** The identities that are authenticated, in the order given. */
  public readonly identities: readonly string[];

  constructor(scope: Construct, id: string, props: MeshTlsAuthenticationProps) {
    super(scope, id);
    const trustDomain = props.trustDomain ?? DEFAULT_TRUST_DOMAIN;
    validateObjectName(this, 'trustDomain', trustDomain);
    if (props.serviceAccounts.length === 0) {
      throw invalid(this, 'serviceAccounts', [], 'at least one ServiceAccount (an empty list would authenticate nobody)');
    }
    for (const serviceAccount of props.serviceAccounts) {
      if (serviceAccount.toSubjectConfiguration().namespace === undefined) {
        throw invalid(this, 'ServiceAccount', serviceAccount.name,
          'a ServiceAccount whose namespace is known (give it metadata.namespace or put it in a chart with a namespace)');
      }
    }
    this.identities = props.serviceAccounts.map((sa) => MeshTlsAuthentication.identityOf(sa, trustDomain));
    const duplicates = this.identities.filter((identity, index) => this.identities.indexOf(identity) !== index);
    if (duplicates.length > 0) throw invalid(this, 'serviceAccounts', duplicates, 'each ServiceAccount at most once');
    if (props.name !== undefined) validateObjectName(this, 'name', props.name);

    const resource = new MeshTlsAuthenticationResource(this, 'Resource', {
      metadata: { name: props.name },
      spec: { identities: [...this.identities] },
    });
    this.namespace = resource.metadata.namespace;
    this.authenticationRef = { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: resource.name };
  }
}
