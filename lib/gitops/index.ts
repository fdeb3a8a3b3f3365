export * from './argo-cd-application';
export { isArgoCdIgnoreDifferencesSource } from '../contracts';
export type { ArgoCdIgnoreDifference, IArgoCdIgnoreDifferencesSource } from '../contracts';
export * from './argo-cd-project';
export * from './cli-args';
export * from './diff-render';
export * from './prepare-render';
export * from './publish-render';
export * from './rendered-branch';
export * from './rendered-branch-applications';
export * from './sync-policy';
export * from './rollback';
export * from './environment';
export * from './fleet-applications';
export * from './render-diff-formats';
// For scripts/ (render, diff): the git runner they share with this module; not part of lib/index.ts.
export { git } from './git';
export type { GitOptions } from './git';
