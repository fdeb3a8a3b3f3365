import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { parseGatewayDuration } from '../validation/syntax/durations';
import { dns1123LabelError, dns1123SubdomainError } from '../validation/syntax/names';

/**
 * The error every construct of this library throws for invalid input: it names the
 * construct path, the offending value and what would have been accepted.
 */
export function invalid(scope: IConstruct, what: string, value: unknown, allowed: string): Error {
  return new Error(`[${scope.node.path}] ${what} ${formatValue(value)} is invalid; allowed: ${allowed}`);
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Duration) return `${value.toMilliseconds({ integral: false })}ms`;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  return String(value);
}

/** Throws unless `name` is a Kubernetes object name (DNS-1123 subdomain, at most 253 characters). */
export function validateObjectName(scope: IConstruct, what: string, name: string): void {
  if (dns1123SubdomainError(name) !== undefined) {
    throw invalid(scope, what, name, 'a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", at most 253 characters');
  }
}

/** Throws unless `name` is a DNS-1123 label (at most 63 characters), as namespaces and Service names must be. */
export function validateLabelName(scope: IConstruct, what: string, name: string): void {
  if (dns1123LabelError(name) !== undefined) {
    throw invalid(scope, what, name, 'a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters');
  }
}

/** Throws unless `value` is an integer in [min, max]. */
export function validateInteger(scope: IConstruct, what: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(scope, what, value, `integers ${min}..${max}`);
  }
}

/** Throws unless `port` is a TCP port number (1..65535). */
export function validatePortNumber(scope: IConstruct, what: string, port: number): void {
  validateInteger(scope, what, port, 1, 65535);
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
