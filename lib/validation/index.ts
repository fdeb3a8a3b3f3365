export * from './model';
export * from './format-problem';
export * from './validate-targets';
export * from './load-manifests';
export type { Yaml11Reading } from './load/kubectl-reading';
// For the other areas of lib/ (construct props, envtest): the syntaxes and plain-object helpers the engine owns.
export { describeObject, identify, splitApiVersion } from './object-identity';
export { findPodTemplate } from './pod-templates';
export { asArray, asObject } from './values';
export type { JsonObject } from './values';
export { re2Error } from './syntax/re2';
export { parseGatewayDuration } from './syntax/durations';
export {
  dns1035LabelError, dns1123LabelError, dns1123SubdomainError, ianaServiceNameError, labelValueError, qualifiedNameError,
} from './syntax/names';
export * from './validate-files';
export {
  idleThreads, isValidationWorker, onThreads, planTargets, startWaitingWorker, THREADS_ABOVE_BYTES, THREADS_ABOVE_FILES,
} from './validate-threads';
export type { ThreadOptions } from './validate-threads';
