export * from './analysis-metric';
export * from './canary-rollout';
export * from './canary-step';
export * from './canary-traffic-routing';
export * from './flagger-canary';
export * from './linkerd';
export * from './prometheus-analysis-template';
export * from './rollouts-gateway-api-plugin';
