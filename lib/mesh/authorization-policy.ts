import { ApiObjectMetadata } from 'cdk8s';
import { IServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AuthorizationPolicy as AuthorizationPolicyResource } from '../../imports/linkerd-authorization-policy-policy.linkerd.io';
import { PropProblems, invalidValueProblem, namespaceNameProblem, objectNameProblem, throwIfProblems } from '../common';
import { IAuthentication, IAuthorizationTarget, PolicyReference } from './authentication';
import { MeshIdentity } from './mesh-identity';
import { MeshTlsAuthentication } from './mesh-tls-authentication';
import { Network } from './network';
import { NetworkAuthentication } from './network-authentication';

/** Targets that are not constructs of this library. */
export class AuthorizationTarget {
  /**
   * Every Server in a namespace: the policy must be in that namespace.
   */
  public static namespace(scope: Construct, name: string): IAuthorizationTarget {
    throwIfProblems(scope, [namespaceNameProblem('target namespace', name)]);
    return new NamespaceTarget(scope, `Namespace-${name}`, name);
  }

  private constructor() {}
}

class NamespaceTarget extends Construct implements IAuthorizationTarget {
  public readonly authorizationTargetRef: PolicyReference;

  constructor(scope: Construct, id: string, public readonly namespace: string) {
    super(scope, id);
    this.authorizationTargetRef = { group: '', kind: 'Namespace', name: namespace };
  }
}

/** Properties of an `AuthorizationPolicy`. */
export interface AuthorizationPolicyProps {
  /**
   * Metadata of the object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /** What the policy authorizes access to: a Server, an inbound HTTPRoute or a namespace. */
  readonly target: IAuthorizationTarget;
  /** What a client must satisfy, all of them: at least one authentication. */
  readonly requiredAuthentications: IAuthentication[];
}

/**
 * An `AuthorizationPolicy` (policy.linkerd.io/v1alpha1): access to the target is granted to
 * clients that satisfy every required authentication.
 */
export class AuthorizationPolicy extends Construct {
  /** Name of the object. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: AuthorizationPolicyProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    if (props.requiredAuthentications.length === 0) {
      // An empty requiredAuthenticationRefs authorizes every client, even unauthenticated ones: never by accident.
      problems.invalid('requiredAuthentications', [],
        'at least one MeshTlsAuthentication or NetworkAuthentication (an empty list would authorize everyone; to admit '
        + 'every client on purpose, call grantPublicAccess() on the Server or route)');
    }
    const resource = new AuthorizationPolicyResource(this, 'Resource', {
      metadata: { ...props.metadata },
      spec: {
        targetRef: { ...props.target.authorizationTargetRef },
        requiredAuthenticationRefs: props.requiredAuthentications.map((a) => ({ ...a.authenticationRef })),
      },
    });
    this.name = resource.name;
    const namespace = resource.metadata.namespace;
    if (props.target.namespace !== namespace) {
      problems.invalid('target namespace', props.target.namespace ?? '(none)', `the policy's own namespace ${namespace ?? '(none)'}`);
    }
    for (const authentication of props.requiredAuthentications) {
      if (authentication.namespace !== namespace) {
        problems.invalid(`namespace of ${authentication.authenticationRef.kind} ${authentication.authenticationRef.name}`,
          authentication.namespace ?? '(none)', `the policy's own namespace ${namespace ?? '(none)'}`);
      }
    }
    problems.throwIfAny();
  }
}

/** Names of the objects a grant creates. */
export interface GrantOptions {
  /**
   * Name of the AuthorizationPolicy.
   * @default `<target name>-<grantees>-authz`: each ServiceAccount's name (`.<namespace>` when it is another namespace's),
   * each identity's (`any-in-<namespace>`, `any-meshed`), `networks` or `public`, joined by `-`
   */
  readonly policyName?: string;
  /**
   * Name of the MeshTLSAuthentication or NetworkAuthentication.
   * @default `<target name>-<grantees>-authn`, the grantees as in `policyName`
   */
  readonly authenticationName?: string;
  /**
   * Trust domain of the mesh, for ServiceAccount identities.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
}

/** What a grant created. */
export interface Grant {
  readonly policy: AuthorizationPolicy;
  readonly authentication: IAuthentication;
}

/** What one grant is: the kind and the clients it admits, its trust domain and the names of its objects. */
interface GrantRecord {
  readonly grantees: string;
  readonly authenticationName: string;
  readonly grant: Grant;
}

/** The grants made on each target, by policy name, so that the same grant twice returns the first one. */
const GRANTS = new WeakMap<IAuthorizationTarget, Map<string, GrantRecord>>();

/**
 * Makes a grant once: the construct ids are `Grant-<policy name>` and `Grant-<authentication name>`, and the
 * default names derive from the target and the grantees, so each set of clients gets its own objects. The
 * same grant again returns what the first one created; another grant under the same names is refused.
 */
function grantOnce(
  target: IAuthorizationTarget, grantees: string, options: GrantOptions, defaults: { policyName: string; authenticationName: string },
  authenticate: (id: string, name: string) => IAuthentication,
): Grant {
  const names = { policy: options.policyName ?? defaults.policyName, authentication: options.authenticationName ?? defaults.authenticationName };
  const grants = GRANTS.get(target) ?? new Map<string, GrantRecord>();
  GRANTS.set(target, grants);
  const previous = grants.get(names.policy);
  if (previous !== undefined && previous.grantees === grantees && previous.authenticationName === names.authentication) return previous.grant;
  for (const name of [names.authentication, names.policy]) {
    if (target.node.tryFindChild(`Grant-${name}`) !== undefined) {
      throwIfProblems(target, [invalidValueProblem('grant object name', name, 'a name no other grant on this target uses: grant every client '
        + 'in one call, or give this grant its own policyName and authenticationName')]);
    }
  }
  const authentication = authenticate(`Grant-${names.authentication}`, names.authentication);
  const policy = new AuthorizationPolicy(target, `Grant-${names.policy}`, { metadata: { name: names.policy }, target,
    requiredAuthentications: [authentication] });
  const grant = { policy, authentication };
  grants.set(names.policy, { grantees, authenticationName: names.authentication, grant });
  return grant;
}

/**
 * Creates the least-privilege pair for `target`: an authentication of exactly these clients and
 * a policy authorizing it. Used by the `grantAccess` methods of `GrantTarget`.
 * @internal
 */
export function grantServiceAccounts(target: IAuthorizationTarget, serviceAccounts: IServiceAccount[], options: GrantOptions = {}): Grant {
  requireGrantees(target, 'ServiceAccounts', serviceAccounts);
  const keys = serviceAccounts.map((sa) => serviceAccountKey(target, sa));
  const subjects = serviceAccounts.map((sa) => JSON.stringify(sa.toSubjectConfiguration()));
  const grantees = `serviceAccounts:${subjects.join(',')}:${options.trustDomain ?? ''}`;
  return grantOnce(target, grantees, options, granteeNames(target, keys), (id, name) => new MeshTlsAuthentication(target, id, {
    metadata: { name }, serviceAccounts, trustDomain: options.trustDomain,
  }));
}

/**
 * Like `grantServiceAccounts`, for identities: other namespaces' ServiceAccounts by name, a whole namespace, any meshed client.
 * @internal
 */
export function grantIdentities(target: IAuthorizationTarget, identities: MeshIdentity[], options: GrantOptions = {}): Grant {
  requireGrantees(target, 'identities', identities);
  const keys = identities.map((identity) => identity._key(target, target.namespace));
  const grantees = `identities:${keys.join(',')}:${options.trustDomain ?? ''}`;
  return grantOnce(target, grantees, options, granteeNames(target, keys), (id, name) => new MeshTlsAuthentication(target, id, {
    metadata: { name }, identities, trustDomain: options.trustDomain,
  }));
}

/**
 * Like `grantServiceAccounts`, for clients identified by their network (unmeshed clients).
 * @internal
 */
export function grantNetworks(target: IAuthorizationTarget, networks: Network[], options: GrantOptions = {}): Grant {
  return grantNetworksAs(target, 'networks', networks, options);
}

function grantNetworksAs(target: IAuthorizationTarget, key: string, networks: Network[], options: GrantOptions): Grant {
  requireGrantees(target, 'networks', networks);
  const grantees = `networks:${JSON.stringify(networks.map((n) => [n.cidr, n.except]))}`;
  return grantOnce(target, grantees, options, granteeNames(target, [key]), (id, name) => new NetworkAuthentication(target, id,
    { metadata: { name }, networks }));
}

/** The two networks of every address, as Linkerd's `all-unauthenticated` default policy authorizes them. */
const EVERY_NETWORK: readonly Network[] = [Network.anyIpv4(), Network.anyIpv6()];

/**
 * Authorizes every client, meshed or not, from any address: a NetworkAuthentication of 0.0.0.0/0 and ::/0 (what Linkerd
 * documents for "allow everyone") and an AuthorizationPolicy requiring it, so the policy says so explicitly instead of
 * relying on an empty requiredAuthenticationRefs. Used by `grantPublicAccess` of Server, HttpRoute and GrpcRoute.
 * @internal
 */
export function grantPublic(target: IAuthorizationTarget, options: GrantOptions = {}): Grant {
  return grantNetworksAs(target, 'public', [...EVERY_NETWORK], options);
}

/** Refuses a grant to nobody: it would create an authentication that matches no client, or be mistaken for "everyone". */
function requireGrantees(target: IAuthorizationTarget, what: string, grantees: readonly unknown[]): void {
  if (grantees.length === 0) {
    throwIfProblems(target, [invalidValueProblem(`grant ${what}`, [],
      `one or more ${what} (to admit every client on purpose, call grantPublicAccess())`)]);
  }
}

/**
 * Names of a grant derived from its target and grantees (`<target>-<grantee>[-<grantee>…]-authz`
 * and `-authn`), so that each set of grantees of one target gets its own objects and construct ids.
 */
function granteeNames(target: IAuthorizationTarget, grantees: readonly string[]): { policyName: string; authenticationName: string } {
  const base = `${target.authorizationTargetRef.name}-${grantees.join('-')}`;
  return { policyName: `${base}-authz`, authenticationName: `${base}-authn` };
}

/** The grantee key of a ServiceAccount: its name, with `.<namespace>` when it is not the target's. */
function serviceAccountKey(target: IAuthorizationTarget, serviceAccount: IServiceAccount): string {
  const { name, namespace } = serviceAccount.toSubjectConfiguration();
  return namespace === undefined || namespace === target.namespace ? name : `${name}.${namespace}`;
}
