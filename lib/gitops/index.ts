export * from './argo-cd-application';
export * from './argo-cd-project';
export * from './rendered-branch-applications';
export * from './rollout-managed-routes';
export * from './sync-policy';
