export * from './argo-cd-ignore-difference';
export * from './argo-rollouts-gateway-api-plugin';
export * from './manifest';
