export * from './cluster-settings';
export * from './evaluate';
export * from './identities';
export * from './inbound-index';
export * from './model';
export * from './networks';
export * from './route-matching';
export * from './workloads';
