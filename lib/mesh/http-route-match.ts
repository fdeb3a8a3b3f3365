import { PropProblems, invalidValueProblem } from '../common';
import { re2Error } from '../validation';

/** HTTP methods an HTTPRoute can match. */
export enum HttpMethod {
  GET = 'GET',
  HEAD = 'HEAD',
  POST = 'POST',
  PUT = 'PUT',
  DELETE = 'DELETE',
  CONNECT = 'CONNECT',
  OPTIONS = 'OPTIONS',
  TRACE = 'TRACE',
  PATCH = 'PATCH',
}

/** How an HTTPRoute matches the request path. */
export class PathMatch {
  /** The path exactly (no query string). */
  public static exact(path: string): PathMatch {
    return new PathMatch('Exact', path);
  }

  /** Paths starting with `prefix` on a `/`-separated element boundary (`/authors/` matches `/authors/1.json`). */
  public static prefix(prefix: string): PathMatch {
    return new PathMatch('PathPrefix', prefix);
  }

  /** Paths matching a regular expression (RE2 syntax: no look-around, no back-references). */
  public static regex(pattern: string): PathMatch {
    return new PathMatch('RegularExpression', pattern);
  }

  private constructor(public readonly type: 'Exact' | 'PathPrefix' | 'RegularExpression', public readonly value: string) {}

  /** @internal */
  public _render(problems: PropProblems): { type: string; value: string } {
    problems.add(this.type === 'RegularExpression'
      ? regexProblem('path regex', this.value, 1024)
      : pathValueProblem(`${this.type} path`, this.value));
    return { type: this.type, value: this.value };
  }
}

/** A request header an HTTPRoute matches. */
export class HeaderMatch {
  /** The header `name` has exactly `value`. */
  public static exact(name: string, value: string): HeaderMatch {
    return new HeaderMatch('Exact', name, value);
  }

  /** The header `name` matches the regular expression `pattern` (RE2 syntax). */
  public static regex(name: string, pattern: string): HeaderMatch {
    return new HeaderMatch('RegularExpression', name, pattern);
  }

  private constructor(public readonly type: 'Exact' | 'RegularExpression', public readonly name: string, public readonly value: string) {}

  /** @internal */
  public _render(problems: PropProblems): RenderedNameValueMatch {
    return renderNameValueMatch(problems, 'header', this, 4096);
  }
}

/** A query parameter an HTTPRoute matches. */
export class QueryParamMatch {
  /** The query parameter `name` has exactly `value`. */
  public static exact(name: string, value: string): QueryParamMatch {
    return new QueryParamMatch('Exact', name, value);
  }

  /** The query parameter `name` matches the regular expression `pattern` (RE2 syntax). */
  public static regex(name: string, pattern: string): QueryParamMatch {
    return new QueryParamMatch('RegularExpression', name, pattern);
  }

  private constructor(public readonly type: 'Exact' | 'RegularExpression', public readonly name: string, public readonly value: string) {}

  /** @internal */
  public _render(problems: PropProblems): RenderedNameValueMatch {
    return renderNameValueMatch(problems, 'query parameter', this, 1024);
  }
}

interface RenderedNameValueMatch {
  readonly name: string;
  readonly type: 'Exact' | 'RegularExpression';
  readonly value: string;
}

/**
 * Validates a header or query parameter match as both HTTPRoute CRDs do: the name an RFC 7230
 * token (what Gateway API v1 requires of both, so a route is valid in either API), the value or
 * regex 1..`maxValue` characters.
 */
function renderNameValueMatch(problems: PropProblems, kind: string, match: RenderedNameValueMatch, maxValue: number): RenderedNameValueMatch {
  problems.add(
    headerNameProblem(`${kind} name`, match.name),
    match.type === 'RegularExpression'
      ? regexProblem(`regex of ${kind} ${match.name}`, match.value, maxValue)
      : lengthProblem(`value of ${kind} ${match.name}`, match.value, maxValue),
  );
  return { name: match.name, type: match.type, value: match.value };
}

/** One way a request can match an HTTPRoute rule: every given condition must hold. */
export interface HttpRouteMatch {
  /**
   * The path.
   * @default PathMatch.prefix('/') (rendered explicitly)
   */
  readonly path?: PathMatch;
  /**
   * The method.
   * @default - any method
   */
  readonly method?: HttpMethod;
  /**
   * Headers, each of which must match.
   * @default - no header condition
   */
  readonly headers?: HeaderMatch[];
  /**
   * Query parameters, each of which must match.
   * @default - no query condition
   */
  readonly queryParams?: QueryParamMatch[];
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const PATH_CHARACTERS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

/** The problem with an HTTP header name (RFC 7230 token, 1..256 characters), if any. */
export function headerNameProblem(what: string, name: string): string | undefined {
  if (name.length <= 256 && HEADER_NAME.test(name)) return undefined;
  return invalidValueProblem(what, name, 'an RFC 7230 token: 1..256 of the characters A-Z a-z 0-9 ! # $ % & \' * + - . ^ _ ` | ~');
}

function lengthProblem(what: string, value: string, max: number): string | undefined {
  return value.length >= 1 && value.length <= max ? undefined : invalidValueProblem(what, value, `1..${max} characters`);
}

/** The Gateway API's rules for Exact and PathPrefix path values (its CEL validations on HTTPRoute v1). */
function pathValueProblem(what: string, path: string): string | undefined {
  const allowed = 'an absolute path starting with "/", at most 1024 characters of '
    + '[-A-Za-z0-9/._~!$&\'()*+,;=:@] or %XX escapes, without "//", "/./", "/../", "%2f", "#", and not ending in "/." or "/.."';
  const violations = [
    !path.startsWith('/'), path.length > 1024, !PATH_CHARACTERS.test(path), path.includes('//'), path.includes('/./'),
    path.includes('/../'), /%2f/i.test(path), path.includes('#'), path.endsWith('/..'), path.endsWith('/.'),
  ];
  return violations.some(Boolean) ? invalidValueProblem(what, path, allowed) : undefined;
}

/**
 * The problem unless `pattern` is RE2 syntax, which Rust's `regex` (the proxy's engine) shares:
 * no look-around, back-references, atomic groups or possessive quantifiers.
 */
export function regexProblem(what: string, pattern: string, max: number): string | undefined {
  const allowed = `a regular expression of 1..${max} characters in RE2 syntax (no look-around, no back-references)`;
  if (pattern.length < 1 || pattern.length > max) return invalidValueProblem(what, pattern, allowed);
  const error = re2Error(pattern);
  return error === undefined ? undefined : invalidValueProblem(what, pattern, `${allowed}; the ${error}`);
}
