import { ApiObjectMetadataDefinition, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PropProblems, integerProblem } from '../common';
import { addAnnotationsOnce } from './annotations';
import { gatewayDuration } from './gateway-duration';

/** HTTP responses that are retried. */
export class HttpRetryCondition {
  /** Any 5xx status. */
  public static serverErrors(): HttpRetryCondition {
    return new HttpRetryCondition('5xx', 500, 599);
  }

  /** 502, 503 and 504. */
  public static gatewayErrors(): HttpRetryCondition {
    return new HttpRetryCondition('gateway-error', 502, 504);
  }

  /** One status code, 100..599. */
  public static status(code: number): HttpRetryCondition {
    return new HttpRetryCondition(String(code), code, code);
  }

  /** A range of status codes, both ends included. */
  public static range(from: number, to: number): HttpRetryCondition {
    return new HttpRetryCondition(`${from}-${to}`, from, to);
  }

  private constructor(public readonly value: string, public readonly from: number, public readonly to: number) {}
}

/** gRPC statuses that are retried. */
export enum GrpcRetryCondition {
  CANCELLED = 'cancelled',
  DEADLINE_EXCEEDED = 'deadline-exceeded',
  INTERNAL = 'internal',
  RESOURCE_EXHAUSTED = 'resource-exhausted',
  UNAVAILABLE = 'unavailable',
}

/** Retry policy. */
export interface RetryOptions {
  /**
   * HTTP responses to retry.
   * @default - HTTP responses are not retried
   */
  readonly http?: HttpRetryCondition[];
  /**
   * gRPC statuses to retry.
   * @default - gRPC responses are not retried
   */
  readonly grpc?: GrpcRetryCondition[];
  /**
   * Retries of one request at most: 1..100.
   * @default 1 (Linkerd's default, not rendered)
   */
  readonly limit?: number;
  /**
   * Timeout of each attempt, after which it is retried.
   * @default - no per-attempt timeout
   */
  readonly timeout?: Duration;
}

/**
 * What Linkerd reads retry and timeout annotations from: a Service (every route to it; any
 * `IMeshService`, a `CanaryRollout`'s included), an outbound `HttpRoute` or an outbound `GrpcRoute`.
 */
export interface IRetriesAndTimeoutsTarget extends IConstruct {
  /** The metadata the annotations are added to. */
  readonly metadata: ApiObjectMetadataDefinition;
  /** Name of the object, for errors. */
  readonly name: string;
  /**
   * The kind of route the target is (`HTTPRoute` reads `retry.linkerd.io/http`, `GRPCRoute` reads `retry.linkerd.io/grpc`).
   * @default - not a route: a Service (cdk8s-plus Services have no such member)
   */
  readonly routeKind?: 'HTTPRoute' | 'GRPCRoute';
  /**
   * Whether a route target is outbound (parent: a Service or an EgressNetwork); Linkerd reads these annotations on those only.
   * @default - not a route: a Service
   */
  readonly isOutbound?: boolean;
}

/** Properties of `RetriesAndTimeouts`. */
export interface RetriesAndTimeoutsProps {
  /** A Service (all routes to it), an outbound HttpRoute or an outbound GrpcRoute. */
  readonly target: IRetriesAndTimeoutsTarget;
  /**
   * Retries.
   * @default - no retries
   */
  readonly retries?: RetryOptions;
  /**
   * Time limit of a whole request, retries included.
   * @default - no limit
   */
  readonly requestTimeout?: Duration;
  /**
   * Time limit of the response stream once headers arrive.
   * @default - no limit
   */
  readonly responseTimeout?: Duration;
  /**
   * Time a request or response stream may be idle.
   * @default - no limit
   */
  readonly idleTimeout?: Duration;
}

/**
 * Linkerd retries and timeouts by annotation (`retry.linkerd.io/*`, `timeout.linkerd.io/*`) on a
 * Service or an outbound HTTPRoute, which meshed clients apply to requests they send.
 */
export class RetriesAndTimeouts extends Construct {
  /** The annotations set on the target. */
  public readonly annotations: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: RetriesAndTimeoutsProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.target.routeKind !== undefined && !props.target.isOutbound) {
      problems.invalid('target', `inbound route ${props.target.name}`, 'a Service or an outbound route (parent: a Service)');
    }
    if (props.target.routeKind === 'GRPCRoute' && props.retries?.http?.length) {
      problems.invalid('HTTP retry conditions on GrpcRoute', props.target.name,
        'gRPC retry conditions only (Linkerd reads retry.linkerd.io/grpc on a GRPCRoute)');
    }
    const annotations: Record<string, string> = {};
    const retries = props.retries;
    if (retries !== undefined) {
      if (!retries.http?.length && !retries.grpc?.length) {
        problems.invalid('retries', '{}', 'at least one HTTP or gRPC retry condition');
      }
      if (retries.http?.length) {
        for (const condition of retries.http) {
          const { from, to } = condition;
          if (!Number.isInteger(from) || !Number.isInteger(to) || from < 100 || to > 599 || from > to) {
            problems.invalid('HTTP retry condition', condition.value, 'status codes 100..599, ranges with from <= to');
          }
        }
        annotations['retry.linkerd.io/http'] = retries.http.map((c) => c.value).join(',');
      }
      if (retries.grpc?.length) {
        if (new Set(retries.grpc).size !== retries.grpc.length) problems.invalid('gRPC retry conditions', retries.grpc,
          'each status at most once');
        annotations['retry.linkerd.io/grpc'] = retries.grpc.join(',');
      }
      if (retries.limit !== undefined) {
        problems.add(integerProblem('retry limit', retries.limit, 1, 100));
        annotations['retry.linkerd.io/limit'] = String(retries.limit);
      }
      if (retries.timeout !== undefined) annotations['retry.linkerd.io/timeout'] = gatewayDuration(problems, 'retry timeout', retries.timeout);
    }
    if (props.requestTimeout !== undefined) annotations['timeout.linkerd.io/request'] = gatewayDuration(problems, 'requestTimeout',
      props.requestTimeout);
    if (props.responseTimeout !== undefined) annotations['timeout.linkerd.io/response'] = gatewayDuration(problems, 'responseTimeout',
      props.responseTimeout);
    if (props.idleTimeout !== undefined) annotations['timeout.linkerd.io/idle'] = gatewayDuration(problems, 'idleTimeout', props.idleTimeout);
    if (retries === undefined && Object.keys(annotations).length === 0) problems.invalid('props', '{}', 'retries and/or at least one timeout');
    problems.throwIfAny();

    addAnnotationsOnce(problems, props.target.node.path, props.target.metadata, annotations);
    problems.throwIfAny();
    this.annotations = annotations;
  }
}
