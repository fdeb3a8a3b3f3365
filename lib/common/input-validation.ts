import { ApiObjectMetadata, Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import {
  dns1035LabelError, dns1123LabelError, dns1123SubdomainError, labelValueError, qualifiedNameError,
} from '../validation';

/*
 * The one validation mechanism of construct props, for every construct library of lib/. A
 * constructor collects every problem of its props in a `PropProblems` and throws once, so a user
 * fixes all of them in one round: one error, one line per problem, each
 * `[<construct path>] <what> <value> is invalid; allowed: <what is allowed>`.
 * The checks below return such a problem text (or nothing). Name syntaxes come from
 * lib/validation (the port of k8s.io/apimachinery's validation), the same rules the rendered
 * objects are validated against.
 */

/**
 * The metadata of an object whose name a construct requires: cdk8s' `ApiObjectMetadata` (what cdk8s-plus constructs
 * take as `metadata`) with `name` set.
 */
export interface NamedObjectMetadata extends ApiObjectMetadata {
  /** Name of the object. */
  readonly name: string;
}

/** The problems found in the props of one construct (or of one method call on it), thrown together. */
export class PropProblems {
  private readonly found: string[] = [];

  private readonly path: string;

  /** @param scope the construct whose path prefixes every problem, or that path (for values checked before it exists) */
  constructor(scope: IConstruct | string) {
    this.path = typeof scope === 'string' ? scope : scope.node.path;
  }

  /** Records problem texts; `undefined` stands for a check that passed. Returns whether any was recorded. */
  public add(...problems: readonly (string | undefined)[]): boolean {
    const found = problems.filter((p): p is string => p !== undefined);
    this.found.push(...found);
    return found.length > 0;
  }

  /** Records `<what> <value> is invalid; allowed: <allowed>`. */
  public invalid(what: string, value: unknown, allowed: string): void {
    this.found.push(invalidValueProblem(what, value, allowed));
  }

  /** Records `<what> <value> is invalid; allowed: <allowed>` and throws: for a problem after which nothing else can be checked. */
  public fail(what: string, value: unknown, allowed: string): never {
    this.invalid(what, value, allowed);
    throw this.error(this.fail);
  }

  /** Whether any problem was recorded. */
  public get any(): boolean {
    return this.found.length > 0;
  }

  /** Throws one error listing every recorded problem, one per line, each prefixed with the construct path. */
  public throwIfAny(): void {
    this.throwIfAnyFrom(this.throwIfAny);
  }

  /** `throwIfAny` for helpers that throw on behalf of a construct: the error's stack starts at the caller of `caller`. */
  public throwIfAnyFrom(caller: (...args: never[]) => unknown): void {
    if (this.found.length > 0) throw this.error(caller);
  }

  /** The error, its stack starting at the construct that validates (the frames of this module left out). */
  private error(caller: (...args: never[]) => unknown): Error {
    const error = new Error(this.found.map((p) => `[${this.path}] ${p}`).join('\n'));
    Error.captureStackTrace(error, caller);
    return error;
  }
}

/** Throws every problem found in one error, each prefixed with the construct path (a `PropProblems` in one call). */
export function throwIfProblems(scope: IConstruct | string, problems: readonly (string | undefined)[]): void {
  const collected = new PropProblems(scope);
  collected.add(...problems);
  collected.throwIfAnyFrom(throwIfProblems);
}

/** The problem text for a bad value: `<what> <value> is invalid; allowed: <allowed>`. */
export function invalidValueProblem(what: string, value: unknown, allowed: string): string {
  return `${what} ${formatValue(value)} is invalid; allowed: ${allowed}`;
}

/** A value as error messages show it: strings quoted, durations in milliseconds, lists bracketed. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Duration) return `${value.toMilliseconds({ integral: false })}ms`;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  return String(value);
}

/** An object name: a DNS-1123 subdomain, at most 253 characters. */
export function objectNameProblem(what: string, name: string): string | undefined {
  return dns1123SubdomainError(name) === undefined ? undefined : invalidValueProblem(what, name,
    'a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters)');
}

/** A namespace name: a DNS-1123 label, at most 63 characters. */
export function namespaceNameProblem(what: string, name: string): string | undefined {
  return dns1123LabelError(name) === undefined ? undefined : invalidValueProblem(what, name,
    'a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)');
}

/** A Service name: a DNS-1035 label (RFC 1035), at most 63 characters. */
export function serviceNameProblem(what: string, name: string): string | undefined {
  return dns1035LabelError(name) === undefined ? undefined : invalidValueProblem(what, name,
    'a DNS-1035 label (lowercase letters, digits and "-", starting with a letter, ending with a letter or digit, at most 63 characters)');
}

/** Label keys and values as Kubernetes accepts them. */
export function labelProblems(what: string, labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels).flatMap(([key, value]) => [
    qualifiedNameError(key) === undefined ? undefined : invalidValueProblem(`${what} key`, key,
      'an optional DNS subdomain prefix and "/", then a name of at most 63 alphanumerics, "-", "_" or ".", '
      + 'starting and ending with an alphanumeric'),
    labelValueError(value) === undefined ? undefined : `${what} value ${formatValue(value)} of ${formatValue(key)} is invalid; `
      + 'allowed: empty, or at most 63 alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric',
  ].filter((p): p is string => p !== undefined));
}

/** An integer in `min..max` (no upper bound when `max` is omitted). */
export function integerProblem(what: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): string | undefined {
  if (Number.isInteger(value) && value >= min && value <= max) return undefined;
  return invalidValueProblem(what, value, max === Number.MAX_SAFE_INTEGER ? `integers >= ${min}` : `integers ${min}..${max}`);
}

/** A TCP port number. */
export function portNumberProblem(what: string, port: number): string | undefined {
  return integerProblem(what, port, 1, 65535);
}

/** A duration in whole seconds, at least one second; `undefined` when it is not one. */
export function wholeSeconds(duration: Duration): number | undefined {
  const seconds = duration.toMilliseconds({ integral: false }) / 1000;
  return Number.isInteger(seconds) && seconds >= 1 ? seconds : undefined;
}

/** A duration that {@link goDuration} can render: whole seconds, at least 1s. */
export function durationProblem(what: string, duration: Duration): string | undefined {
  return wholeSeconds(duration) !== undefined ? undefined
    : invalidValueProblem(what, duration, 'a whole number of seconds, at least 1s');
}

/**
 * A Go duration string ("10s", "1m", "2h") in the largest unit that keeps it whole, as
 * Argo Rollouts and Argo CD parse it (`time.ParseDuration`); `largestUnit: 'm'` for Flagger,
 * whose pattern has no hours. The duration must pass {@link durationProblem}.
 */
export function goDuration(duration: Duration, largestUnit: 'h' | 'm' = 'h'): string {
  const seconds = wholeSeconds(duration);
  if (seconds === undefined) throw new Error(durationProblem('duration', duration));
  if (largestUnit === 'h' && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
