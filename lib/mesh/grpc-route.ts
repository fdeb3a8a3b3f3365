import { Construct } from 'constructs';
import { GrpcRoute as GrpcRouteResource, GrpcRouteSpec } from '../../imports/gateway-grpcroute-gateway.networking.k8s.io';
import { PropProblems } from '../common';
import { GrpcMethodMatchType, GrpcRouteMatch } from './grpc-route-match';
import { HttpRouteFilter, HttpRouteFilterType } from './http-route-filter';
import { ProxyProtocol } from './proxy-protocol';
import { HttpBackend, RouteBase, RouteBaseOptions, RouteParent, validateMatchNames } from './route-base';
import type { IServer } from './server';

/** A rule of a GRPCRoute. */
export interface GrpcRouteRule {
  /**
   * Conditions, any of which selects this rule: 1..8.
   * @default - every call (no matches rendered; the Gateway API's "match all")
   */
  readonly matches?: GrpcRouteMatch[];
  /**
   * Weighted backends (outbound routes only); at least one weight above 0.
   * @default - the parent Service port, weight 1 (outbound routes)
   */
  readonly backends?: HttpBackend[];
  /**
   * Header filters, at most one of each type: `HttpRouteFilter.requestHeaderModifier` and `.responseHeaderModifier`
   * (gRPC metadata); Linkerd implements no other filter on GRPCRoutes.
   * @default - none
   */
  readonly filters?: HttpRouteFilter[];
}

/** Options of a GRPCRoute, whatever its parent (`Server.addGrpcRoute` takes them as they are). */
export interface GrpcRouteOptions extends RouteBaseOptions {
  /** The rules: 1..16. */
  readonly rules: GrpcRouteRule[];
}

/** Properties of an outbound `GrpcRoute` (inbound ones are added with `server.addGrpcRoute` on a gRPC Server). */
export interface GrpcRouteProps extends GrpcRouteOptions {
  /** The Service port (outbound: backends, retries, timeouts) or EgressNetwork port the route attaches to. */
  readonly parent: RouteParent;
}

/**
 * A Gateway API `GRPCRoute` (gateway.networking.k8s.io/v1), as Linkerd serves it.
 *
 * Inbound, added with `server.addGrpcRoute(...)`, it names calls (service and method) for per-method
 * authorization (`grantAccess`). Linkerd serves a Server's traffic by its GRPCRoutes only when
 * the Server's proxyProtocol is gRPC, so other Servers are refused. With a Service parent it is
 * outbound: weighted backends; retries (`retry.linkerd.io/grpc`) and timeouts
 * (`timeout.linkerd.io/*`) are annotations on the route, set with `RetriesAndTimeouts`.
 * Method matches, backend group, kind and weight render explicitly, as the API server defaults them.
 */
export class GrpcRoute extends RouteBase {
  constructor(scope: Construct, id: string, props: GrpcRouteProps) {
    super(scope, id, props, {
      coreGroup: '',
      refuseServer: refusalOfServer,
      renderRule: (problems, rule: GrpcRouteRule, where) => renderRule(problems, props.parent, rule, where),
      createResource: (route, metadata, spec) => new GrpcRouteResource(route, 'Resource', { metadata, spec: spec as unknown as GrpcRouteSpec }),
    });
  }

  /** The kind of route, for `RetriesAndTimeouts` (which retry annotation Linkerd reads on it). */
  public get routeKind(): 'GRPCRoute' {
    return 'GRPCRoute';
  }
}

/** What a gRPC route needs of its parent Server instead, when it cannot attach to it. */
function refusalOfServer(server: IServer): string | undefined {
  if (server.proxyProtocol === ProxyProtocol.GRPC) return undefined;
  return `gRPC (Linkerd serves a Server's traffic by GRPCRoutes only when its proxyProtocol is gRPC); give Server ${server.name} `
    + 'proxyProtocol: ProxyProtocol.GRPC, or use an HttpRoute';
}

function renderRule(problems: PropProblems, parent: RouteParent, rule: GrpcRouteRule, where: string): Record<string, unknown> {
  const renderedMatches = rule.matches?.map((match) => {
    const method = match.method?._render(problems);
    if (method?.type === GrpcMethodMatchType.REGULAR_EXPRESSION) {
      problems.invalid(`${where} method match`, match.method!.toString(),
        'Exact matches: Linkerd ignores a GRPCRoute with a RegularExpression method match; match the whole service '
        + '(GrpcMethodMatch.service) or list its methods (GrpcMethodMatch.exact), up to 8 per rule');
    }
    const headers = (match.headers ?? []).map((h) => h._render(problems));
    validateMatchNames(problems, where, 'header', headers.map((h) => h.name));
    if (method === undefined && headers.length === 0) {
      problems.invalid(`${where} match`, '{}', 'a method and/or headers; leave matches unset to match every call');
    }
    return { method, headers: headers.length > 0 ? headers : undefined };
  });

  const backendRefs = parent._backendRefs(problems, where, rule.backends);
  const filters = rule.filters ?? [];
  const types = filters.map((f) => f.type);
  if (types.includes(HttpRouteFilterType.REQUEST_REDIRECT) || new Set(types).size !== types.length) {
    problems.invalid(`${where} filters`, types,
      'RequestHeaderModifier and/or ResponseHeaderModifier, each at most once (Linkerd implements no other filter on GRPCRoutes)');
  }
  return { matches: renderedMatches, filters: filters.length > 0 ? filters.map((f) => f._render(problems)) : undefined, backendRefs };
}
