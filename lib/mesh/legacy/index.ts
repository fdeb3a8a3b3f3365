export * from './server-authorization';
export * from './service-profile';
export * from './traffic-split';
