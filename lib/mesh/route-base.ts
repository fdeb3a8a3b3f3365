import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition } from 'cdk8s';
import { Construct } from 'constructs';
import { PropProblems, integerProblem, invalidValueProblem, objectNameProblem, portNumberProblem, throwIfProblems } from '../common';
import { PolicyReference } from './authentication';
import type { EgressNetwork } from './egress-network';
import { GrantTarget } from './grant-target';
import { IMeshService } from './mesh-service';
import type { IRetriesAndTimeoutsTarget } from './retries-and-timeouts';
import type { IServer } from './server';

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
   * The backendRefs of a rule on this parent, validated: none on an inbound route (its requests go to the Server's
   * pods); on an outbound one the rule's backends, or when it names none the parent Service port or the EgressNetwork
   * itself (the original destination). @internal
   */
  public _backendRefs(problems: PropProblems, where: string, backends: HttpBackend[] | undefined): Array<Record<string, unknown>> | undefined {
    if (this.server !== undefined) {
      if (backends !== undefined) {
        problems.invalid(`${where} backends`, backends.map((b) => b.service.name),
          'no backends on an inbound route (parent: a Server); requests go to the Server\'s pods');
      }
      return undefined;
    }
    if (backends !== undefined) return renderBackends(problems, where, backends, this._namespace);
    if (this.egressNetwork !== undefined) return [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: this.egressNetwork.name, weight: 1 }];
    return renderBackends(problems, where, [HttpBackend.service(this.service!, { port: this.port })], this._namespace);
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

/** Options every route takes, whatever its kind and parent. */
export interface RouteBaseOptions {
  /**
   * Metadata of the object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * Host names the route applies to (matched against the request's host / `:authority`): at most 16 DNS names,
   * lowercase, optionally with a leading `*.` wildcard.
   * @default - every host name
   */
  readonly hostnames?: string[];
}

/** What the shared construction reads of a rule, whatever the route's kind. @internal */
export interface RouteRuleBase {
  readonly matches?: readonly unknown[];
}

/** What the shared construction reads of a route's props. @internal */
export interface RouteBaseProps extends RouteBaseOptions {
  readonly parent: RouteParent;
  readonly rules: readonly RouteRuleBase[];
}

/** The parts of a route's construction that depend on its kind. @internal */
export interface RouteKindParts {
  /** How the route's API spells the core group in a Service parentRef. */
  readonly coreGroup: '' | 'core';
  /** What is allowed instead, when a route of this kind cannot attach to `server`; `undefined` when it can. */
  readonly refuseServer: (server: IServer) => string | undefined;
  /** Creates the API object, construct id `Resource`, of the route. */
  readonly createResource: (route: Construct, metadata: ApiObjectMetadata, spec: Record<string, unknown>) => ApiObject;
  /**
   * Renders one rule of the props, recording its problems; the match count is already checked. A method, so that
   * each kind declares `rule` as its own rule type.
   */
  renderRule(problems: PropProblems, rule: RouteRuleBase, where: string): Record<string, unknown>;
}

/**
 * What every route shares (`HttpRoute`, `GrpcRoute`): its parent (a Server, a Service port or an EgressNetwork
 * port), the validation of that parent, of the rules' count, matches count and backends, of the host names and of
 * the namespace; the rendered object and its metadata; retries and timeouts (`RetriesAndTimeouts`) on outbound routes;
 * grants (`grantAccess`, …) on inbound ones. Subclassed by the route kinds of this library only.
 */
export abstract class RouteBase extends GrantTarget implements IRetriesAndTimeoutsTarget {
  /** Name of the rendered object. */
  public readonly name: string;
  /** Namespace of the rendered object (the chart's). */
  public readonly namespace: string | undefined;
  /** The Server, Service port or EgressNetwork port the route attaches to. */
  public readonly parent: RouteParent;
  /** The rendered object, e.g. for annotations (the generated Gateway API or Linkerd class stays inside). */
  public readonly apiObject: ApiObject;
  /** The kind of route, for `RetriesAndTimeouts` (which retry annotation Linkerd reads on it). */
  public abstract readonly routeKind: 'HTTPRoute' | 'GRPCRoute';

  /**
   * Validates and renders what routes share, in the order the problems are reported, and asks `kind` for the rest.
   * The kind's parts are arguments, not abstract methods: they run before the subclass's own fields are set.
   * @internal
   */
  protected constructor(scope: Construct, id: string, props: RouteBaseProps, kind: RouteKindParts) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    this.parent = props.parent;
    const { server, service, port, egressNetwork } = props.parent;
    const refused = server === undefined ? undefined : kind.refuseServer(server);
    if (refused !== undefined) problems.invalid('parent Server proxyProtocol', server!.proxyProtocol, refused);
    if (service !== undefined) validateServicePort(problems, 'parent port', service, port!);
    if (egressNetwork !== undefined) problems.add(portNumberProblem('parent EgressNetwork port', port!));
    if (props.rules.length < 1 || props.rules.length > 16) problems.invalid('rules count', props.rules.length, '1..16 rules');

    const spec = {
      parentRefs: [props.parent._parentRef(kind.coreGroup)],
      hostnames: renderHostnames(problems, props.hostnames),
      rules: props.rules.map((rule, index) => {
        const where = `rules[${index}]`;
        if (rule.matches !== undefined && (rule.matches.length < 1 || rule.matches.length > 8)) {
          problems.invalid(`${where} matches count`, rule.matches.length, '1..8 matches, or leave matches unset to match every request');
        }
        return kind.renderRule(problems, rule, where);
      }),
    };
    this.apiObject = kind.createResource(this, { ...props.metadata }, spec);
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
    return { group: this.apiObject.apiGroup, kind: this.apiObject.kind, name: this.name };
  }
}

/**
 * Records a problem when a match lists more than 16 entries of a kind (`header`, `query parameter`) or a name twice
 * (names compare case-insensitively, as HTTP header names do). @internal
 */
export function validateMatchNames(problems: PropProblems, where: string, kind: string, names: readonly string[]): void {
  const lowercase = names.map((name) => name.toLowerCase());
  if (names.length > 16 || new Set(lowercase).size !== lowercase.length) {
    problems.invalid(`${where} ${kind} matches`, names, `at most 16, each ${kind} name at most once per match`);
  }
}

/**
 * The backendRefs of an outbound route rule, validated: ports of the Services, weights 0..1000000 with one above 0,
 * each Service port once, Services in the parent's namespace. `group`, `kind` and `weight` are explicit, as the API
 * server would default them (no Argo CD drift).
 */
function renderBackends(problems: PropProblems, where: string, backends: HttpBackend[],
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

/** The `hostnames` of a route, validated as the Gateway API CRDs do (at most 16; RFC 1123 names, optional `*.`). */
function renderHostnames(problems: PropProblems, hostnames: readonly string[] | undefined): string[] | undefined {
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

/** Records a problem unless `port` is a port of the Service. */
function validateServicePort(problems: PropProblems, what: string, service: IMeshService, port: number): void {
  problems.add(portNumberProblem(what, port));
  const ports = service.ports.map((p) => p.port);
  if (!ports.includes(port)) problems.invalid(what, port, `a port of Service ${service.name} (${ports.join(', ') || 'none'})`);
}
