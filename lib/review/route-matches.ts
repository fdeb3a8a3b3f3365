import { Json } from '../policy';

/** A route match for the routes table, in full: `GET PathPrefix /authors/ x-user=admin`, `gRPC pkg.Service/Method (regex)`. */
export function describeMatch(match: Json): string {
  const grpc = match.method !== undefined && typeof match.method === 'object' ? match.method : undefined;
  if (grpc !== undefined) {
    const headers = (match.headers ?? []).map((h: Json) => ` ${h.name}=${h.value}`).join('');
    return `gRPC ${grpc.service ?? '*'}/${grpc.method ?? '*'}${grpc.type === 'RegularExpression' ? ' (regex)' : ''}${headers}`;
  }
  const method = match.method ?? 'any method';
  const path = match.path ? `${match.path.type === 'Exact' ? '' : `${match.path.type ?? 'PathPrefix'} `}${match.path.value}` : 'any path';
  const headers = (match.headers ?? []).map((h: Json) => ` ${h.name}=${h.value}`).join('');
  return `${method} ${path}${headers}`;
}

/** Whether a rule's matches admit every request (no match, or a bare `PathPrefix /`). */
export function isCatchAll(matches: readonly Json[]): boolean {
  return matches.length === 0 || matches.some((m) => describeRuleMatch(m) === '');
}

/** A route match in few words, for diagram edges: `header x-request-id: alternative`, `GET /books*`; empty for a catch-all. */
export function describeRuleMatch(match: Json): string {
  const parts: string[] = [];
  if (typeof match.method === 'object' && match.method !== null) {
    parts.push(`gRPC ${(match.method.service ?? '*').replace(/^.*\./, '')}/${match.method.method ?? '*'}`);
  } else if (match.method) parts.push(match.method);
  const path = match.path;
  if (path && !(path.value === '/' && (path.type ?? 'PathPrefix') === 'PathPrefix')) {
    parts.push(path.type === 'Exact' ? path.value : path.type === 'RegularExpression' ? `path ~ ${path.value}` : `${path.value}*`);
  }
  for (const h of match.headers ?? []) parts.push(`header ${h.name}: ${h.value}`);
  for (const q of match.queryParams ?? []) parts.push(`?${q.name}=${q.value}`);
  return parts.join(' ');
}
