import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition } from 'cdk8s';
import { Construct } from 'constructs';
import { GrpcRoute as GrpcRouteResource, GrpcRouteSpec } from '../../imports/gateway-grpcroute-gateway.networking.k8s.io';
import { PropProblems, invalidValueProblem, objectNameProblem, portNumberProblem, throwIfProblems } from '../common';
import { PolicyReference } from './authentication';
import { GrantTarget } from './grant-target';
import { GrpcMethodMatchType, GrpcRouteMatch } from './grpc-route-match';
import { HttpBackend, RouteParent, renderHostnames, renderRouteBackends, validateServicePort } from './http-route';
import { HttpRouteFilter, HttpRouteFilterType } from './http-route-filter';
import { ProxyProtocol } from './proxy-protocol';
import type { IRetriesAndTimeoutsTarget } from './retries-and-timeouts';

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
export interface GrpcRouteOptions {
  /**
   * Metadata of the object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * Host names the route applies to (the call's `:authority`): at most 16 DNS names, optionally with a leading `*.`.
   * @default - every host name
   */
  readonly hostnames?: string[];
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
export class GrpcRoute extends GrantTarget implements IRetriesAndTimeoutsTarget {
  public readonly name: string;
  public readonly namespace: string | undefined;
  public readonly parent: RouteParent;
  /** The rendered object, e.g. for annotations (the generated Gateway API class stays inside, as with `HttpRoute`). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: GrpcRouteProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    this.parent = props.parent;
    const { server, service, port, egressNetwork } = props.parent;
    if (server !== undefined && server.proxyProtocol !== ProxyProtocol.GRPC) {
      problems.invalid('parent Server proxyProtocol', server.proxyProtocol,
        `gRPC (Linkerd serves a Server's traffic by GRPCRoutes only when its proxyProtocol is gRPC); give Server ${server.name} `
        + 'proxyProtocol: ProxyProtocol.GRPC, or use an HttpRoute');
    }
    if (service !== undefined) validateServicePort(problems, 'parent port', service, port!);
    if (egressNetwork !== undefined) problems.add(portNumberProblem('parent EgressNetwork port', port!));
    if (props.rules.length < 1 || props.rules.length > 16) problems.invalid('rules count', props.rules.length, '1..16 rules');

    const spec: GrpcRouteSpec = {
      parentRefs: [props.parent._parentRef('')] as unknown as GrpcRouteSpec['parentRefs'],
      hostnames: renderHostnames(problems, props.hostnames),
      rules: props.rules.map((rule, index) => this.renderRule(problems, rule, index)) as GrpcRouteSpec['rules'],
    };
    this.apiObject = new GrpcRouteResource(this, 'Resource', { metadata: { ...props.metadata }, spec });
    this.name = this.apiObject.name;
    this.namespace = this.apiObject.metadata.namespace;
    const parentNamespace = props.parent._namespace;
    if (parentNamespace !== this.namespace) {
      problems.invalid('parent namespace', parentNamespace ?? '(none)', `the route's own namespace ${this.namespace ?? '(none)'}`);
    }
    problems.throwIfAny();
  }

  /** The route's metadata, where `RetriesAndTimeouts` writes its annotations. */
  public get metadata(): ApiObjectMetadataDefinition {
    return this.apiObject.metadata;
  }

  /** The kind of route, for `RetriesAndTimeouts` (which retry annotation Linkerd reads on it). */
  public get routeKind(): 'GRPCRoute' {
    return 'GRPCRoute';
  }

  /** Whether the route is outbound (parent: a Service or an EgressNetwork). */
  public get isOutbound(): boolean {
    return this.parent.server === undefined;
  }

  /** The reference AuthorizationPolicies use; only inbound routes can be authorization targets. */
  public get authorizationTargetRef(): PolicyReference {
    if (this.isOutbound) {
      throwIfProblems(this, [invalidValueProblem('authorization target', `outbound route ${this.name}`,
        'an inbound route (parent: a Server); authorize outbound traffic on the destination\'s Server')]);
    }
    return { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: this.name };
  }

  private renderRule(problems: PropProblems, rule: GrpcRouteRule, index: number): Record<string, unknown> {
    const where = `rules[${index}]`;
    const matches = rule.matches;
    if (matches !== undefined && (matches.length < 1 || matches.length > 8)) {
      problems.invalid(`${where} matches count`, matches.length, '1..8 matches, or leave matches unset to match every call');
    }
    const renderedMatches = matches?.map((match) => {
      const method = match.method?._render(problems);
      if (method?.type === GrpcMethodMatchType.REGULAR_EXPRESSION) {
        problems.invalid(`${where} method match`, match.method!.toString(),
          'Exact matches: Linkerd ignores a GRPCRoute with a RegularExpression method match; match the whole service '
          + '(GrpcMethodMatch.service) or list its methods (GrpcMethodMatch.exact), up to 8 per rule');
      }
      const headers = (match.headers ?? []).map((h) => h._render(problems));
      const names = headers.map((h) => h.name.toLowerCase());
      if (headers.length > 16 || new Set(names).size !== names.length) {
        problems.invalid(`${where} header matches`, headers.map((h) => h.name), 'at most 16, each header name at most once per match');
      }
      if (method === undefined && headers.length === 0) {
        problems.invalid(`${where} match`, '{}', 'a method and/or headers; leave matches unset to match every call');
      }
      return { method, headers: headers.length > 0 ? headers : undefined };
    });

    let backendRefs: Array<Record<string, unknown>> | undefined;
    if (this.parent.server !== undefined) {
      if (rule.backends !== undefined) {
        problems.invalid(`${where} backends`, rule.backends.map((b) => b.service.name),
          'no backends on an inbound route (parent: a Server); calls go to the Server\'s pods');
      }
    } else {
      backendRefs = rule.backends === undefined ? this.parent._defaultBackendRefs(problems, where)
        : renderRouteBackends(problems, where, rule.backends, this.parent._namespace);
    }
    const filters = rule.filters ?? [];
    const types = filters.map((f) => f.type);
    if (types.includes(HttpRouteFilterType.REQUEST_REDIRECT) || new Set(types).size !== types.length) {
      problems.invalid(`${where} filters`, types,
        'RequestHeaderModifier and/or ResponseHeaderModifier, each at most once (Linkerd implements no other filter on GRPCRoutes)');
    }
    return { matches: renderedMatches, filters: filters.length > 0 ? filters.map((f) => f._render(problems)) : undefined, backendRefs };
  }
}
