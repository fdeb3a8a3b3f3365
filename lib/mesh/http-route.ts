import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { HttpRoute as GatewayHttpRoute, HttpRouteSpec as GatewayHttpRouteSpec } from '../../imports/gateway-httproute-gateway.networking.k8s.io';
import { HttpRouteV1Beta3, HttpRouteV1Beta3Spec } from '../../imports/linkerd-httproute-policy.linkerd.io';
import { PropProblems, integerProblem, invalidValueProblem, objectNameProblem, portNumberProblem, throwIfProblems } from '../common';
import { PolicyReference } from './authentication';
import type { EgressNetwork } from './egress-network';
import { gatewayDuration, millisOf } from './gateway-duration';
import { GrantTarget } from './grant-target';
import { HttpRouteFilter, HttpRouteFilterType } from './http-route-filter';
import { HttpRouteMatch, PathMatch } from './http-route-match';
import { IMeshService } from './mesh-service';
import { ProxyProtocol } from './proxy-protocol';
import type { IRetriesAndTimeoutsTarget } from './retries-and-timeouts';
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

/**
 * What an outbound route attaches to: a Service port or an EgressNetwork port. Inbound routes (parent: a Server)
 * are added to their Server with `server.addHttpRoute` / `server.addGrpcRoute`.
 */
export class RouteParent {
  /**
   * An inbound route: requests to the Server's port, for per-route authorization; what `addHttpRoute` and
   * `addGrpcRoute` of a Server give their routes.
   * @internal
   */
  public static _server(server: IServer): RouteParent {
    return new RouteParent(server, undefined, undefined, undefined);
  }

  /** An outbound route: requests meshed clients send to this Service port. */
  public static service(service: IMeshService, port: number): RouteParent {
    return new RouteParent(undefined, service, port, undefined);
  }

  /**
   * An egress route: requests meshed clients send to a destination of the EgressNetwork on this port (Linkerd
   * requires the port). With no backends, matching requests go on to their original destination.
   */
  public static egressNetwork(network: EgressNetwork, port: number): RouteParent {
    return new RouteParent(undefined, undefined, port, network);
  }

  private constructor(
    public readonly server: IServer | undefined,
    public readonly service: IMeshService | undefined,
    public readonly port: number | undefined,
    public readonly egressNetwork: EgressNetwork | undefined,
  ) {}

  /** The parentRef of a route on this parent; `coreGroup` is how the route's API spells the core group. @internal */
  public _parentRef(coreGroup: '' | 'core'): Record<string, unknown> {
    if (this.server !== undefined) return { group: 'policy.linkerd.io', kind: 'Server', name: this.server.name };
    if (this.egressNetwork !== undefined) return { group: 'policy.linkerd.io', kind: 'EgressNetwork', name: this.egressNetwork.name,
      port: this.port };
    return { group: coreGroup, kind: 'Service', name: this.service!.name, port: this.port };
  }

  /** The namespace of the parent object. @internal */
  public get _namespace(): string | undefined {
    return this.server?.namespace ?? this.service?.metadata.namespace ?? this.egressNetwork?.namespace;
  }

  /**
   * The backends of a rule that names none, rendered: the parent Service port, or the EgressNetwork itself (the
   * original destination). @internal
   */
  public _defaultBackendRefs(problems: PropProblems, where: string): Array<Record<string, unknown>> {
    if (this.egressNetwork !== undefined) return [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: this.egressNetwork.name, weight: 1 }];
    return renderRouteBackends(problems, where, [HttpBackend.service(this.service!, { port: this.port })], this._namespace);
  }
}

/** Options of an `HttpBackend`. */
export interface HttpBackendOptions {
  /**
   * The Service port.
   * @default - the Service's only port (an error when it has several)
   */
  readonly port?: number;
  /**
   * Relative share of the rule's requests: an integer 0..1000000 (rendered explicitly).
   * @default 1
   */
  readonly weight?: number;
}

/** A backend of an outbound route rule (`HttpRoute` and `GrpcRoute` alike): a Service port with a weight. */
export class HttpBackend {
  /** A Service port as backend: any `IMeshService` (a cdk8s-plus Service, a `CanaryRollout`'s Services). */
  public static service(service: IMeshService, options: HttpBackendOptions = {}): HttpBackend {
    return new HttpBackend(service, options.port, options.weight ?? 1);
  }

  private constructor(public readonly service: IMeshService, public readonly port: number | undefined, public readonly weight: number) {}
}

/**
 * Renders the backendRefs of an outbound route rule, validated: ports of the Services, weights
 * 0..1000000 with one above 0, each Service port once, Services in the parent's namespace. `group`,
 * `kind` and `weight` are explicit, as the API server would default them (no Argo CD drift).
 * @internal
 */
export function renderRouteBackends(problems: PropProblems, where: string, backends: HttpBackend[],
  namespace: string | undefined): Array<Record<string, unknown>> {
  if (backends.length < 1 || backends.length > 16) problems.invalid(`${where} backends count`, backends.length, '1..16 backends');
  const rendered = backends.map((backend) => {
    problems.add(integerProblem(`${where} weight of backend ${backend.service.name}`, backend.weight, 0, 1_000_000));
    const ports = backend.service.ports.map((p) => p.port);
    if (backend.port === undefined && ports.length !== 1) {
      problems.invalid(`${where} port of backend ${backend.service.name}`, '(unset)', `one of the Service's ports ${ports.join(', ')}`);
    }
    const port = backend.port ?? ports[0];
    validateServicePort(problems, `${where} port of backend ${backend.service.name}`, backend.service, port);
    if (backend.service.metadata.namespace !== namespace) {
      problems.invalid(`${where} namespace of backend ${backend.service.name}`, backend.service.metadata.namespace ?? '(none)',
        'the route\'s namespace');
    }
    return { group: '', kind: 'Service', name: backend.service.name, port, weight: backend.weight };
  });
  if (!backends.some((b) => b.weight > 0)) {
    problems.invalid(`${where} weights`, backends.map((b) => b.weight), 'integers 0..1000000, at least one > 0');
  }
  const ids = rendered.map((r) => `${r.name}:${r.port}`);
  if (new Set(ids).size !== ids.length) problems.invalid(`${where} backends`, ids, 'each Service port at most once per rule');
  return rendered;
}

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The `hostnames` of a route, validated as the Gateway API CRDs do (at most 16; RFC 1123 names, optional `*.`).
 * @internal
 */
export function renderHostnames(problems: PropProblems, hostnames: readonly string[] | undefined): string[] | undefined {
  if (hostnames === undefined) return undefined;
  if (hostnames.length > 16) problems.invalid('hostnames count', hostnames.length, 'at most 16 host names');
  for (const hostname of hostnames) {
    if (hostname.length > 253 || !HOSTNAME.test(hostname)) {
      problems.invalid('hostname', hostname,
        'a lowercase DNS name of at most 253 characters, optionally starting with "*." (no IP address, no port)');
    }
  }
  return hostnames.length > 0 ? [...hostnames] : undefined;
}

/**
 * Records a problem unless `port` is a port of the Service.
 * @internal
 */
export function validateServicePort(problems: PropProblems, what: string, service: IMeshService, port: number): void {
  problems.add(portNumberProblem(what, port));
  const ports = service.ports.map((p) => p.port);
  if (!ports.includes(port)) problems.invalid(what, port, `a port of Service ${service.name} (${ports.join(', ') || 'none'})`);
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
export interface HttpRouteOptions {
  /**
   * Metadata of the object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * API the route is rendered as.
   * @default HttpRouteApi.GATEWAY_V1
   */
  readonly api?: HttpRouteApi;
  /**
   * Host names the route applies to (matched against the request's host / `:authority`): at most 16 DNS names,
   * lowercase, optionally with a leading `*.` wildcard.
   * @default - every host name
   */
  readonly hostnames?: string[];
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
export class HttpRoute extends GrantTarget implements IRetriesAndTimeoutsTarget {
  public readonly name: string;
  public readonly namespace: string | undefined;
  public readonly api: HttpRouteApi;
  public readonly parent: RouteParent;
  /** The rendered object, e.g. for annotations. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: HttpRouteProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    this.api = props.api ?? HttpRouteApi.GATEWAY_V1;
    this.parent = props.parent;
    const { server, service, port, egressNetwork } = props.parent;
    if (server !== undefined && (server.proxyProtocol === ProxyProtocol.OPAQUE || server.proxyProtocol === ProxyProtocol.TLS)) {
      problems.invalid('parent Server proxyProtocol', server.proxyProtocol,
        'a Server whose traffic is HTTP (HTTP routes cannot match opaque or TLS traffic)');
    }
    if (server !== undefined && server.proxyProtocol === ProxyProtocol.GRPC) {
      problems.invalid('parent Server proxyProtocol', server.proxyProtocol,
        'a Server whose traffic is HTTP (Linkerd serves a gRPC Server by its GRPCRoutes only and ignores HTTPRoutes on it); use a GrpcRoute');
    }
    if (service !== undefined) validateServicePort(problems, 'parent port', service, port!);
    if (egressNetwork !== undefined) problems.add(portNumberProblem('parent EgressNetwork port', port!));
    if (props.rules.length < 1 || props.rules.length > 16) problems.invalid('rules count', props.rules.length, '1..16 rules');

    const spec = {
      // The core group: "" as the Gateway API spells it, "core" as Linkerd's own API does; Linkerd reads both.
      parentRefs: [props.parent._parentRef(this.api === HttpRouteApi.GATEWAY_V1 ? '' : 'core')],
      hostnames: renderHostnames(problems, props.hostnames),
      rules: props.rules.map((rule, index) => this.renderRule(problems, rule, index)),
    };
    // Both HTTPRoute CRDs share this JSON shape for every field rendered here, and the generated
    // enums are string enums of the same values; the spec was validated above against both.
    this.apiObject = this.api === HttpRouteApi.GATEWAY_V1
      ? new GatewayHttpRoute(this, 'Resource', { metadata: { ...props.metadata }, spec: spec as unknown as GatewayHttpRouteSpec })
      : new HttpRouteV1Beta3(this, 'Resource', { metadata: { ...props.metadata }, spec: spec as unknown as HttpRouteV1Beta3Spec });
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
  public get routeKind(): 'HTTPRoute' {
    return 'HTTPRoute';
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
    return { group: this.api === HttpRouteApi.GATEWAY_V1 ? 'gateway.networking.k8s.io' : 'policy.linkerd.io', kind: 'HTTPRoute', name: this.name };
  }

  private renderRule(problems: PropProblems, rule: HttpRouteRule, index: number): Record<string, unknown> {
    const where = `rules[${index}]`;
    const matches = rule.matches ?? [{ path: PathMatch.prefix('/') }];
    if (matches.length < 1 || matches.length > 8) problems.invalid(`${where} matches count`, matches.length,
      '1..8 matches, or leave matches unset to match every request');
    const filters = rule.filters ?? [];
    this.validateFilters(problems, where, filters, matches, rule.backends);

    const renderedMatches = matches.map((match) => {
      const headers = (match.headers ?? []).map((h) => h._render(problems));
      const queryParams = (match.queryParams ?? []).map((q) => q._render(problems));
      for (const [kind, list] of [['header', headers], ['query parameter', queryParams]] as const) {
        const names = list.map((entry) => entry.name.toLowerCase());
        if (list.length > 16 || new Set(names).size !== names.length) {
          problems.invalid(`${where} ${kind} matches`, list.map((e) => e.name), `at most 16, each ${kind} name at most once per match`);
        }
      }
      return {
        path: (match.path ?? PathMatch.prefix('/'))._render(problems),
        method: match.method,
        headers: headers.length > 0 ? headers : undefined,
        queryParams: queryParams.length > 0 ? queryParams : undefined,
      };
    });

    let backendRefs: Array<Record<string, unknown>> | undefined;
    const redirects = filters.some((f) => f.type === HttpRouteFilterType.REQUEST_REDIRECT);
    if (this.parent.server !== undefined) {
      if (rule.backends !== undefined) problems.invalid(`${where} backends`, rule.backends.map((b) => b.service.name),
        'no backends on an inbound route (parent: a Server); requests go to the Server\'s pods');
      if (rule.timeouts !== undefined) problems.invalid(`${where} timeouts`, 'set',
        'no timeouts on an inbound route; Linkerd applies timeouts on outbound routes (parent: a Service)');
    } else if (!redirects) {
      backendRefs = rule.backends === undefined ? this.parent._defaultBackendRefs(problems, where)
        : renderRouteBackends(problems, where, rule.backends, this.parent._namespace);
    }

    return {
      matches: renderedMatches,
      filters: filters.length > 0 ? filters.map((f) => f._render(problems)) : undefined,
      backendRefs,
      timeouts: rule.timeouts === undefined ? undefined : this.renderTimeouts(problems, where, rule.timeouts),
    };
  }

  private renderTimeouts(problems: PropProblems, where: string, timeouts: HttpRouteTimeouts): Record<string, string | undefined> {
    const request = timeouts.request && gatewayDuration(problems, `${where} timeouts.request`, timeouts.request);
    const backendRequest = timeouts.backendRequest && gatewayDuration(problems, `${where} timeouts.backendRequest`, timeouts.backendRequest);
    if (request === undefined && backendRequest === undefined) problems.invalid(`${where} timeouts`, '{}',
      'request and/or backendRequest, or leave timeouts unset');
    if (request !== undefined && backendRequest !== undefined && millisOf(timeouts.backendRequest!) > millisOf(timeouts.request!)) {
      problems.invalid(`${where} timeouts.backendRequest`, backendRequest, `a duration not above timeouts.request ${request}`);
    }
    return { request, backendRequest };
  }

  private validateFilters(problems: PropProblems, where: string, filters: HttpRouteFilter[], matches: HttpRouteMatch[],
    backends: HttpBackend[] | undefined): void {
    const types = filters.map((f) => f.type);
    if (filters.length > 16 || new Set(types).size !== types.length) problems.invalid(`${where} filters`, types,
      'each filter type at most once per rule');
    if (this.api === HttpRouteApi.POLICY_V1BETA3 && types.includes(HttpRouteFilterType.RESPONSE_HEADER_MODIFIER)) {
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
}
