import { ApiObjectMetadata } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PropProblems, objectNameProblem, portNumberProblem } from '../common';
import { IMeshService } from './mesh-service';

/** Whether the ALB is reachable from the internet. */
export enum AlbScheme {
  INTERNET_FACING = 'internet-facing',
  INTERNAL = 'internal',
}

/** How the ALB reaches the pods. */
export enum AlbTargetType {
  /** Straight to pod IPs (VPC CNI); the pods' Linkerd proxies see the ALB as an unmeshed client. */
  IP = 'ip',
  /** Through a NodePort on every node. */
  INSTANCE = 'instance',
}

/** A listener of the ALB. */
export class AlbListenPort {
  /** An HTTP listener. */
  public static http(port: number = 80): AlbListenPort {
    return new AlbListenPort('HTTP', port);
  }

  /** An HTTPS listener (needs a certificate, e.g. `alb.ingress.kubernetes.io/certificate-arn` or ACM discovery). */
  public static https(port: number = 443): AlbListenPort {
    return new AlbListenPort('HTTPS', port);
  }

  private constructor(public readonly protocol: 'HTTP' | 'HTTPS', public readonly port: number) {}
}

/** Properties of an `AlbIngress`. */
export interface AlbIngressProps {
  /**
   * Metadata of the Ingress: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /** The Service requests are forwarded to. */
  readonly service: IMeshService;
  /** The Service port. */
  readonly port: number;
  /** Host name the Ingress answers for; ExternalDNS creates its DNS record. */
  readonly hostname: string;
  /**
   * Whether the ALB is internet-facing.
   * @default AlbScheme.INTERNAL
   */
  readonly scheme?: AlbScheme;
  /**
   * How the ALB reaches the pods.
   * @default AlbTargetType.IP
   */
  readonly targetType?: AlbTargetType;
  /**
   * Listeners.
   * @default [AlbListenPort.http(80)]
   */
  readonly listenPorts?: AlbListenPort[];
}

/**
 * An Ingress for the AWS Load Balancer Controller (`ingressClassName: alb`) with its scheme,
 * target type and listeners, and the ExternalDNS host name annotation; all paths go to one
 * Service port.
 */
export class AlbIngress extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: AlbIngressProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    problems.add(objectNameProblem('hostname', props.hostname));
    if (!props.hostname.includes('.')) problems.invalid('hostname', props.hostname, 'a fully qualified DNS name such as "app.example.com"');
    problems.add(portNumberProblem('port', props.port));
    const ports = props.service.ports.map((p) => p.port);
    if (!ports.includes(props.port)) problems.invalid('port', props.port, `a port of Service ${props.service.name} (${ports.join(', ')})`);
    const listenPorts = props.listenPorts ?? [AlbListenPort.http()];
    if (listenPorts.length === 0) problems.invalid('listenPorts', [], 'at least one listener');
    for (const listener of listenPorts) problems.add(portNumberProblem(`${listener.protocol} listen port`, listener.port));
    const listeners = listenPorts.map((l) => `${l.protocol}:${l.port}`);
    if (new Set(listeners).size !== listeners.length) problems.invalid('listenPorts', listeners, 'each protocol and port at most once');
    problems.throwIfAny();

    const ingress = new k8s.KubeIngress(this, 'Resource', {
      metadata: {
        ...props.metadata,
        annotations: {
          ...props.metadata?.annotations,
          'external-dns.alpha.kubernetes.io/hostname': props.hostname,
          'alb.ingress.kubernetes.io/scheme': props.scheme ?? AlbScheme.INTERNAL,
          'alb.ingress.kubernetes.io/target-type': props.targetType ?? AlbTargetType.IP,
          'alb.ingress.kubernetes.io/listen-ports': JSON.stringify(listenPorts.map((l) => ({ [l.protocol]: l.port }))),
        },
      },
      spec: {
        ingressClassName: 'alb',
        rules: [{
          host: props.hostname,
          http: {
            paths: [{
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: props.service.name, port: { number: props.port } } },
            }],
          },
        }],
      },
    });
    this.name = ingress.name;
  }
}
