export * from './access-policy';
export * from './alb-ingress';
export * from './authentication';
// Not the @internal grant helpers, which the grant methods of the authorization targets use.
export { AuthorizationPolicy, AuthorizationTarget } from './authorization-policy';
export type { AuthorizationPolicyProps, Grant, GrantOptions } from './authorization-policy';
export * from './circuit-breaker';
export * from './egress-network';
export * from './external-service-account';
export * from './fault-injection';
export * from './grant-target';
export * from './grpc-route';
export * from './grpc-route-match';
export * from './http-local-rate-limit-policy';
export * from './http-route';
export * from './http-route-filter';
export * from './http-route-match';
// Not the @internal helpers the authentications share (serviceAccountNamespace, meshIdentityDomain).
export { MeshIdentity } from './mesh-identity';
export * from './mesh-tls-authentication';
export * from './meshed-deployment';
export * from './meshed-namespace';
export * from './meshed-service';
export * from './mesh-service';
export * from './network';
export * from './network-authentication';
export * from './probe-authorization';
export * from './proxy-config';
export * from './proxy-protocol';
export * from './retries-and-timeouts';
// Not the @internal parts the route kinds give the shared construction.
export { HttpBackend, RouteBase, RouteParent } from './route-base';
export type { HttpBackendOptions, RouteBaseOptions } from './route-base';
export * from './server';
export * as legacy from './legacy';
