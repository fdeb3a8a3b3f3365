export * from './api-client';
export * from './discovery';
export * from './dry-run';
export * from './start-envtest';
export { crdsUsedBy, installCrds, readCrds } from './crds';
export type { CrdToInstall } from './crds';
export * from './corpus';
export * from './kubeconfig';
