import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PropProblems, integerProblem } from '../common';
import { addAnnotationsOnce } from './annotations';
import { gatewayDuration, millisOf } from './gateway-duration';
import { IMeshService } from './mesh-service';

/** Properties of a `CircuitBreaker`. */
export interface CircuitBreakerProps {
  /** The Service whose endpoints meshed clients stop using while they fail (any `IMeshService`, a `CanaryRollout`'s included). */
  readonly service: IMeshService;
  /**
   * Consecutive failures after which an endpoint is made unavailable: an integer >= 1.
   * @default 7 (Linkerd's default, not rendered)
   */
  readonly maxFailures?: number;
  /**
   * Minimum time an endpoint stays unavailable before it is probed again; not above `maxPenalty`.
   * @default 1s (Linkerd's default, not rendered)
   */
  readonly minPenalty?: Duration;
  /**
   * Maximum time between probes of an unavailable endpoint; not below `minPenalty`.
   * @default 1m (Linkerd's default, not rendered)
   */
  readonly maxPenalty?: Duration;
  /**
   * Jitter ratio of the probation backoff: 0.0..100.0.
   * @default 0.5 (Linkerd's default, not rendered)
   */
  readonly jitterRatio?: number;
}

const DEFAULT_MIN_PENALTY = Duration.seconds(1);
const DEFAULT_MAX_PENALTY = Duration.minutes(1);

/**
 * Circuit breaking for a Service: consecutive-failures failure accrual
 * (`balancer.linkerd.io/failure-accrual: consecutive` and its parameters) on the Service,
 * which meshed clients honour when they balance requests over its endpoints.
 */
export class CircuitBreaker extends Construct {
  /** The annotations set on the Service. */
  public readonly annotations: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: CircuitBreakerProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    const prefix = 'balancer.linkerd.io/failure-accrual-consecutive';
    const annotations: Record<string, string> = { 'balancer.linkerd.io/failure-accrual': 'consecutive' };
    if (props.maxFailures !== undefined) {
      problems.add(integerProblem('maxFailures', props.maxFailures, 1, 2 ** 31 - 1));
      annotations[`${prefix}-max-failures`] = String(props.maxFailures);
    }
    if (props.minPenalty !== undefined) annotations[`${prefix}-min-penalty`] = gatewayDuration(problems, 'minPenalty', props.minPenalty);
    if (props.maxPenalty !== undefined) annotations[`${prefix}-max-penalty`] = gatewayDuration(problems, 'maxPenalty', props.maxPenalty);
    const min = props.minPenalty ?? DEFAULT_MIN_PENALTY;
    const max = props.maxPenalty ?? DEFAULT_MAX_PENALTY;
    if (millisOf(min) > millisOf(max)) {
      problems.invalid(props.minPenalty ? 'minPenalty' : 'maxPenalty', props.minPenalty ? min : max,
        `minPenalty <= maxPenalty (effective: ${millisOf(min)}ms > ${millisOf(max)}ms; unset values default to 1s and 1m)`);
    }
    if (props.jitterRatio !== undefined) {
      if (!Number.isFinite(props.jitterRatio) || props.jitterRatio < 0 || props.jitterRatio > 100) {
        problems.invalid('jitterRatio', props.jitterRatio, 'a number from 0.0 to 100.0');
      }
      annotations[`${prefix}-jitter-ratio`] = String(props.jitterRatio);
    }
    problems.throwIfAny();
    addAnnotationsOnce(problems, props.service.node.path, props.service.metadata, annotations);
    problems.throwIfAny();
    this.annotations = annotations;
  }
}
