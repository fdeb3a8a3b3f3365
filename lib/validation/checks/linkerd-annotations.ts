import { fieldPath } from '../field-path';
import { GO_DURATION_SYNTAX, parseGoDuration } from '../syntax/durations';
import { isQuantity, QUANTITY_SYNTAX } from '../syntax/quantity';
import { asObject, isObject } from '../values';
import { ACCESS_POLICIES } from './linkerd-policies';
import { TargetCheck } from './target-check';

const GRPC_STATUSES = [
  'ok', 'cancelled', 'unknown', 'invalid-argument', 'deadline-exceeded', 'not-found', 'already-exists', 'permission-denied',
  'resource-exhausted', 'failed-precondition', 'aborted', 'out-of-range', 'unimplemented', 'internal', 'unavailable', 'data-loss', 'unauthenticated',
];
const HTTP_STATUS_ITEM = /^(?:[1-5]xx|[1-5][0-9]{2}(?:-[1-5][0-9]{2})?|gateway-error)$/;
const BALANCER = 'balancer.linkerd.io/failure-accrual';

type AnnotationRule = (value: string, annotations: Record<string, unknown>) => string | undefined;

const oneOf = (allowed: readonly string[]): AnnotationRule => (value) => (allowed.includes(value) ? undefined : `allowed: ${allowed.join(', ')}`);
const duration: AnnotationRule = (value) => (parseGoDuration(value) !== undefined ? undefined : `allowed: ${GO_DURATION_SYNTAX}`);
const positiveDuration: AnnotationRule = (value) => ((parseGoDuration(value) ?? 0) > 0 ? undefined : `allowed: a non-zero ${GO_DURATION_SYNTAX}`);
const quantity: AnnotationRule = (value) => (isQuantity(value) ? undefined : `allowed: ${QUANTITY_SYNTAX}`);
const portList: AnnotationRule = (value) => {
  const valid = value.split(',').every((item) => {
    const range = /^\s*([0-9]+)(?:-([0-9]+))?\s*$/.exec(item);
    if (!range) return false;
    const low = Number(range[1]);
    const high = range[2] === undefined ? low : Number(range[2]);
    return low >= 1 && high <= 65535 && low <= high;
  });
  return valid ? undefined : 'allowed: a comma-separated list of ports or ranges within 1..65535, e.g. 25,443,4000-5000';
};

/** Linkerd's proxy-injector and destination controller annotation values, by annotation key. */
const RULES: Record<string, AnnotationRule> = {
  'linkerd.io/inject': oneOf(['enabled', 'disabled', 'ingress']),
  'config.linkerd.io/opaque-ports': portList,
  'config.linkerd.io/skip-inbound-ports': portList,
  'config.linkerd.io/skip-outbound-ports': portList,
  'config.linkerd.io/proxy-cpu-request': quantity,
  'config.linkerd.io/proxy-cpu-limit': quantity,
  'config.linkerd.io/proxy-memory-request': quantity,
  'config.linkerd.io/proxy-memory-limit': quantity,
  'config.linkerd.io/default-inbound-policy': oneOf(ACCESS_POLICIES),
  'config.linkerd.io/proxy-await': oneOf(['enabled', 'disabled']),
  [BALANCER]: oneOf(['consecutive']),
  [`${BALANCER}-consecutive-max-failures`]: (value) => (/^[0-9]+$/.test(value) && Number(value) >= 1 ? undefined : 'allowed: an integer ≥ 1'),
  [`${BALANCER}-consecutive-min-penalty`]: positiveDuration,
  [`${BALANCER}-consecutive-max-penalty`]: (value, annotations) => {
    const max = parseGoDuration(value);
    if (max === undefined || max <= 0) return `allowed: a non-zero ${GO_DURATION_SYNTAX}`;
    const minText = annotations[`${BALANCER}-consecutive-min-penalty`];
    const min = typeof minText === 'string' ? parseGoDuration(minText) : undefined;
    return min !== undefined && min > max ? `allowed: a penalty ≥ the min-penalty ${minText}` : undefined;
  },
  [`${BALANCER}-consecutive-jitter-ratio`]: (value) => (/^[0-9]+(\.[0-9]+)?$/.test(value) && Number(value) <= 100 ? undefined : 'allowed: a number 0.0..100.0'),
  'retry.linkerd.io/http': (value) => (value.split(',').every((item) => HTTP_STATUS_ITEM.test(item.trim())) ? undefined
    : 'allowed: a comma-separated list of status codes (500), ranges (500-504), classes (5xx) or gateway-error'),
  'retry.linkerd.io/grpc': (value) => (value.split(',').every((item) => GRPC_STATUSES.includes(item.trim())) ? undefined
    : `allowed: a comma-separated list of ${GRPC_STATUSES.join(', ')}`),
  'retry.linkerd.io/limit': (value) => (/^[0-9]+$/.test(value) ? undefined : 'allowed: a non-negative integer'),
  'retry.linkerd.io/timeout': duration,
  'timeout.linkerd.io/request': duration,
  'timeout.linkerd.io/response': duration,
  'timeout.linkerd.io/idle': duration,
};

/** Linkerd annotations on any object or pod template must hold values Linkerd understands; otherwise Linkerd ignores them or rejects the pod. */
export const checkLinkerdAnnotations: TargetCheck = (index, report) => {
  for (const object of index.objects) {
    const places: Array<[unknown, string]> = [[asObject(object.manifest.metadata)?.annotations, 'metadata.annotations']];
    const template = object.podTemplate;
    if (template && template.path !== '') places.push([template.metadata.annotations, fieldPath(template.path, 'metadata', 'annotations')]);
    for (const [annotations, path] of places) {
      if (!isObject(annotations)) continue;
      for (const [key, value] of Object.entries(annotations)) {
        const rule = RULES[key];
        if (!rule || typeof value !== 'string') continue;
        const allowed = rule(value, annotations);
        if (allowed) report(object, fieldPath(path, key), 'semantic/linkerd-annotation', `"${value}" is not a valid ${key}; ${allowed}`);
      }
    }
  }
};
