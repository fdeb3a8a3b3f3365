import { IServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IAuthorizationTarget, PolicyReference } from './authentication';
import { Grant, GrantOptions, grantIdentities, grantNetworks, grantPublic, grantServiceAccounts } from './authorization-policy';
import { MeshIdentity } from './mesh-identity';
import { Network } from './network';

/**
 * Something clients are granted access to: a Server (every route on its port) or an inbound route (the requests
 * it matches). Each grant creates an authentication of exactly its clients and an AuthorizationPolicy requiring
 * it; names and construct ids derive from the target and the grantees (`<target>-<grantees>-authz`/`-authn`),
 * so grants to different clients never collide, and the same grant twice returns what the first one created.
 */
export interface IGrantTarget extends IAuthorizationTarget {
  /** Authorizes meshed clients running as these ServiceAccounts: a MeshTLSAuthentication of exactly their identities. */
  grantAccess(serviceAccounts: IServiceAccount[], options?: GrantOptions): Grant;
  /**
   * Authorizes meshed clients with these identities (ServiceAccounts of other namespaces by name, every identity
   * of a namespace, any meshed client): a MeshTLSAuthentication of the identities.
   */
  grantIdentityAccess(identities: MeshIdentity[], options?: GrantOptions): Grant;
  /** Authorizes clients from these networks, meshed or not: a NetworkAuthentication (`<target>-networks-authz`). */
  grantNetworkAccess(networks: Network[], options?: GrantOptions): Grant;
  /**
   * Authorizes every client, meshed or not, from any address: a NetworkAuthentication of 0.0.0.0/0 and ::/0
   * (`<target>-public-authz`/`-authn`). The one way to admit everyone explicitly; an AuthorizationPolicy
   * without authentications is refused.
   */
  grantPublicAccess(options?: GrantOptions): Grant;
}

/**
 * The grant methods of every `IGrantTarget` (Servers, imported Servers, inbound routes), implemented once.
 * A subclass says what an AuthorizationPolicy targets; the grant objects are created as its children.
 */
export abstract class GrantTarget extends Construct implements IGrantTarget {
  public abstract readonly authorizationTargetRef: PolicyReference;
  public abstract readonly namespace: string | undefined;

  public grantAccess(serviceAccounts: IServiceAccount[], options?: GrantOptions): Grant {
    return grantServiceAccounts(this, serviceAccounts, options);
  }

  public grantIdentityAccess(identities: MeshIdentity[], options?: GrantOptions): Grant {
    return grantIdentities(this, identities, options);
  }

  public grantNetworkAccess(networks: Network[], options?: GrantOptions): Grant {
    return grantNetworks(this, networks, options);
  }

  public grantPublicAccess(options?: GrantOptions): Grant {
    return grantPublic(this, options);
  }
}
