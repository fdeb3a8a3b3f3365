export * from './apply-order';
export * from './file-layout';
export * from './manifest';
export * from './manifest-yaml';
export * from './render-target';
export * from './synthesize';
export * from './validate-rendered';
export * from './write-atomically';
