import { GrpcMatch, HttpMatch, InboundRoute } from './model';

/** An HTTP request as the proxy's route matching sees it. */
export interface HttpRequestShape {
  readonly method: string;
  /** Path, optionally with `?query`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly host?: string;
}

/** How well a route matched (linkerd2-proxy http-route `RouteMatch`): host, then path length, headers, query params, method. */
export interface MatchScore {
  readonly host?: readonly [number, number];
  readonly route: readonly number[];
  /** The rule and match that won, for reason chains. */
  readonly rule: number;
  readonly match?: number;
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function compareMatch(a: MatchScore, b: MatchScore): number {
  // Option<HostMatch>: None < Some; Suffix < Exact; then length.
  const host = (s: MatchScore) => (s.host ? [1, ...s.host] : [0]);
  return compareScores(host(a), host(b)) || compareScores(a.route, b.route);
}

function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

function headerMatches(headers: Readonly<Record<string, string>>, h: { type: string; name: string; value: string }): boolean {
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === h.name.toLowerCase())?.[1];
  if (value === undefined) return false;
  return h.type === 'RegularExpression' ? fullMatch(h.value, value) : value === h.value;
}

/** Path match length (linkerd2-proxy `MatchPath::match_length`): Exact and Regex the whole path, Prefix by whole segments. */
function pathScore(match: HttpMatch['path'], path: string): number | undefined {
  if (!match) return 1;
  if (match.type === 'Exact') return match.value === path ? match.value.length : undefined;
  if (match.type === 'RegularExpression') return fullMatch(match.value, path) ? path.length : undefined;
  if (match.value === '/') return 1;
  const prefix = match.value.replace(/\/+$/, '');
  const trimmed = path.replace(/\/+$/, '');
  if (!trimmed.startsWith(prefix)) return undefined;
  const rest = trimmed.slice(prefix.length);
  return rest === '' || rest.startsWith('/') ? prefix.length : undefined;
}

function httpMatchScore(match: HttpMatch, request: HttpRequestShape): number[] | undefined {
  const [path, query = ''] = request.path.split('?');
  if (match.method !== undefined && match.method !== request.method) return undefined;
  const length = pathScore(match.path, path);
  if (length === undefined) return undefined;
  if (!match.headers.every((h) => headerMatches(request.headers, h))) return undefined;
  const params = new URLSearchParams(query);
  const queryOk = match.queryParams.every((q) => {
    const value = params.get(q.name);
    return value !== null && (q.type === 'RegularExpression' ? fullMatch(q.value, value) : value === q.value);
  });
  if (!queryOk) return undefined;
  return [length, match.headers.length, match.queryParams.length, match.method !== undefined ? 1 : 0];
}

function grpcMatchScore(match: GrpcMatch, request: HttpRequestShape): number[] | undefined {
  if (request.method !== 'POST') return undefined;
  const parts = request.path.split('?')[0].split('/');
  if (parts[0] !== '' || parts.length < 3) return undefined;
  const [, service, method] = parts;
  if (match.service !== undefined && match.service !== service) return undefined;
  if (match.method !== undefined && match.method !== method) return undefined;
  if (!match.headers.every((h) => headerMatches(request.headers, h))) return undefined;
  return [match.service?.length ?? 0, match.method?.length ?? 0, match.headers.length];
}

/**
 * Host match (linkerd2-proxy `MatchHost::summarize_match`): exact, or `*.suffix` by labels; [kind, length] with exact > suffix.
 * Case-sensitive, as in proxy v2.366.0, the release linkerd2 edge-26.8.3 ships (later proxies compare case-insensitively).
 */
function hostScore(pattern: string, host: string | undefined): readonly [number, number] | undefined {
  if (host === undefined) return undefined;
  const h = host.replace(/:\d+$/, '').replace(/\.$/, '');
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return h.endsWith(suffix) && h.length > suffix.length ? [0, suffix.length] : undefined;
  }
  return pattern.replace(/\.$/, '') === h ? [1, pattern.length] : undefined;
}

/**
 * The route a request takes (linkerd2-proxy http-route `find`): the best match over routes and rules, the first
 * of equals winning; a rule without matches matches everything with the lowest score.
 */
export function findRoute<M extends HttpMatch | GrpcMatch>(
  routes: readonly InboundRoute<M>[],
  request: HttpRequestShape,
  kind: 'http' | 'grpc',
): { route: InboundRoute<M>; score: MatchScore } | undefined {
  let best: { route: InboundRoute<M>; score: MatchScore } | undefined;
  for (const route of routes) {
    let host: readonly [number, number] | undefined;
    if (route.hostnames.length > 0) {
      const scores = route.hostnames.map((p) => hostScore(p, request.host)).filter((s): s is readonly [number, number] => s !== undefined);
      if (scores.length === 0) continue;
      host = scores.sort((a, b) => compareScores(b, a))[0];
    }
    let bestRule: MatchScore | undefined;
    route.rules.forEach((rule, ruleIndex) => {
      let score: MatchScore | undefined;
      if (rule.matches.length === 0) {
        score = { host, route: kind === 'http' ? [1, 0, 0, 0] : [0, 0, 0], rule: ruleIndex };
      } else {
        rule.matches.forEach((match, matchIndex) => {
          const s = kind === 'http' ? httpMatchScore(match as HttpMatch, request) : grpcMatchScore(match as GrpcMatch, request);
          if (s && (!score || compareScores(s, score.route) > 0)) score = { host, route: s, rule: ruleIndex, match: matchIndex };
        });
      }
      if (score && (!bestRule || compareMatch(score, bestRule) > 0)) bestRule = score;
    });
    if (bestRule && (!best || compareMatch(bestRule, best.score) > 0)) best = { route, score: bestRule };
  }
  return best;
}

/** A match written for reason chains: `DELETE PathPrefix /authors/`. */
export function describeHttpMatch(match: HttpMatch): string {
  const path = match.path ? `${match.path.type} ${match.path.value}` : 'any path';
  const headers = match.headers.map((h) => ` header ${h.name}${h.type === 'RegularExpression' ? '~' : '='}${h.value}`).join('');
  const query = match.queryParams.map((q) => ` query ${q.name}${q.type === 'RegularExpression' ? '~' : '='}${q.value}`).join('');
  return `${match.method ?? 'any method'} ${path}${headers}${query}`;
}

export function describeGrpcMatch(match: GrpcMatch): string {
  const headers = match.headers.map((h) => ` header ${h.name}=${h.value}`).join('');
  return `${match.service ?? '*'}/${match.method ?? '*'}${headers}`;
}
