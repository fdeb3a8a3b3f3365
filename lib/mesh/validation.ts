import { ApiObjectMetadataDefinition, Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import {
  integerProblem, invalidValueProblem, namespaceNameProblem, objectNameProblem, portNumberProblem, serviceNameProblem,
} from '../common';
import { parseGatewayDuration } from '../validation';

/*
 * The mesh constructs throw at the first invalid prop; the rules and their wording are the
 * shared ones of lib/common/input-validation, so every construct library says the same thing.
 */

/**
 * The error every construct of this library throws for invalid input: it names the
 * construct path, the offending value and what would have been accepted.
 */
export function invalid(scope: IConstruct, what: string, value: unknown, allowed: string): Error {
  return problemError(scope, invalidValueProblem(what, value, allowed));
}

function problemError(scope: IConstruct, problem: string): Error {
  return new Error(`[${scope.node.path}] ${problem}`);
}

function throwIf(scope: IConstruct, problem: string | undefined): void {
  if (problem !== undefined) throw problemError(scope, problem);
}

/** Throws unless `name` is a Kubernetes object name (DNS-1123 subdomain, at most 253 characters). */
export function validateObjectName(scope: IConstruct, what: string, name: string): void {
  throwIf(scope, objectNameProblem(what, name));
}

/** Throws unless `name` is a namespace name (DNS-1123 label, at most 63 characters). */
export function validateNamespaceName(scope: IConstruct, what: string, name: string): void {
  throwIf(scope, namespaceNameProblem(what, name));
}

/** Throws unless `name` is a Service name (DNS-1035 label: it must start with a letter). */
export function validateServiceName(scope: IConstruct, what: string, name: string): void {
  throwIf(scope, serviceNameProblem(what, name));
}

/** Throws unless `value` is an integer in [min, max]. */
export function validateInteger(scope: IConstruct, what: string, value: number, min: number, max: number): void {
  throwIf(scope, integerProblem(what, value, min, max));
}

/** Throws unless `port` is a TCP port number (1..65535). */
export function validatePortNumber(scope: IConstruct, what: string, port: number): void {
  throwIf(scope, portNumberProblem(what, port));
}

const UNITS: ReadonlyArray<readonly [string, number]> = [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];

/**
 * Renders a positive duration in the Gateway API duration format (GEP-2257:
 * `^([0-9]{1,5}(h|m|s|ms)){1,4}$`), which Go's `time.ParseDuration`, Linkerd's
 * annotation parser and the Linkerd HTTPRoute CRD's `format: duration` all accept.
 */
export function gatewayDuration(scope: IConstruct, what: string, duration: Duration): string {
  const millis = duration.toMilliseconds({ integral: false });
  const allowed = 'a whole number of milliseconds, greater than 0 and below 100000h';
  if (!Number.isInteger(millis) || millis <= 0) throw invalid(scope, what, duration, allowed);
  let rest = millis;
  let text = '';
  for (const [unit, size] of UNITS) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0) text += `${amount}${unit}`;
  }
  if (parseGatewayDuration(text) === undefined) throw invalid(scope, what, duration, allowed);
  return text;
}

/** The whole milliseconds of a duration, for comparisons between validated durations. */
export function millisOf(duration: Duration): number {
  return duration.toMilliseconds({ integral: false });
}

/**
 * Adds annotations to another construct's object, refusing to change a key something else already set to another
 * value (the last writer would otherwise win silently, e.g. two RetriesAndTimeouts on one Service).
 */
export function addAnnotationsOnce(
  scope: IConstruct, target: string, metadata: ApiObjectMetadataDefinition, annotations: Record<string, string>,
): void {
  const existing = (metadata.toJson() as { annotations?: Record<string, string> }).annotations ?? {};
  for (const [key, value] of Object.entries(annotations)) {
    const current = existing[key];
    if (current !== undefined && current !== value) {
      throw invalid(scope, `annotation ${key} on ${target}`, value, `the value it already has, "${current}" (set each setting of an object once)`);
    }
  }
  for (const [key, value] of Object.entries(annotations)) metadata.addAnnotation(key, value);
}
