import { Duration } from 'cdk8s';

/*
 * Checks shared by the delivery constructs. Each returns a problem text (or nothing) that names
 * the bad value and what is allowed; the construct prefixes its path and throws.
 */

/** A Service name: a DNS-1035 label (RFC 1035), at most 63 characters. */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** An object name: a DNS-1123 subdomain, at most 253 characters. */
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Throws every problem found, each prefixed with the construct path. */
export function throwIfProblems(path: string, problems: readonly (string | undefined)[]): void {
  const found = problems.filter((p): p is string => p !== undefined);
  if (found.length > 0) throw new Error(found.map((p) => `[${path}] ${p}`).join('\n'));
}

export function serviceNameProblem(what: string, name: string): string | undefined {
  if (name.length <= 63 && DNS_1035_LABEL.test(name)) return undefined;
  return `${what} "${name}" is invalid; allowed: a DNS-1035 label (lowercase letters, digits and "-", `
    + 'starting with a letter, ending with a letter or digit, at most 63 characters)';
}

export function objectNameProblem(what: string, name: string): string | undefined {
  if (name.length <= 253 && DNS_1123_SUBDOMAIN.test(name)) return undefined;
  return `${what} "${name}" is invalid; allowed: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", `
    + 'starting and ending with a letter or digit, at most 253 characters)';
}

export function integerProblem(what: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): string | undefined {
  if (Number.isInteger(value) && value >= min && value <= max) return undefined;
  const range = max === Number.MAX_SAFE_INTEGER ? `integers >= ${min}` : `integers ${min}..${max}`;
  return `${what} ${value} is invalid; allowed: ${range}`;
}

export function labelProblems(what: string, labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels).flatMap(([key, value]) => {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    const problems: string[] = [];
    if ((prefix !== undefined && (prefix.length > 253 || !DNS_1123_SUBDOMAIN.test(prefix)))
      || name.length > 63 || !LABEL_NAME.test(name)) {
      problems.push(`${what} key "${key}" is invalid; allowed: an optional DNS subdomain prefix and "/", then a name `
        + 'of at most 63 alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric');
    }
    if (value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
      problems.push(`${what} value "${value}" of "${key}" is invalid; allowed: empty, or at most 63 alphanumerics, `
        + '"-", "_" or ".", starting and ending with an alphanumeric');
    }
    return problems;
  });
}

/** A duration in whole seconds, at least one second; `undefined` when it is not one. */
export function wholeSeconds(duration: Duration): number | undefined {
  const seconds = duration.toMilliseconds({ integral: false }) / 1000;
  return Number.isInteger(seconds) && seconds >= 1 ? seconds : undefined;
}

export function durationProblem(what: string, duration: Duration): string | undefined {
  if (wholeSeconds(duration) !== undefined) return undefined;
  return `${what} ${duration.toMilliseconds({ integral: false })}ms is invalid; allowed: a whole number of seconds, at least 1s`;
}

/**
 * A Go duration string ("10s", "1m", "2h") in the largest unit that keeps it whole,
 * as Argo Rollouts parses it (`time.ParseDuration`). The duration must be whole seconds.
 */
export function goDuration(duration: Duration, largestUnit: 'h' | 'm' = 'h'): string {
  const seconds = wholeSeconds(duration);
  if (seconds === undefined) throw new Error(`duration ${duration.toMilliseconds({ integral: false })}ms is not a whole number of seconds`);
  if (largestUnit === 'h' && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
