import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { EgressNetwork as EgressNetworkResource, EgressNetworkSpecTrafficPolicy } from '../../imports/linkerd-egress-network-policy.linkerd.io';
import { PropProblems, objectNameProblem } from '../common';
import { Network } from './network';

/** What an EgressNetwork does with traffic that none of its routes describes. */
export enum EgressTrafficPolicy {
  /** Let it through (routes then only shape what they match: timeouts, retries, filters). */
  ALLOW = 'Allow',
  /** Refuse it: only what an attached route matches may leave (the default here: secure by default). */
  DENY = 'Deny',
}

/** Properties of an `EgressNetwork`. */
export interface EgressNetworkProps {
  /**
   * Metadata of the object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * Traffic no attached route describes.
   * @default EgressTrafficPolicy.DENY
   */
  readonly trafficPolicy?: EgressTrafficPolicy;
  /**
   * The destinations this object captures.
   * @default - every address outside the cluster networks (Linkerd's default, not rendered)
   */
  readonly networks?: Network[];
}

/**
 * A Linkerd `EgressNetwork` (policy.linkerd.io/v1alpha1, Linkerd 2.17+): meshed clients' traffic to destinations
 * outside the cluster, in its networks, made visible and subject to a traffic policy. In the namespace of the
 * clients it applies to them; in Linkerd's global egress namespace (`linkerd-egress` by default) to clients of
 * namespaces that have none. Attach routes with `RouteParent.egressNetwork(network, port)`: an `HttpRoute` or
 * `GrpcRoute` on it allows (with `DENY`) what it matches and sends it on to its original destination.
 */
export class EgressNetwork extends Construct {
  public readonly name: string;
  public readonly namespace: string | undefined;
  public readonly trafficPolicy: EgressTrafficPolicy;

  constructor(scope: Construct, id: string, props: EgressNetworkProps = {}) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    if (props.networks !== undefined && props.networks.length === 0) {
      problems.invalid('networks', [], 'at least one network, or leave networks unset for every address outside the cluster');
    }
    const networks = props.networks?.map((network) => network._render(problems));
    const cidrs = (networks ?? []).map((n) => n.cidr);
    if (new Set(cidrs).size !== cidrs.length) problems.invalid('networks', cidrs, 'each CIDR at most once');
    problems.throwIfAny();
    this.trafficPolicy = props.trafficPolicy ?? EgressTrafficPolicy.DENY;
    const resource = new EgressNetworkResource(this, 'Resource', {
      metadata: { ...props.metadata },
      spec: { trafficPolicy: this.trafficPolicy as unknown as EgressNetworkSpecTrafficPolicy, networks },
    });
    this.name = resource.name;
    this.namespace = resource.metadata.namespace;
  }
}
