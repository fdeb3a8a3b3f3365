export * from './input-validation';
