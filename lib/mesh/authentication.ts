import { IConstruct } from 'constructs';

/** A reference to a policy.linkerd.io object, as `targetRef` and `requiredAuthenticationRefs` spell it. */
export interface PolicyReference {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
}

/** Something an AuthorizationPolicy can require of its clients: a MeshTLSAuthentication or a NetworkAuthentication. */
export interface IAuthentication extends IConstruct {
  /** The reference an AuthorizationPolicy's `requiredAuthenticationRefs` uses. */
  readonly authenticationRef: PolicyReference;
  /** Namespace of the authentication object. */
  readonly namespace: string | undefined;
}

/** Something an AuthorizationPolicy can apply to: a Server, an inbound HTTPRoute, or a namespace. */
export interface IAuthorizationTarget extends IConstruct {
  /** The reference an AuthorizationPolicy's `targetRef` uses. */
  readonly authorizationTargetRef: PolicyReference;
  /** Namespace the target is in (the namespace itself for a namespace target). */
  readonly namespace: string | undefined;
}
