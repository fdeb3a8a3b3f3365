import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { IServiceAccount, LabelSelectorRequirement, Workload } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import {
  ServerV1Beta3,
  ServerV1Beta3SpecPodSelectorMatchExpressionsOperator as SelectorOperator,
} from '../../imports/linkerd-server-policy.linkerd.io';
import { identify } from '../validation/object-identity';
import { findPodTemplate } from '../validation/pod-templates';
import { asArray, asObject } from '../validation/values';
import { PropProblems, objectNameProblem, portNumberProblem } from '../common';
import { AccessPolicy } from './access-policy';
import { IAuthorizationTarget, PolicyReference } from './authentication';
import { Grant, GrantOptions, grantIdentities, grantNetworks, grantPublic, grantServiceAccounts } from './authorization-policy';
import { MeshIdentity } from './mesh-identity';
import { Network } from './network';
import { ProxyProtocol } from './proxy-protocol';
import { ProbeAuthorization, ProbeAuthorizationOptions } from './probe-authorization';

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

/** A container port declared by the pods of an {@link IServerWorkload}. */
export interface ServerContainerPort {
  /** Name of the container that declares the port. */
  readonly container: string;
  /**
   * Name of the port (`ports[].name`).
   * @default - the port has no name and can only be selected by number
   */
  readonly name?: string;
  /** The port number (`ports[].containerPort`). */
  readonly number: number;
}

/** The label selector of the pods of an {@link IServerWorkload}. */
export interface ServerPodSelector {
  /** Labels every selected pod carries. */
  readonly matchLabels: Readonly<Record<string, string>>;
  /**
   * Set-based requirements on the pod labels.
   * @default - none
   */
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/**
 * What a `Server` needs from the workload whose pods it selects. cdk8s-plus `Workload`s
 * (Deployment, StatefulSet, …) are accepted as they are; other constructs that own a pod
 * template implement this interface, e.g. lib/delivery's `CanaryRollout`.
 */
export interface IServerWorkload extends IConstruct {
  /**
   * The selector of the workload's pods: it must select every pod the workload runs (for a
   * canary, the stable and the canary pods alike), and only those.
   */
  readonly podSelector: ServerPodSelector;
  /** Every container port of the pod template, in container order. */
  readonly declaredContainerPorts: readonly ServerContainerPort[];
  /**
   * The object whose rendered manifest holds the pod template (`spec.template`); the Server
   * reads the HTTP probes from it, so they are exactly what the kubelet will request.
   */
  readonly podTemplateObject: ApiObject;
}

/** What a Server reads from its workload: an `IServerWorkload`'s members, without the construct. */
type SelectedPods = Pick<IServerWorkload, 'podSelector' | 'declaredContainerPorts' | 'podTemplateObject'>;

/** The selected pods of either kind of workload: a cdk8s-plus Workload is read through its own API. */
function selectedPodsOf(workload: Workload | IServerWorkload): SelectedPods {
  if (!(workload instanceof Workload)) return workload;
  return {
    podSelector: { matchLabels: workload.matchLabels, matchExpressions: workload.matchExpressions },
    declaredContainerPorts: workload.containers.flatMap((c) => c.ports.map((p) => ({ container: c.name, name: p.name, number: p.number }))),
    podTemplateObject: ApiObject.of(workload),
  };
}

/** Properties of a `Server`. */
export interface ServerProps {
  /**
   * Metadata of the object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * The workload whose pods the Server selects; its pod selector becomes the Server's. A
   * cdk8s-plus `Workload` (Deployment, StatefulSet, …) or an `IServerWorkload` such as a
   * `CanaryRollout`, whose selector covers its stable and canary pods.
   */
  readonly workload: Workload | IServerWorkload;
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
   * Authorization of the kubelet's HTTP probes on this port, created when the first HTTPRoute
   * attaches to the Server (Linkerd stops authorizing probes by default from then on).
   * @default - enabled, with names derived from the Server's name
   */
  readonly probeAuthorization?: ProbeAuthorizationOptions;
}

/**
 * A Linkerd `Server` (policy.linkerd.io/v1beta3): a port of a workload's pods whose inbound
 * traffic is subject to authorization policy.
 *
 * The pod selector is the workload's own selector and the port must exist on its containers.
 * Once the first HTTPRoute attaches, the kubelet's HTTP probes on this port are authorized by a
 * derived probe route, NetworkAuthentication and AuthorizationPolicy (see `probeAuthorization`).
 */
export class Server extends Construct implements IAuthorizationTarget {
  public readonly name: string;
  public readonly namespace: string | undefined;
  public readonly authorizationTargetRef: PolicyReference;
  /** The workload whose pods are selected. */
  public readonly workload: Workload | IServerWorkload;
  /** The selected container port's number. */
  public readonly portNumber: number;
  public readonly proxyProtocol: ProxyProtocol;
  public readonly accessPolicy: AccessPolicy;
  private readonly pods: SelectedPods;
  private readonly probeOptions: ProbeAuthorizationOptions;
  private probe?: ProbeAuthorization;
  private probeRequested = false;

  constructor(scope: Construct, id: string, props: ServerProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    this.workload = props.workload;
    this.pods = selectedPodsOf(props.workload);
    this.proxyProtocol = props.proxyProtocol ?? ProxyProtocol.UNKNOWN;
    this.accessPolicy = props.accessPolicy ?? AccessPolicy.DENY;
    this.probeOptions = props.probeAuthorization ?? {};

    const matchLabels = { ...this.pods.podSelector.matchLabels };
    const matchExpressions = this.pods.podSelector.matchExpressions ?? [];
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
    this.node.addValidation({ validate: () => this.validateProbeAuthorization() });
    if (this.proxyProtocol === ProxyProtocol.GRPC) this.node.addValidation({ validate: () => this.validateGrpcServerProbes() });
  }

  /**
   * Paths of the HTTP probes of the workload's containers on this port, sorted, read from the
   * workload's rendered pod template (so they are exactly what the kubelet will request).
   */
  public get probePaths(): string[] {
    const manifest = this.pods.podTemplateObject.toJson();
    const containers = asArray(findPodTemplate(identify(manifest, () => false), manifest)?.spec.containers);
    const paths = new Set<string>();
    for (const container of containers.map(asObject)) {
      for (const field of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const httpGet = asObject(asObject(container?.[field])?.httpGet);
        if (httpGet === undefined || httpGet.scheme === 'HTTPS') continue;
        // A named probe port refers to a port of the probed container itself.
        const port = typeof httpGet.port === 'number' ? httpGet.port
          : asArray(container?.ports).map(asObject).find((p) => p?.name === httpGet.port)?.containerPort;
        if (port === this.portNumber) paths.add(typeof httpGet.path === 'string' ? httpGet.path : '/');
      }
    }
    return [...paths].sort();
  }

  /** The kubelet probes of the workload's containers on this port, by handler (`httpGet`, `grpc`), from the rendered pod template. */
  private probesOnPort(): { http: number; grpc: number } {
    const manifest = this.pods.podTemplateObject.toJson();
    const containers = asArray(findPodTemplate(identify(manifest, () => false), manifest)?.spec.containers).map(asObject);
    const counts = { http: 0, grpc: 0 };
    for (const container of containers) {
      for (const field of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const probe = asObject(container?.[field]);
        const handler = asObject(probe?.httpGet) ?? asObject(probe?.grpc);
        if (handler === undefined) continue;
        const port = typeof handler.port === 'number' ? handler.port
          : asArray(container?.ports).map(asObject).find((p) => p?.name === handler.port)?.containerPort;
        if (port === this.portNumber) counts[probe?.grpc !== undefined ? 'grpc' : 'http'] += 1;
      }
    }
    return counts;
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

  /** The probe authorization, once a route is attached and the containers have HTTP probes on this port. */
  public get probeAuthorization(): ProbeAuthorization | undefined {
    return this.probe;
  }

  /**
   * Authorizes meshed clients running as these ServiceAccounts on every route of this Server:
   * creates a MeshTLSAuthentication of exactly these identities and an AuthorizationPolicy.
   */
  public grantAccess(serviceAccounts: IServiceAccount[], options?: GrantOptions): Grant {
    return grantServiceAccounts(this, serviceAccounts, options);
  }

  /**
   * Authorizes meshed clients with these identities (ServiceAccounts of other namespaces by name, every identity of a
   * namespace, any meshed client) on every route of this Server: a MeshTLSAuthentication of the identities and an AuthorizationPolicy.
   */
  public grantIdentityAccess(identities: MeshIdentity[], options?: GrantOptions): Grant {
    return grantIdentities(this, identities, options);
  }

  /** Authorizes clients from these networks, meshed or not, on every route of this Server. */
  public grantNetworkAccess(networks: Network[], options?: GrantOptions): Grant {
    return grantNetworks(this, networks, options);
  }

  /**
   * Authorizes every client, meshed or not, from any address, on every route of this Server: a NetworkAuthentication of 0.0.0.0/0
   * and ::/0 and an AuthorizationPolicy requiring it (`<server>-public-authz`/`-authn`). The one way to admit everyone
   * explicitly; an AuthorizationPolicy without authentications is refused.
   */
  public grantPublicAccess(options?: GrantOptions): Grant {
    return grantPublic(this, options);
  }

  /**
   * Called by an HTTPRoute whose parent is this Server.
   * @internal
   */
  public _attachRoute(): void {
    if (this.probeRequested || !(this.probeOptions.enabled ?? true)) return;
    // Set before the probe route attaches itself, so that its attachment does not recurse.
    this.probeRequested = true;
    const paths = this.probePaths;
    if (paths.length > 0) this.probe = new ProbeAuthorization(this, 'ProbeAuthorization', { ...this.probeOptions, server: this, paths });
  }

  /** The probe route was derived when the first route attached: containers or probes added since would go unauthorized. */
  private validateProbeAuthorization(): string[] {
    if (!this.probeRequested) return [];
    const authorized = this.probe?.paths ?? [];
    const probed = this.probePaths;
    if (probed.join('\n') === authorized.join('\n')) return [];
    return [`HTTP probe paths [${probed.join(', ')}] of ${this.workload.node.path} on port ${this.portNumber} are invalid: the probe `
      + `authorization derived when the first HttpRoute attached covers [${authorized.join(', ')}]; allowed: add every container `
      + 'and probe of the workload before the first HttpRoute attaches to this Server'];
  }

  private resolvePort(problems: PropProblems, port: string | number): number {
    const declared = this.pods.declaredContainerPorts;
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
