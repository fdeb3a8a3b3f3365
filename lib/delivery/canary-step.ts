import { Duration } from 'cdk8s';
import { AnalysisArgValue } from './analysis-metric';
import { PrometheusAnalysisTemplate } from './prometheus-analysis-template';

/** An analysis that a rollout runs: a template object and the values of its arguments. */
export interface AnalysisReference {
  /** The template to run (the object, so that its name and arguments cannot be mistyped). */
  readonly template: PrometheusAnalysisTemplate;
  /**
   * Argument values, by argument name; they replace the template's defaults (for example,
   * the Linkerd metrics read the canary pod template hash and the rollout namespace).
   * @default - each argument gets the value its metric defines
   */
  readonly args?: Readonly<Record<string, AnalysisArgValue>>;
}

/** A background analysis: runs alongside the canary steps and aborts the rollout when it fails. */
export interface BackgroundAnalysis extends AnalysisReference {
  /**
   * Index of the step at which the analysis starts.
   * @default 0, from the first step
   */
  readonly startingStep?: number;
}

/** One step of a canary strategy. */
export class CanaryStep {
  /** Send `percent` of the traffic (0..100) to the canary; a later step may lower it again. */
  public static setWeight(percent: number): CanaryStep {
    return new CanaryStep({ setWeight: percent });
  }

  /** Wait, then go on to the next step by itself. Whole seconds, at least 1s. */
  public static pause(duration: Duration): CanaryStep {
    return new CanaryStep({ pause: duration });
  }

  /** Wait until someone promotes the rollout (`kubectl argo rollouts promote`). */
  public static pauseUntilPromoted(): CanaryStep {
    return new CanaryStep({ pause: 'untilPromoted' });
  }

  /**
   * Send requests carrying these headers to the canary, whatever the weight: the plugin adds a rule named `name` to
   * each route with `headerRouting` (copied from the route's rule, plus the header matches, canary backend only),
   * and removes every such rule when the rollout ends. 1..n matches; names are the rollout's managed routes.
   */
  public static setHeaderRoute(name: string, matches: CanaryHeaderMatch[]): CanaryStep {
    return new CanaryStep({ setHeaderRoute: { name, matches } });
  }

  /** Remove the header rule `name` added by an earlier `setHeaderRoute` step. */
  public static removeHeaderRoute(name: string): CanaryStep {
    return new CanaryStep({ setHeaderRoute: { name, matches: undefined } });
  }

  /** Run an analysis and go on only when it succeeds; every metric of the template must have a count. */
  public static analysis(reference: AnalysisReference): CanaryStep {
    return new CanaryStep({ analysis: reference });
  }

  private constructor(
    /** What the step does; exactly one field is set. */
    public readonly action: {
      readonly setWeight?: number;
      readonly pause?: Duration | 'untilPromoted';
      readonly analysis?: AnalysisReference;
      /** A header route; `matches` unset removes it. */
      readonly setHeaderRoute?: { readonly name: string; readonly matches: readonly CanaryHeaderMatch[] | undefined };
    },
  ) {}
}

/**
 * A header condition of `CanaryStep.setHeaderRoute`. The plugin renders `prefix` as the regular expression
 * `<prefix>.*`, so a prefix may not contain regular expression syntax.
 */
export class CanaryHeaderMatch {
  /** The header has exactly this value. */
  public static exact(header: string, value: string): CanaryHeaderMatch {
    return new CanaryHeaderMatch(header, 'exact', value);
  }

  /** The header starts with this value (letters, digits and `-_.~/:@ ` only: the plugin makes it a regex). */
  public static prefix(header: string, value: string): CanaryHeaderMatch {
    return new CanaryHeaderMatch(header, 'prefix', value);
  }

  /** The header matches this RE2 regular expression. */
  public static regex(header: string, pattern: string): CanaryHeaderMatch {
    return new CanaryHeaderMatch(header, 'regex', pattern);
  }

  private constructor(
    /** The header name. */
    public readonly header: string,
    /** How the value is compared. */
    public readonly type: 'exact' | 'prefix' | 'regex',
    /** The value, prefix or pattern. */
    public readonly value: string,
  ) {}
}

/**
 * How many pods a rollout may add above, or take below, the desired replicas while it
 * progresses: an absolute count or a percentage of the replicas.
 */
export class PodBudget {
  /** An absolute number of pods (>= 0). */
  public static count(pods: number): PodBudget {
    return new PodBudget(pods, `${pods}`);
  }

  /** A percentage of the desired replicas (0..100). */
  public static percent(percent: number): PodBudget {
    return new PodBudget(percent, `${percent}%`);
  }

  private constructor(
    /** The number, pods or percent. */
    public readonly amount: number,
    /** The value as Kubernetes takes it: an integer, or a string ending in `%`. */
    public readonly text: string,
  ) {}

  /** Whether this is a percentage. */
  public get isPercent(): boolean {
    return this.text.endsWith('%');
  }
}
