import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { HttpRoute as GatewayHttpRoute, HttpRouteSpec as GatewayHttpRouteSpec } from '../../imports/gateway-httproute-gateway.networking.k8s.io';
import { HttpRouteV1Beta3, HttpRouteV1Beta3Spec } from '../../imports/linkerd-httproute-policy.linkerd.io';
import { PropProblems } from '../common';
import { gatewayDuration, millisOf } from './gateway-duration';
import { HttpRouteFilter, HttpRouteFilterType } from './http-route-filter';
import { HttpRouteMatch, PathMatch } from './http-route-match';
import { ProxyProtocol } from './proxy-protocol';
import { HttpBackend, RouteBase, RouteBaseOptions, RouteParent, validateMatchNames } from './route-base';
import type { IServer } from './server';

/** The HTTPRoute API an `HttpRoute` is rendered as. */
export enum HttpRouteApi {
  /**
   * Linkerd's `policy.linkerd.io/v1beta3` HTTPRoute: still served by Linkerd, "not actively maintained"; no
   * ResponseHeaderModifier. Choose it explicitly where manifests must stay what they were.
   */
  POLICY_V1BETA3 = 'policy.linkerd.io/v1beta3',
  /**
   * The Gateway API's `gateway.networking.k8s.io/v1` HTTPRoute, which Linkerd recommends (the default). Linkerd
   * installs no Gateway API CRDs itself since 2.19: the cluster needs the standard-channel HTTPRoute CRD.
   */
  GATEWAY_V1 = 'gateway.networking.k8s.io/v1',
}

/** GEP-1742 timeouts of an outbound rule. */
export interface HttpRouteTimeouts {
  /**
   * From the request's arrival at the client proxy to the response, retries included.
   * @default - no timeout
   */
  readonly request?: Duration;
  /**
   * Of each request the proxy sends to a backend; not above `request`. Linkerd (edge-26.8) validates it but applies
   * only `request`; a per-attempt limit is `RetriesAndTimeouts`' retry `timeout`.
   * @default - no timeout
   */
  readonly backendRequest?: Duration;
}

/** A rule of an HTTPRoute. */
export interface HttpRouteRule {
  /**
   * Conditions, any of which selects this rule.
   * @default - every request (PathPrefix "/", rendered explicitly)
   */
  readonly matches?: HttpRouteMatch[];
  /**
   * Weighted backends (outbound routes only); at least one weight above 0.
   * @default - the parent Service port, weight 1 (outbound routes without a redirect)
   */
  readonly backends?: HttpBackend[];
  /**
   * Timeouts (outbound routes only).
   * @default - none
   */
  readonly timeouts?: HttpRouteTimeouts;
  /**
   * Filters, at most one of each type.
   * @default - none
   */
  readonly filters?: HttpRouteFilter[];
}

/** Options of an HTTPRoute, whatever its parent (`Server.addHttpRoute` takes them as they are). */
export interface HttpRouteOptions extends RouteBaseOptions {
  /**
   * API the route is rendered as.
   * @default HttpRouteApi.GATEWAY_V1
   */
  readonly api?: HttpRouteApi;
  /** The rules: 1..16. */
  readonly rules: HttpRouteRule[];
}

/** Properties of an outbound `HttpRoute` (inbound ones are added with `server.addHttpRoute`). */
export interface HttpRouteProps extends HttpRouteOptions {
  /** The Service port or EgressNetwork port the route attaches to. */
  readonly parent: RouteParent;
}

/**
 * An HTTPRoute (Gateway API gateway.networking.k8s.io/v1 by default, or Linkerd's policy.linkerd.io/v1beta3).
 *
 * Inbound, added with `server.addHttpRoute(...)`, it names requests for per-route authorization
 * (`grantAccess`). Constructed with a Service parent it is outbound: weighted backends, timeouts, filters.
 * backendRefs render `group: ""`, `kind: Service`, `port` and `weight` explicitly, and every
 * match its path type, so Argo CD sees no drift against the API server's defaults.
 */
export class HttpRoute extends RouteBase {
  public readonly api: HttpRouteApi;

  constructor(scope: Construct, id: string, props: HttpRouteProps) {
    const api = props.api ?? HttpRouteApi.GATEWAY_V1;
    super(scope, id, props, {
      // The core group: "" as the Gateway API spells it, "core" as Linkerd's own API does; Linkerd reads both.
      coreGroup: api === HttpRouteApi.GATEWAY_V1 ? '' : 'core',
      refuseServer: refusalOfServer,
      renderRule: (problems, rule: HttpRouteRule, where) => renderRule(problems, api, props.parent, rule, where),
      // Both HTTPRoute CRDs share this JSON shape for every field rendered here, and the generated
      // enums are string enums of the same values; the spec was validated against both.
      createResource: (route, metadata, spec) => (api === HttpRouteApi.GATEWAY_V1
        ? new GatewayHttpRoute(route, 'Resource', { metadata, spec: spec as unknown as GatewayHttpRouteSpec })
        : new HttpRouteV1Beta3(route, 'Resource', { metadata, spec: spec as unknown as HttpRouteV1Beta3Spec })),
    });
    this.api = api;
  }

  /** The kind of route, for `RetriesAndTimeouts` (which retry annotation Linkerd reads on it). */
  public get routeKind(): 'HTTPRoute' {
    return 'HTTPRoute';
  }
}

/** What an HTTP route needs of its parent Server instead, when it cannot attach to it. */
function refusalOfServer(server: IServer): string | undefined {
  if (server.proxyProtocol === ProxyProtocol.OPAQUE || server.proxyProtocol === ProxyProtocol.TLS) {
    return 'a Server whose traffic is HTTP (HTTP routes cannot match opaque or TLS traffic)';
  }
  if (server.proxyProtocol === ProxyProtocol.GRPC) {
    return 'a Server whose traffic is HTTP (Linkerd serves a gRPC Server by its GRPCRoutes only and ignores HTTPRoutes on it); use a GrpcRoute';
  }
  return undefined;
}

function renderRule(problems: PropProblems, api: HttpRouteApi, parent: RouteParent, rule: HttpRouteRule,
  where: string): Record<string, unknown> {
  const matches = rule.matches ?? [{ path: PathMatch.prefix('/') }];
  const filters = rule.filters ?? [];
  validateFilters(problems, api, where, filters, matches, rule.backends);

  const renderedMatches = matches.map((match) => {
    const headers = (match.headers ?? []).map((h) => h._render(problems));
    const queryParams = (match.queryParams ?? []).map((q) => q._render(problems));
    validateMatchNames(problems, where, 'header', headers.map((h) => h.name));
    validateMatchNames(problems, where, 'query parameter', queryParams.map((q) => q.name));
    return {
      path: (match.path ?? PathMatch.prefix('/'))._render(problems),
      method: match.method,
      headers: headers.length > 0 ? headers : undefined,
      queryParams: queryParams.length > 0 ? queryParams : undefined,
    };
  });

  // An outbound rule that redirects sends its requests nowhere else: no backendRefs.
  const redirects = filters.some((f) => f.type === HttpRouteFilterType.REQUEST_REDIRECT);
  const backendRefs = redirects && parent.server === undefined ? undefined : parent._backendRefs(problems, where, rule.backends);
  if (parent.server !== undefined && rule.timeouts !== undefined) {
    problems.invalid(`${where} timeouts`, 'set', 'no timeouts on an inbound route; Linkerd applies timeouts on outbound routes (parent: a Service)');
  }

  return {
    matches: renderedMatches,
    filters: filters.length > 0 ? filters.map((f) => f._render(problems)) : undefined,
    backendRefs,
    timeouts: rule.timeouts === undefined ? undefined : renderTimeouts(problems, where, rule.timeouts),
  };
}

function renderTimeouts(problems: PropProblems, where: string, timeouts: HttpRouteTimeouts): Record<string, string | undefined> {
  const request = timeouts.request && gatewayDuration(problems, `${where} timeouts.request`, timeouts.request);
  const backendRequest = timeouts.backendRequest && gatewayDuration(problems, `${where} timeouts.backendRequest`, timeouts.backendRequest);
  if (request === undefined && backendRequest === undefined) problems.invalid(`${where} timeouts`, '{}',
    'request and/or backendRequest, or leave timeouts unset');
  if (request !== undefined && backendRequest !== undefined && millisOf(timeouts.backendRequest!) > millisOf(timeouts.request!)) {
    problems.invalid(`${where} timeouts.backendRequest`, backendRequest, `a duration not above timeouts.request ${request}`);
  }
  return { request, backendRequest };
}

function validateFilters(problems: PropProblems, api: HttpRouteApi, where: string, filters: HttpRouteFilter[], matches: HttpRouteMatch[],
  backends: HttpBackend[] | undefined): void {
  const types = filters.map((f) => f.type);
  if (filters.length > 16 || new Set(types).size !== types.length) problems.invalid(`${where} filters`, types,
    'each filter type at most once per rule');
  if (api === HttpRouteApi.POLICY_V1BETA3 && types.includes(HttpRouteFilterType.RESPONSE_HEADER_MODIFIER)) {
    problems.invalid(`${where} filter`, HttpRouteFilterType.RESPONSE_HEADER_MODIFIER,
      'RequestHeaderModifier or RequestRedirect on policy.linkerd.io/v1beta3 rules; use HttpRouteApi.GATEWAY_V1 for ResponseHeaderModifier');
  }
  const redirect = filters.find((f) => f.type === HttpRouteFilterType.REQUEST_REDIRECT);
  if (redirect !== undefined && backends !== undefined) {
    problems.invalid(`${where} backends`, backends.map((b) => b.service.name), 'no backends in a rule with a RequestRedirect filter');
  }
  const onePrefixMatch = matches.length === 1 && (matches[0].path ?? PathMatch.prefix('/')).type === 'PathPrefix';
  if (redirect?.redirectPath?.type === 'ReplacePrefixMatch' && !onePrefixMatch) {
    problems.invalid(`${where} matches`, matches.map((m) => m.path?.value ?? '/'),
      'exactly one PathPrefix match when a redirect replaces the prefix match');
  }
}
