import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ServiceProfileV1Alpha2, ServiceProfileV1Alpha2SpecDstOverridesWeight } from '../../../imports/linkerd-serviceprofile-linkerd.io';
import { PropProblems, integerProblem, objectNameProblem } from '../../common';
import { gatewayDuration } from '../gateway-duration';
import { HttpMethod, regexProblem } from '../http-route-match';
import { IMeshService } from '../mesh-service';
import { outboundRoutesOf } from './conflicts';

/** A route of a ServiceProfile. */
export interface ServiceProfileRoute {
  /** Name of the route, shown in per-route metrics (e.g. `GET /api/list`). */
  readonly name: string;
  /**
   * Method the route matches.
   * @default - any method
   */
  readonly method?: HttpMethod;
  /** Regular expression the whole path must match (RE2 syntax). */
  readonly pathRegex: string;
  /**
   * Whether failed requests on this route are retried (within the profile's retry budget).
   * @default false
   */
  readonly isRetryable?: boolean;
  /**
   * Time limit of a request on this route, retries included.
   * @default - Linkerd's default of 10s
   */
  readonly timeout?: Duration;
}

/** How many retries a ServiceProfile allows, for all its retryable routes together. */
export interface RetryBudget {
  /** Retries per original request at most, over `ttl`: more than 0, at most 1. */
  readonly retryRatio: number;
  /** Retries per second always allowed, whatever the ratio: an integer >= 0. */
  readonly minRetriesPerSecond: number;
  /** Window over which the ratio is computed. */
  readonly ttl: Duration;
}

/** A weighted destination of a ServiceProfile traffic split. */
export interface DestinationOverride {
  /** The Service that receives the share. */
  readonly service: IMeshService;
  /**
   * Its port.
   * @default - the Service's only port
   */
  readonly port?: number;
  /** Relative share: an integer >= 0. */
  readonly weight: number;
}

/** Properties of a `ServiceProfile`. */
export interface ServiceProfileProps {
  /** The Service the profile describes; the profile is named after its FQDN and lives in its namespace. */
  readonly service: IMeshService;
  /**
   * Cluster DNS domain.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Routes, for per-route metrics, retries and timeouts.
   * @default - none
   */
  readonly routes?: ServiceProfileRoute[];
  /**
   * Retry budget of the retryable routes (at spec level, as the CRD requires).
   * @default - Linkerd's default budget (ratio 0.2, 10 retries/s, ttl 10s)
   */
  readonly retryBudget?: RetryBudget;
  /**
   * Weighted traffic split of requests to the Service (what SMI TrafficSplit is converted into).
   * @default - no split
   */
  readonly dstOverrides?: DestinationOverride[];
}

/**
 * A `ServiceProfile` (linkerd.io/v1alpha2): per-route metrics, retries and timeouts, and
 * optionally a weighted traffic split, for requests meshed clients send to a Service.
 *
 * @deprecated Since Linkerd 2.16 ServiceProfiles are superseded by HTTPRoutes: use an outbound
 * `HttpRoute` (GEP-1742 `timeouts`, weighted backends) with `RetriesAndTimeouts`. While a profile
 * exists for a Service, Linkerd ignores outbound HTTPRoutes on that Service; this construct
 * refuses to coexist with one.
 */
export class ServiceProfile extends Construct {
  /** Name of the profile: the Service's fully qualified DNS name. */
  public readonly name: string;
  /** The Service the profile describes. */
  public readonly service: IMeshService;

  constructor(scope: Construct, id: string, props: ServiceProfileProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    this.service = props.service;
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    problems.add(objectNameProblem('clusterDomain', clusterDomain));
    const namespace = props.service.metadata.namespace;
    if (namespace === undefined) problems.invalid('namespace of Service', props.service.name, 'a Service whose namespace is known');
    this.name = `${props.service.name}.${namespace}.svc.${clusterDomain}`;
    const routes = props.routes ?? [];
    const overrides = props.dstOverrides ?? [];
    if (routes.length === 0 && overrides.length === 0) problems.invalid('routes', [], 'at least one route or dstOverrides');

    const names = routes.map((r) => r.name);
    if (names.some((n) => n.trim() === '') || new Set(names).size !== names.length) {
      problems.invalid('route names', names, 'non-empty names, each used once');
    }
    const renderedRoutes = routes.map((route) => {
      problems.add(regexProblem(`pathRegex of route "${route.name}"`, route.pathRegex, 1024));
      return {
        name: route.name,
        condition: { method: route.method, pathRegex: route.pathRegex },
        isRetryable: route.isRetryable,
        timeout: route.timeout === undefined ? undefined : gatewayDuration(problems, `timeout of route "${route.name}"`, route.timeout),
      };
    });

    let retryBudget;
    if (props.retryBudget !== undefined) {
      const { retryRatio, minRetriesPerSecond, ttl } = props.retryBudget;
      if (!Number.isFinite(retryRatio) || retryRatio <= 0 || retryRatio > 1) {
        problems.invalid('retryBudget.retryRatio', retryRatio, 'a number above 0 and at most 1 (retries per original request)');
      }
      problems.add(integerProblem('retryBudget.minRetriesPerSecond', minRetriesPerSecond, 0, 2 ** 31 - 1));
      retryBudget = { retryRatio, minRetriesPerSecond, ttl: gatewayDuration(problems, 'retryBudget.ttl', ttl) };
      if (!routes.some((r) => r.isRetryable)) problems.invalid('retryBudget', 'set', 'a budget only when at least one route isRetryable');
    }

    const dstOverrides = overrides.map((override) => {
      problems.add(integerProblem(`weight of ${override.service.name}`, override.weight, 0, 1_000_000));
      if (override.service.metadata.namespace !== namespace) {
        problems.invalid(`namespace of ${override.service.name}`, override.service.metadata.namespace ?? '(none)',
          `the profile's namespace ${namespace}`);
      }
      const ports = override.service.ports.map((p) => p.port);
      const port = override.port ?? (ports.length === 1 ? ports[0] : undefined);
      if (port === undefined || !ports.includes(port)) {
        problems.invalid(`port of ${override.service.name}`, override.port ?? '(unset)', `one of the Service's ports (${ports.join(', ')})`);
      }
      return {
        authority: `${override.service.name}.${namespace}.svc.${clusterDomain}:${port}`,
        weight: ServiceProfileV1Alpha2SpecDstOverridesWeight.fromNumber(override.weight),
      };
    });
    if (overrides.length > 0 && !overrides.some((o) => o.weight > 0)) {
      problems.invalid('dstOverrides weights', overrides.map((o) => o.weight), 'integers >= 0, at least one > 0');
    }

    problems.throwIfAny();

    new ServiceProfileV1Alpha2(this, 'Resource', {
      metadata: { name: this.name, namespace },
      spec: {
        routes: renderedRoutes.length > 0 ? renderedRoutes : undefined,
        retryBudget,
        dstOverrides: dstOverrides.length > 0 ? dstOverrides : undefined,
      },
    });

    this.node.addValidation({
      validate: () => outboundRoutesOf(this, props.service).map((route) => `ServiceProfile ${this.name} and outbound ${route.apiObject.kind} `
        + `${route.name} (${route.node.path}) both configure Service ${props.service.name}; Linkerd uses the profile and ignores the `
        + 'route. Allowed: one of them per Service'),
    });
  }
}
