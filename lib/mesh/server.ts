import { ApiObject, ApiObjectMetadata, Chart } from 'cdk8s';
import { Container, LabelSelectorRequirement } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import {
  ServerV1Beta3,
  ServerV1Beta3SpecPodSelectorMatchExpressionsOperator as SelectorOperator,
} from '../../imports/linkerd-server-policy.linkerd.io';
import { PropProblems, objectNameProblem, portNumberProblem, throwIfProblems } from '../common';
import { asArray, asObject, findPodTemplate, identify } from '../validation';
import { AccessPolicy } from './access-policy';
import { PolicyReference } from './authentication';
import { GrantTarget, IGrantTarget } from './grant-target';
import { GrpcRoute, GrpcRouteOptions } from './grpc-route';
import { HttpRoute, HttpRouteOptions } from './http-route';
import { ProbeAuthorization, ProbeAuthorizationOptions } from './probe-authorization';
import { ProxyProtocol } from './proxy-protocol';
import { RouteParent } from './route-base';

/** The port of a Server: a container port of the selected pods, by name or number. */
export class ServerPort {
  /** A container port by its name (`ports[].name` of a container). */
  public static named(name: string): ServerPort {
    return new ServerPort(name);
  }

  /** A container port by its number (`ports[].containerPort` of a container). */
  public static number(port: number): ServerPort {
    return new ServerPort(port);
  }

  private constructor(public readonly value: string | number) {}
}

/**
 * The workload whose pods a `Server` selects, in cdk8s-plus' own terms: every cdk8s-plus `Workload` (Deployment,
 * StatefulSet, DaemonSet, …, and so `MeshedDeployment`) is one as it stands, and so is lib/delivery's `CanaryRollout`.
 * The Server reads the HTTP probes from the workload's rendered pod template (its default child's `spec.template`,
 * escape hatches included), once, so they are exactly what the kubelet will request.
 */
export interface IServerWorkload extends IConstruct {
  /**
   * Labels every selected pod carries: with `matchExpressions`, a selector of every pod the workload runs (for a
   * canary, the stable and the canary pods alike), and only those.
   */
  readonly matchLabels: Record<string, string>;
  /** Set-based requirements on the pod labels. */
  readonly matchExpressions: LabelSelectorRequirement[];
  /** The pod template's containers: their ports are what a Server's port may name. */
  readonly containers: Container[];
}

/** Options of `Server.fromServerName`. */
export interface ServerImportOptions {
  /**
   * Protocol of the imported Server's port, as it was rendered: decides which routes may attach (HTTPRoutes to HTTP
   * Servers, GRPCRoutes to gRPC Servers).
   * @default ProxyProtocol.UNKNOWN
   */
  readonly proxyProtocol?: ProxyProtocol;
}

/**
 * A Linkerd Server, defined here (`Server`) or rendered elsewhere (`Server.fromServerName`): routes are added to it
 * (`addHttpRoute`, `addGrpcRoute`) and clients are granted access to every route on its port (`grantAccess`, …).
 */
export interface IServer extends IGrantTarget {
  /** Name of the Server object. */
  readonly name: string;
  /** Protocol of the Server's port. */
  readonly proxyProtocol: ProxyProtocol;
  /**
   * Adds an inbound HTTPRoute on this Server, for per-route authorization (`grantAccess` on the route). The first one
   * on a `Server` also authorizes the kubelet's HTTP probes (see `ServerProps.probeAuthorization`).
   */
  addHttpRoute(id: string, options: HttpRouteOptions): HttpRoute;
  /** Adds an inbound GRPCRoute on this (gRPC) Server, for per-method authorization (`grantAccess` on the route). */
  addGrpcRoute(id: string, options: GrpcRouteOptions): GrpcRoute;
}

/** The probes of a workload's containers on one port, read once from the rendered pod template. */
interface ProbesOnPort {
  /** Paths of the plain-HTTP `httpGet` probes, sorted. */
  readonly httpPaths: string[];
  /** Number of `httpGet` probes (HTTPS included). */
  readonly http: number;
  /** Number of `grpc` probes. */
  readonly grpc: number;
  /** How many containers the workload had when they were read. */
  readonly containerCount: number;
}

/** Properties of a `Server`. */
export interface ServerProps {
  /**
   * Metadata of the object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * The workload whose pods the Server selects; its pod selector becomes the Server's. Any cdk8s-plus `Workload`
   * (Deployment, StatefulSet, …) or a `CanaryRollout`, whose selector covers its stable and canary pods.
   */
  readonly workload: IServerWorkload;
  /** The port, which must be declared by one of the workload's containers. */
  readonly port: ServerPort;
  /**
   * Protocol of the port, rendered explicitly.
   * @default ProxyProtocol.UNKNOWN (protocol detection)
   */
  readonly proxyProtocol?: ProxyProtocol;
  /**
   * What happens to traffic no policy authorizes. Introduce a Server with `AccessPolicy.AUDIT`,
   * check `linkerd viz authz` for unauthorized clients, then switch to `DENY`.
   * @default AccessPolicy.DENY
   */
  readonly accessPolicy?: AccessPolicy;
  /**
   * Authorization of the kubelet's HTTP probes on this port, created by the first `addHttpRoute` (Linkerd stops
   * authorizing probes by default once a route guards the port). The probes are read from the workload then, so
   * give the workload all its containers before adding routes (a container added later is refused at synthesis).
   * @default - enabled, with names derived from the Server's name
   */
  readonly probeAuthorization?: ProbeAuthorizationOptions;
}

/**
 * A Linkerd `Server` (policy.linkerd.io/v1beta3): a port of a workload's pods whose inbound
 * traffic is subject to authorization policy.
 *
 * The pod selector is the workload's own selector and the port must exist on its containers.
 * Routes are added with `addHttpRoute` / `addGrpcRoute`; the first HTTPRoute also authorizes the
 * kubelet's HTTP probes on this port with a derived probe route, NetworkAuthentication and
 * AuthorizationPolicy (see `probeAuthorization`).
 */
export class Server extends GrantTarget implements IServer {
  /** A Server rendered elsewhere (another chart, hand-written YAML), in this chart's namespace, to add routes and grants to. */
  public static fromServerName(scope: Construct, id: string, serverName: string, options: ServerImportOptions = {}): IServer {
    return new ImportedServer(scope, id, serverName, options.proxyProtocol ?? ProxyProtocol.UNKNOWN);
  }

  public readonly name: string;
  public readonly namespace: string | undefined;
  public readonly authorizationTargetRef: PolicyReference;
  /** The workload whose pods are selected. */
  public readonly workload: IServerWorkload;
  /** The selected container port's number. */
  public readonly portNumber: number;
  public readonly proxyProtocol: ProxyProtocol;
  public readonly accessPolicy: AccessPolicy;
  private readonly probeOptions: ProbeAuthorizationOptions;
  private probe?: ProbeAuthorization;
  private probes?: ProbesOnPort;
  private httpRouteAdded = false;

  constructor(scope: Construct, id: string, props: ServerProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    this.workload = props.workload;
    this.proxyProtocol = props.proxyProtocol ?? ProxyProtocol.UNKNOWN;
    this.accessPolicy = props.accessPolicy ?? AccessPolicy.DENY;
    this.probeOptions = props.probeAuthorization ?? {};

    const matchLabels = { ...props.workload.matchLabels };
    const matchExpressions = props.workload.matchExpressions;
    if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) {
      problems.invalid('workload selector', '{}', `a workload with a pod selector (${props.workload.node.path} selects every pod)`);
    }
    this.portNumber = this.resolvePort(problems, props.port.value);
    problems.throwIfAny();

    const resource = new ServerV1Beta3(this, 'Resource', {
      metadata: { ...props.metadata },
      spec: {
        podSelector: {
          matchLabels,
          matchExpressions: matchExpressions.length === 0 ? undefined : matchExpressions.map((e) => ({
            key: e.key, operator: e.operator as SelectorOperator, values: e.values,
          })),
        },
        port: props.port.value,
        proxyProtocol: this.proxyProtocol,
        accessPolicy: this.accessPolicy,
      },
    });
    this.name = resource.name;
    this.namespace = resource.metadata.namespace;
    this.authorizationTargetRef = { group: 'policy.linkerd.io', kind: 'Server', name: this.name };
    this.node.addValidation({ validate: () => this.validateContainersUnchanged() });
    if (this.proxyProtocol === ProxyProtocol.GRPC) this.node.addValidation({ validate: () => this.validateGrpcServerProbes() });
  }

  /**
   * Paths of the plain-HTTP probes of the workload's containers on this port, sorted, read from the
   * workload's rendered pod template (so they are exactly what the kubelet will request).
   */
  public get probePaths(): string[] {
    return [...this.probesOnPort().httpPaths];
  }

  /** The probe authorization, once an HTTP route is added and the containers have HTTP probes on this port. */
  public get probeAuthorization(): ProbeAuthorization | undefined {
    return this.probe;
  }

  public addHttpRoute(id: string, options: HttpRouteOptions): HttpRoute {
    const route = new HttpRoute(this, id, { ...options, parent: RouteParent._server(this) });
    if (!this.httpRouteAdded && (this.probeOptions.enabled ?? true)) {
      const paths = this.probePaths;
      if (paths.length > 0) this.probe = new ProbeAuthorization(this, 'ProbeAuthorization', { ...this.probeOptions, server: this, paths });
    }
    this.httpRouteAdded = true;
    return route;
  }

  public addGrpcRoute(id: string, options: GrpcRouteOptions): GrpcRoute {
    return new GrpcRoute(this, id, { ...options, parent: RouteParent._server(this) });
  }

  /**
   * The kubelet probes of the workload's containers on this port, read once from the rendered pod template (one
   * rendering of the workload per Server, however many routes and checks ask).
   */
  private probesOnPort(): ProbesOnPort {
    if (this.probes !== undefined) return this.probes;
    const containers = renderedContainersOf(this.workload);
    const paths = new Set<string>();
    const counts = { http: 0, grpc: 0 };
    for (const container of containers) {
      for (const field of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const probe = asObject(container?.[field]);
        const httpGet = asObject(probe?.httpGet);
        const handler = httpGet ?? asObject(probe?.grpc);
        if (handler === undefined) continue;
        // A named probe port refers to a port of the probed container itself.
        const port = typeof handler.port === 'number' ? handler.port
          : asArray(container?.ports).map(asObject).find((p) => p?.name === handler.port)?.containerPort;
        if (port !== this.portNumber) continue;
        counts[httpGet === undefined ? 'grpc' : 'http'] += 1;
        if (httpGet !== undefined && httpGet.scheme !== 'HTTPS') paths.add(typeof httpGet.path === 'string' ? httpGet.path : '/');
      }
    }
    this.probes = { httpPaths: [...paths].sort(), ...counts, containerCount: this.workload.containers.length };
    return this.probes;
  }

  /**
   * Linkerd serves a gRPC Server's port as gRPC and authorizes the kubelet's probes only on HTTP ports: an HTTP probe
   * there cannot be answered, and a gRPC probe is refused unless unauthenticated clients are allowed.
   */
  private validateGrpcServerProbes(): string[] {
    const { http, grpc } = this.probesOnPort();
    const unauthenticatedAllowed = [AccessPolicy.ALL_UNAUTHENTICATED, AccessPolicy.CLUSTER_UNAUTHENTICATED, AccessPolicy.AUDIT]
      .includes(this.accessPolicy);
    const problems: string[] = [];
    const where = `of ${this.workload.node.path} on port ${this.portNumber} of the gRPC Server ${this.name}`;
    if (http > 0) {
      problems.push(`HTTP probes ${where} are invalid: the port is served as gRPC, so the kubelet's HTTP requests fail; `
        + 'allowed: probes on another port (one no Server covers), or a Server that is not gRPC');
    }
    if (grpc > 0 && !unauthenticatedAllowed) {
      problems.push(`gRPC probes ${where} are invalid: Linkerd authorizes kubelet probes on HTTP ports only, so accessPolicy `
        + `${this.accessPolicy} refuses them; allowed: an HTTP probe on a port no Server covers (Linkerd authorizes it there)`);
    }
    return problems;
  }

  /**
   * The probes were read when the first route was added: a container added since would have probes no probe route
   * authorizes (cdk8s-plus containers cannot change their probes, so counting them is enough).
   */
  private validateContainersUnchanged(): string[] {
    if (this.probes === undefined || this.probes.containerCount === this.workload.containers.length) return [];
    const late = this.workload.containers.slice(this.probes.containerCount).map((c) => c.name);
    return [`containers [${late.join(', ')}] of ${this.workload.node.path} are invalid: they were added after the Server read the `
      + `workload's probes (for its routes or its checks); allowed: every container of the workload before the first addHttpRoute`];
  }

  private resolvePort(problems: PropProblems, port: string | number): number {
    const declared = this.workload.containers.flatMap((c) => c.ports.map((p) => ({ container: c.name, name: p.name, number: p.number })));
    const describe = declared.map((p) => `${p.container}:${p.name ? `${p.name}=` : ''}${p.number}`).join(', ') || 'none';
    if (typeof port === 'number') {
      problems.add(portNumberProblem('port', port));
      if (!declared.some((p) => p.number === port)) {
        problems.invalid('port', port, `a container port of ${this.workload.node.path} (declared: ${describe})`);
      }
      return port;
    }
    const match = declared.find((p) => p.name === port);
    if (match === undefined) {
      problems.invalid('port', port, `a container port name of ${this.workload.node.path} (declared: ${describe})`);
    }
    return match?.number ?? 0;
  }
}

/** The rendered containers of each workload, with the number of containers they were rendered from. */
const RENDERED_CONTAINERS = new WeakMap<IServerWorkload, { count: number; containers: Array<Record<string, unknown> | undefined> }>();

/**
 * The containers of a workload's rendered pod template: rendered once for every Server on the workload (several ports,
 * several Servers), again only when containers were added since.
 */
function renderedContainersOf(workload: IServerWorkload): Array<Record<string, unknown> | undefined> {
  const cached = RENDERED_CONTAINERS.get(workload);
  if (cached !== undefined && cached.count === workload.containers.length) return cached.containers;
  const manifest = ApiObject.of(workload).toJson();
  const containers = asArray(findPodTemplate(identify(manifest, () => false), manifest)?.spec.containers).map(asObject);
  RENDERED_CONTAINERS.set(workload, { count: workload.containers.length, containers });
  return containers;
}

/** A Server rendered elsewhere: routes and grants attach to it by name; its probes are its own chart's concern. */
class ImportedServer extends GrantTarget implements IServer {
  public readonly namespace: string | undefined;
  public readonly authorizationTargetRef: PolicyReference;

  constructor(scope: Construct, id: string, public readonly name: string, public readonly proxyProtocol: ProxyProtocol) {
    super(scope, id);
    throwIfProblems(this, [objectNameProblem('server name', name)]);
    this.namespace = Chart.of(this).namespace;
    this.authorizationTargetRef = { group: 'policy.linkerd.io', kind: 'Server', name };
  }

  public addHttpRoute(id: string, options: HttpRouteOptions): HttpRoute {
    return new HttpRoute(this, id, { ...options, parent: RouteParent._server(this) });
  }

  public addGrpcRoute(id: string, options: GrpcRouteOptions): GrpcRoute {
    return new GrpcRoute(this, id, { ...options, parent: RouteParent._server(this) });
  }
}
