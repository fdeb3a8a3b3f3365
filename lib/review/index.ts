export * from './review-report';
export * from './rollout-managed-routes';
