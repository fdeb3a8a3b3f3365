export * from './model';
export * from './format-problem';
export * from './validate-targets';
export * from './load-manifests';
export * from './validate-files';
