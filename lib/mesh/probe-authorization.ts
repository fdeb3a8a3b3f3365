import { Construct } from 'constructs';
import { invalidValueProblem, throwIfProblems } from '../common';
import { AuthorizationPolicy } from './authorization-policy';
import { HttpRoute, HttpRouteApi } from './http-route';
import { HttpMethod, PathMatch } from './http-route-match';
import { Network } from './network';
import { NetworkAuthentication } from './network-authentication';
import { RouteParent } from './route-base';
import type { IServer } from './server';

/** How a Server authorizes the kubelet's HTTP probes once routes guard its port. */
export interface ProbeAuthorizationOptions {
  /**
   * Whether to authorize the probes. Disable it only when the probes are authorized otherwise
   * (e.g. a route and policy of your own), or pods never become ready.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Name of the probe HTTPRoute.
   * @default `<server name>-probe-route`
   */
  readonly routeName?: string;
  /**
   * Name of the NetworkAuthentication of the probing networks.
   * @default `<server name>-probe-authn`
   */
  readonly authenticationName?: string;
  /**
   * Name of the AuthorizationPolicy.
   * @default `<server name>-probe-policy`
   */
  readonly policyName?: string;
  /**
   * Networks the kubelet probes from (its node addresses). Only GET on the exact probe paths is
   * authorized from them, which is what Linkerd's built-in probe authorization allows from
   * any network when a Server has no routes.
   * @default - every IPv4 and IPv6 address
   */
  readonly networks?: Network[];
  /**
   * API of the probe HTTPRoute.
   * @default HttpRouteApi.GATEWAY_V1
   */
  readonly api?: HttpRouteApi;
}

/** Properties of a `ProbeAuthorization`. */
export interface ProbeAuthorizationProps extends ProbeAuthorizationOptions {
  /** The Server whose port is probed. */
  readonly server: IServer;
  /** The HTTP probe paths of the Server's containers on its port. */
  readonly paths: readonly string[];
}

/**
 * Authorizes kubelet probes on a Server: an inbound HTTPRoute matching GET on exactly the probe
 * paths, a NetworkAuthentication of the probing networks and an AuthorizationPolicy joining them.
 * Created by the first `server.addHttpRoute(...)` of a Server; use it directly only with `enabled: false` there.
 */
export class ProbeAuthorization extends Construct {
  public readonly route: HttpRoute;
  public readonly authentication: NetworkAuthentication;
  public readonly policy: AuthorizationPolicy;
  /** The probe paths authorized. */
  public readonly paths: readonly string[];

  constructor(scope: Construct, id: string, props: ProbeAuthorizationProps) {
    super(scope, id);
    throwIfProblems(this, [props.paths.length === 0 ? invalidValueProblem('paths', [], 'at least one HTTP probe path') : undefined]);
    this.paths = [...props.paths];
    const serverName = props.server.name;
    this.route = new HttpRoute(this, 'Route', {
      metadata: { name: props.routeName ?? `${serverName}-probe-route` },
      api: props.api,
      parent: RouteParent._server(props.server),
      rules: [{ matches: props.paths.map((path) => ({ method: HttpMethod.GET, path: PathMatch.exact(path) })) }],
    });
    this.authentication = new NetworkAuthentication(this, 'Authentication', {
      metadata: { name: props.authenticationName ?? `${serverName}-probe-authn` },
      networks: props.networks ?? [Network.anyIpv4(), Network.anyIpv6()],
    });
    this.policy = new AuthorizationPolicy(this, 'Policy', {
      metadata: { name: props.policyName ?? `${serverName}-probe-policy` },
      target: this.route,
      requiredAuthentications: [this.authentication],
    });
  }
}
