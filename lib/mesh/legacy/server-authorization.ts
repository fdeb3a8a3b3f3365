import { ApiObjectMetadata } from 'cdk8s';
import { IServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServerAuthorizationV1Beta1 } from '../../../imports/linkerd-server-authorization-policy.linkerd.io';
import { PropProblems, objectNameProblem } from '../../common';
import { Network } from '../network';
import type { IServer } from '../server';

/** Properties of a `ServerAuthorization`. */
export interface ServerAuthorizationProps {
  /**
   * Metadata of the object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /** The Server access is granted to. */
  readonly server: IServer;
  /** Meshed clients (mTLS) allowed, by ServiceAccount. */
  readonly serviceAccounts: IServiceAccount[];
  /**
   * Source networks the clients must come from.
   * @default - any network
   */
  readonly networks?: Network[];
}

/**
 * A `ServerAuthorization` (policy.linkerd.io/v1beta1): meshed clients running as the given
 * ServiceAccounts may use the Server.
 *
 * @deprecated Use `server.grantAccess(serviceAccounts)` (an AuthorizationPolicy with a
 * MeshTLSAuthentication), which also works per route.
 */
export class ServerAuthorization extends Construct {
  constructor(scope: Construct, id: string, props: ServerAuthorizationProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    if (props.serviceAccounts.length === 0) problems.invalid('serviceAccounts', [], 'at least one ServiceAccount');
    const serviceAccounts = props.serviceAccounts.map((sa) => {
      const { name, namespace } = sa.toSubjectConfiguration();
      return { name, namespace };
    });
    const keys = serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`);
    if (new Set(keys).size !== keys.length) problems.invalid('serviceAccounts', keys, 'each ServiceAccount at most once');
    const resource = new ServerAuthorizationV1Beta1(this, 'Resource', {
      metadata: { ...props.metadata },
      spec: {
        server: { name: props.server.name },
        client: {
          meshTls: { serviceAccounts },
          networks: props.networks?.map((n) => n._render(problems)),
        },
      },
    });
    if (resource.metadata.namespace !== props.server.namespace) {
      problems.invalid('server namespace', props.server.namespace ?? '(none)',
        `the authorization's own namespace ${resource.metadata.namespace ?? '(none)'}`);
    }
    problems.throwIfAny();
  }
}
