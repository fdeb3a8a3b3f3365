import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { NetworkAuthentication as NetworkAuthenticationResource } from '../../imports/linkerd-network-authentication-policy.linkerd.io';
import { PropProblems, objectNameProblem } from '../common';
import { IAuthentication, PolicyReference } from './authentication';
import { Network } from './network';

/** Properties of a `NetworkAuthentication`. */
export interface NetworkAuthenticationProps {
  /**
   * Metadata of the object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /** The client networks that are authenticated (meshed or not). */
  readonly networks: Network[];
}

/**
 * A `NetworkAuthentication` (policy.linkerd.io/v1alpha1): clients authenticated by their source
 * address, meshed or not (kubelet probes, ingress controllers outside the mesh).
 */
export class NetworkAuthentication extends Construct implements IAuthentication {
  public readonly authenticationRef: PolicyReference;
  public readonly namespace: string | undefined;

  constructor(scope: Construct, id: string, props: NetworkAuthenticationProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.networks.length === 0) problems.invalid('networks', [], 'at least one network');
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    const networks = props.networks.map((network) => network._render(problems));
    const cidrs = networks.map((n) => n.cidr);
    if (new Set(cidrs).size !== cidrs.length) problems.invalid('networks', cidrs, 'each CIDR at most once');
    problems.throwIfAny();
    const resource = new NetworkAuthenticationResource(this, 'Resource', {
      metadata: { ...props.metadata },
      spec: { networks },
    });
    this.namespace = resource.metadata.namespace;
    this.authenticationRef = { group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: resource.name };
  }
}
