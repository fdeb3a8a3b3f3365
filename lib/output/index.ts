export * from './apply-order';
export * from './file-layout';
export { apiGroupOf, objectIdOf } from '../contracts';
export type { Manifest } from '../contracts';
export * from './manifest-yaml';
export * from './render-target';
export * from './synthesize';
export * from './validate-rendered';
export * from './write-atomically';
export * from './exclusive-lock';
export * from './exit-guard';
export * from './user-code';
// For lib/gitops's render (test-only fault points, see fault-injection.ts); not part of lib/index.ts.
export { faultPoint } from './fault-injection';
