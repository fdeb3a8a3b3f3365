export * from './controller-values';
export * from './linkerd-control-plane-values';
export * from './linkerd-identity';
export * from './platform-application';
export * from './platform-source';
