import { Duration } from 'cdk8s';
import { PropProblems } from '../common';
import { parseGatewayDuration } from '../validation';

const UNITS: ReadonlyArray<readonly [string, number]> = [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];

/**
 * Renders a positive duration in the Gateway API duration format (GEP-2257:
 * `^([0-9]{1,5}(h|m|s|ms)){1,4}$`), which Go's `time.ParseDuration`, Linkerd's
 * annotation parser and the Linkerd HTTPRoute CRD's `format: duration` all accept.
 * A duration that has no such form is recorded in `problems` (and renders as ""), so the
 * construct reports it with its other problems.
 */
export function gatewayDuration(problems: PropProblems, what: string, duration: Duration): string {
  const millis = duration.toMilliseconds({ integral: false });
  const allowed = 'a whole number of milliseconds, greater than 0 and below 100000h';
  if (!Number.isInteger(millis) || millis <= 0) {
    problems.invalid(what, duration, allowed);
    return '';
  }
  let rest = millis;
  let text = '';
  for (const [unit, size] of UNITS) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0) text += `${amount}${unit}`;
  }
  if (parseGatewayDuration(text) === undefined) {
    problems.invalid(what, duration, allowed);
    return '';
  }
  return text;
}

/** The whole milliseconds of a duration, for comparisons between validated durations. */
export function millisOf(duration: Duration): number {
  return duration.toMilliseconds({ integral: false });
}
