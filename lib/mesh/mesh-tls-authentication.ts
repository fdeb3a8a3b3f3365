import { ApiObjectMetadata } from 'cdk8s';
import { IServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MeshTlsAuthentication as MeshTlsAuthenticationResource } from '../../imports/linkerd-meshtls-authentication-policy.linkerd.io';
import { PropProblems, objectNameProblem } from '../common';
import { serviceAccountIdentity } from '../policy';
import { IAuthentication, PolicyReference } from './authentication';
import { MeshIdentity, meshIdentityDomain, serviceAccountNamespace } from './mesh-identity';

/** The trust domain of a default Linkerd installation. */
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/** Properties of a `MeshTlsAuthentication`. */
export interface MeshTlsAuthenticationProps {
  /**
   * Metadata of the object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * The ServiceAccounts whose meshed pods are authenticated; their namespace must be known.
   * @default - none; then `identities` must name at least one identity
   */
  readonly serviceAccounts?: IServiceAccount[];
  /**
   * More identities: ServiceAccounts of other namespaces by name, every identity of a namespace, any meshed client.
   * @default - none; then `serviceAccounts` must name at least one ServiceAccount
   */
  readonly identities?: MeshIdentity[];
  /**
   * Trust domain of the mesh (`identityTrustDomain` of the Linkerd installation).
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
}

/**
 * A `MeshTLSAuthentication` (policy.linkerd.io/v1alpha1): clients authenticated by mTLS as one
 * of the given ServiceAccounts or identities. Identities are derived from the ServiceAccount objects:
 * `<name>.<namespace>.serviceaccount.identity.linkerd.<trust domain>`; `MeshIdentity` adds a namespace's
 * every identity (`*.<namespace>.serviceaccount.identity.linkerd.<trust domain>`) and any meshed client (`*`).
 */
export class MeshTlsAuthentication extends Construct implements IAuthentication {
  /**
   * The Linkerd proxy identity of a ServiceAccount. With a `scope`, the ServiceAccount's namespace is checked as
   * `MeshIdentity.serviceAccount` checks it (known; an import names it).
   */
  public static identityOf(serviceAccount: IServiceAccount, trustDomain: string = DEFAULT_TRUST_DOMAIN, scope?: Construct): string {
    const { name, namespace } = serviceAccount.toSubjectConfiguration();
    const resolved = scope === undefined ? namespace : serviceAccountNamespace(scope, serviceAccount);
    return serviceAccountIdentity(String(resolved), name, meshIdentityDomain(trustDomain));
  }

  public readonly authenticationRef: PolicyReference;
  public readonly namespace: string | undefined;
  /** The identities that are authenticated, in the order given. */
  public readonly identities: readonly string[];

  constructor(scope: Construct, id: string, props: MeshTlsAuthenticationProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    const trustDomain = props.trustDomain ?? DEFAULT_TRUST_DOMAIN;
    problems.add(objectNameProblem('trustDomain', trustDomain));
    const serviceAccounts = props.serviceAccounts ?? [];
    const identities = props.identities ?? [];
    if (serviceAccounts.length === 0 && identities.length === 0) {
      problems.invalid('serviceAccounts and identities', [], 'at least one ServiceAccount or identity (an empty list would authenticate nobody)');
    }
    this.identities = [
      ...serviceAccounts.map((sa) => MeshTlsAuthentication.identityOf(sa, trustDomain, this)),
      ...identities.map((identity) => identity._identity(this, trustDomain, problems)),
    ];
    const duplicates = this.identities.filter((identity, index) => this.identities.indexOf(identity) !== index);
    if (duplicates.length > 0) problems.invalid('identities', duplicates, 'each identity at most once');
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    problems.throwIfAny();

    const resource = new MeshTlsAuthenticationResource(this, 'Resource', {
      metadata: { ...props.metadata },
      spec: { identities: [...this.identities] },
    });
    this.namespace = resource.metadata.namespace;
    this.authenticationRef = { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: resource.name };
  }
}
