import { ApiObjectMetadata } from 'cdk8s';
import { IServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HttpLocalRateLimitPolicy as RateLimitResource } from '../../imports/linkerd-http-local-ratelimit-policy-policy.linkerd.io';
import { PropProblems, integerProblem, objectNameProblem } from '../common';
import { serviceAccountNamespace } from './mesh-identity';
import { ProxyProtocol } from './proxy-protocol';
import type { IServer } from './server';

/** A rate limit for specific clients. */
export interface RateLimitOverride {
  /** Requests per second these clients may send together. */
  readonly requestsPerSecond: number;
  /** The clients, by ServiceAccount. */
  readonly clients: IServiceAccount[];
}

/** Properties of an `HttpLocalRateLimitPolicy`. */
export interface HttpLocalRateLimitPolicyProps {
  /**
   * Metadata of the object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /** The Server whose pods enforce the limits, each pod on its own. */
  readonly server: IServer;
  /**
   * Requests per second each pod accepts in total.
   * @default - no total limit
   */
  readonly totalRequestsPerSecond?: number;
  /**
   * Requests per second each pod accepts from any one client identity; not above the total.
   * @default - no per-identity limit
   */
  readonly requestsPerSecondPerIdentity?: number;
  /**
   * Limits for specific clients instead of the per-identity limit; not above the total.
   * @default - none
   */
  readonly overrides?: RateLimitOverride[];
}

const MAX_RPS = 2 ** 31 - 1;

/**
 * An `HTTPLocalRateLimitPolicy` (policy.linkerd.io/v1alpha1) on a Server: each selected pod's proxy
 * answers 429 beyond the total, per-identity or per-client limits.
 */
export class HttpLocalRateLimitPolicy extends Construct {
  constructor(scope: Construct, id: string, props: HttpLocalRateLimitPolicyProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    // Linkerd sends a local rate limit only for these protocols (policy-controller grpc/src/inbound.rs `to_server`); not gRPC.
    const httpProtocols = [ProxyProtocol.UNKNOWN, ProxyProtocol.HTTP1, ProxyProtocol.HTTP2];
    if (!httpProtocols.includes(props.server.proxyProtocol)) {
      problems.invalid('server proxyProtocol', props.server.proxyProtocol,
        `a protocol Linkerd rate-limits (${httpProtocols.join(', ')}); it applies no limit to others`);
    }
    const total = props.totalRequestsPerSecond;
    const identity = props.requestsPerSecondPerIdentity;
    const overrides = props.overrides ?? [];
    if (total === undefined && identity === undefined && overrides.length === 0) {
      problems.invalid('limits', '{}', 'a total, a per-identity limit and/or overrides');
    }
    if (total !== undefined) problems.add(integerProblem('totalRequestsPerSecond', total, 1, MAX_RPS));
    const ceiling = total ?? MAX_RPS;
    if (identity !== undefined) problems.add(integerProblem('requestsPerSecondPerIdentity', identity, 1, ceiling));
    const seen = new Set<string>();
    const renderedOverrides = overrides.map((override, index) => {
      problems.add(integerProblem(`overrides[${index}].requestsPerSecond`, override.requestsPerSecond, 1, ceiling));
      if (override.clients.length === 0) problems.invalid(`overrides[${index}].clients`, [], 'at least one ServiceAccount');
      return {
        requestsPerSecond: override.requestsPerSecond,
        clientRefs: override.clients.map((client) => {
          const name = client.name;
          const namespace = serviceAccountNamespace(this, client, problems);
          const key = `${namespace}/${name}`;
          if (seen.has(key)) problems.invalid('override client', key, 'each ServiceAccount in at most one override');
          seen.add(key);
          return { kind: 'ServiceAccount', name, namespace };
        }),
      };
    });
    problems.throwIfAny();
    const resource = new RateLimitResource(this, 'Resource', {
      metadata: { ...props.metadata },
      spec: {
        targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: props.server.name },
        total: total === undefined ? undefined : { requestsPerSecond: total },
        identity: identity === undefined ? undefined : { requestsPerSecond: identity },
        overrides: renderedOverrides.length > 0 ? renderedOverrides : undefined,
      },
    });
    if (resource.metadata.namespace !== props.server.namespace) {
      problems.invalid('server namespace', props.server.namespace ?? '(none)',
        `the policy's own namespace ${resource.metadata.namespace ?? '(none)'}`);
    }
    problems.throwIfAny();
  }
}
