export * from './access-diff';
export * from './traffic-diff';
export * from './render-access-diff';
