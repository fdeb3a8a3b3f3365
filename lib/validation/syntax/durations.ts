/** Duration syntaxes used by Kubernetes, Gateway API, Linkerd and Argo. */

const GO_DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000,
};
const GO_DURATION = /^[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const GO_DURATION_PART = /([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)/g;

/** Parses a Go time.ParseDuration string ("1h30m", "250ms", "0") into milliseconds; undefined when malformed. */
export function parseGoDuration(value: string): number | undefined {
  if (value === '0' || value === '+0' || value === '-0') return 0;
  if (!GO_DURATION.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(GO_DURATION_PART)) total += Number(amount) * GO_DURATION_UNITS_MS[unit];
  return value.startsWith('-') ? -total : total;
}

export const GO_DURATION_SYNTAX = 'a Go duration like 250ms, 10s, 1m30s or 1h (units ns, us, ms, s, m, h)';

/** Gateway API Duration (GEP-2257): one to four <1-5 digits><h|m|s|ms> parts, no sign or fraction. */
const GATEWAY_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

export function parseGatewayDuration(value: string): number | undefined {
  return GATEWAY_DURATION.test(value) ? parseGoDuration(value) : undefined;
}

export const GATEWAY_DURATION_SYNTAX = 'a Gateway API duration matching ^([0-9]{1,5}(h|m|s|ms)){1,4}$, e.g. 500ms, 10s, 1h30m';

// kube-openapi strfmt duration (the CRD "duration" format): Go syntax, or "<n> <unit>" parts with long unit names.
const OPENAPI_DURATION = /^\s*(?:\d+\s*[A-Za-zµ]+\s*)+$/;
const OPENAPI_DURATION_PART = /(\d+)\s*([A-Za-zµ]+)/g;
/** Unit spellings per unit; the last spelling also matches as a prefix ("sec" matches "seconds"). */
const OPENAPI_UNITS: ReadonlyArray<readonly string[]> = [
  ['ns', 'nano'], ['us', 'µs', 'micro'], ['ms', 'milli'], ['s', 'sec'], ['m', 'min'], ['h', 'hr', 'hour'], ['d', 'day'], ['w', 'wk', 'week'],
];

/** Whether the API server's "duration" format (strfmt.IsDuration of k8s.io/kube-openapi) accepts a string. */
export function isOpenApiDuration(value: string): boolean {
  if (parseGoDuration(value) !== undefined) return true;
  if (!OPENAPI_DURATION.test(value)) return false;
  for (const [, , unitText] of value.matchAll(OPENAPI_DURATION_PART)) {
    const unit = unitText.toLowerCase();
    if (OPENAPI_UNITS.some((spellings) => spellings.some((s, i) => s === unit || (i === spellings.length - 1 && unit.startsWith(s))))) return true;
  }
  return false;
}

export const OPENAPI_DURATION_SYNTAX = 'a Go duration (250ms, 1m30s) or numbers with unit words ("10 seconds", "2 days")';
