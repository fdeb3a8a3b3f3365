import { PropProblems, objectNameProblem, portNumberProblem } from '../common';
import { headerNameProblem } from './http-route-match';

/** Header changes of a header-modifier filter. */
export interface HeaderModifierOptions {
  /**
   * Headers to set, replacing any existing value.
   * @default - none
   */
  readonly set?: Record<string, string>;
  /**
   * Headers to add, keeping existing values.
   * @default - none
   */
  readonly add?: Record<string, string>;
  /**
   * Headers to remove.
   * @default - none
   */
  readonly remove?: string[];
}

/** Scheme of a redirect. */
export enum RedirectScheme {
  HTTP = 'http',
  HTTPS = 'https',
}

/** Status code of a redirect. */
export enum RedirectStatusCode {
  MOVED_PERMANENTLY = 301,
  FOUND = 302,
}

/** How a redirect rewrites the path. */
export class RedirectPath {
  /** Replace the whole path. */
  public static fullPath(path: string): RedirectPath {
    return new RedirectPath('ReplaceFullPath', path);
  }

  /** Replace the matched prefix; the rule must have exactly one match, a PathPrefix one. */
  public static prefixMatch(prefix: string): RedirectPath {
    return new RedirectPath('ReplacePrefixMatch', prefix);
  }

  private constructor(public readonly type: 'ReplaceFullPath' | 'ReplacePrefixMatch', public readonly value: string) {}
}

/** Where and how a redirect sends the client. */
export interface RequestRedirectOptions {
  /**
   * Scheme of the new location.
   * @default - the request's scheme
   */
  readonly scheme?: RedirectScheme;
  /**
   * Hostname of the new location.
   * @default - the request's hostname
   */
  readonly hostname?: string;
  /**
   * Port of the new location.
   * @default - the scheme's well-known port
   */
  readonly port?: number;
  /**
   * Path of the new location.
   * @default - the request's path
   */
  readonly path?: RedirectPath;
  /**
   * Status code.
   * @default RedirectStatusCode.FOUND (302, rendered explicitly)
   */
  readonly statusCode?: RedirectStatusCode;
}

/** The filter kinds Linkerd implements for HTTPRoute rules. */
export enum HttpRouteFilterType {
  REQUEST_HEADER_MODIFIER = 'RequestHeaderModifier',
  RESPONSE_HEADER_MODIFIER = 'ResponseHeaderModifier',
  REQUEST_REDIRECT = 'RequestRedirect',
}

/** A filter of an HTTPRoute rule: the kinds Linkerd's proxy implements. */
export class HttpRouteFilter {
  /** Changes request headers before the request is forwarded. */
  public static requestHeaderModifier(options: HeaderModifierOptions): HttpRouteFilter {
    return new HttpRouteFilter(HttpRouteFilterType.REQUEST_HEADER_MODIFIER, options);
  }

  /** Changes response headers (only with `HttpRouteApi.GATEWAY_V1`: policy.linkerd.io/v1beta3 lacks it on rules). */
  public static responseHeaderModifier(options: HeaderModifierOptions): HttpRouteFilter {
    return new HttpRouteFilter(HttpRouteFilterType.RESPONSE_HEADER_MODIFIER, options);
  }

  /** Answers with a redirect instead of forwarding; the rule must have no backends. */
  public static requestRedirect(options: RequestRedirectOptions): HttpRouteFilter {
    return new HttpRouteFilter(HttpRouteFilterType.REQUEST_REDIRECT, options);
  }

  private constructor(
    public readonly type: HttpRouteFilterType,
    private readonly options: HeaderModifierOptions | RequestRedirectOptions,
  ) {}

  /** The redirect path rewrite, if this is a redirect with one. */
  public get redirectPath(): RedirectPath | undefined {
    return this.type === HttpRouteFilterType.REQUEST_REDIRECT ? (this.options as RequestRedirectOptions).path : undefined;
  }

  /** @internal */
  public _render(problems: PropProblems): Record<string, unknown> {
    if (this.type === HttpRouteFilterType.REQUEST_REDIRECT) {
      return { type: this.type, requestRedirect: renderRedirect(problems, this.options as RequestRedirectOptions) };
    }
    const field = this.type === HttpRouteFilterType.REQUEST_HEADER_MODIFIER ? 'requestHeaderModifier' : 'responseHeaderModifier';
    return { type: this.type, [field]: renderHeaderModifier(problems, this.type, this.options as HeaderModifierOptions) };
  }
}

function renderHeaderModifier(problems: PropProblems, type: string, options: HeaderModifierOptions): Record<string, unknown> {
  const list = (field: string, headers: Record<string, string> | undefined): Array<{ name: string; value: string }> | undefined => {
    if (headers === undefined) return undefined;
    const entries = Object.entries(headers);
    if (entries.length > 16) problems.invalid(`${type} ${field}`, entries.map(([n]) => n), 'at most 16 headers');
    return entries.map(([name, value]) => {
      problems.add(headerNameProblem(`${type} ${field} header name`, name));
      if (value.length < 1 || value.length > 4096) problems.invalid(`${type} value of ${name}`, value, '1..4096 characters');
      return { name, value };
    });
  };
  const set = list('set', options.set);
  const add = list('add', options.add);
  for (const name of options.remove ?? []) problems.add(headerNameProblem(`${type} remove header name`, name));
  if ((options.remove ?? []).length > 16) problems.invalid(`${type} remove`, options.remove, 'at most 16 headers');
  if (!set?.length && !add?.length && !options.remove?.length) {
    problems.invalid(type, '{}', 'at least one header to set, add or remove');
  }
  return { set: set?.length ? set : undefined, add: add?.length ? add : undefined, remove: options.remove?.length ? options.remove : undefined };
}

function renderRedirect(problems: PropProblems, options: RequestRedirectOptions): Record<string, unknown> {
  if (options.hostname !== undefined) problems.add(objectNameProblem('redirect hostname', options.hostname));
  if (options.port !== undefined) problems.add(portNumberProblem('redirect port', options.port));
  let path: Record<string, string> | undefined;
  if (options.path !== undefined) {
    const { type, value } = options.path;
    if (!value.startsWith('/') || value.length > 1024) problems.invalid(`redirect ${type}`, value,
      'an absolute path starting with "/", at most 1024 characters');
    path = { type, [type === 'ReplaceFullPath' ? 'replaceFullPath' : 'replacePrefixMatch']: value };
  }
  return {
    scheme: options.scheme,
    hostname: options.hostname,
    port: options.port,
    path,
    statusCode: options.statusCode ?? RedirectStatusCode.FOUND,
  };
}
