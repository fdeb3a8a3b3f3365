import { Duration } from 'cdk8s';

/** Options of an automated sync. */
export interface AutomatedSyncOptions {
  /**
   * Delete live objects that are no longer in the rendered folder.
   * Safe here because `npm run render` refuses to publish empty renders and vanished targets.
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Revert changes made to live objects outside Git (kubectl edit, other controllers),
   * except for the fields listed in the Application's ignoreDifferences.
   * @default true
   */
  readonly selfHeal?: boolean;
}

/**
 * When Argo CD syncs an Application. `allowEmpty` is deliberately not offered: an
 * automated sync of an empty folder with pruning would delete every live object.
 */
export class SyncPolicy {
  /** Sync whenever the rendered branch changes. */
  public static automated(options: AutomatedSyncOptions = {}): SyncPolicy {
    return new SyncPolicy({ prune: options.prune ?? true, selfHeal: options.selfHeal ?? true });
  }

  /** Sync only when someone presses Sync (or runs `argocd app sync`). */
  public static manual(): SyncPolicy {
    return new SyncPolicy(undefined);
  }

  private constructor(
    /** The automated settings; undefined for manual syncs. */
    public readonly automated: Required<AutomatedSyncOptions> | undefined,
  ) {}
}

/** Options of a retry with exponential backoff. */
export interface SyncRetryBackoffOptions {
  /** Attempts after the first failed sync. @default 5 */
  readonly limit?: number;
  /** Wait before the first retry. @default Duration.seconds(5) */
  readonly initialDelay?: Duration;
  /** Each further wait is the previous one times this factor. @default 2 */
  readonly factor?: number;
  /** The longest wait between two attempts. @default Duration.minutes(3) */
  readonly maxDelay?: Duration;
}

/**
 * How Argo CD retries a failed sync. A Server-before-client mistake or a CRD that
 * is not yet established often fails one sync and succeeds on the next.
 */
export class SyncRetry {
  /** Retry with exponential backoff (Argo CD's own defaults unless overridden). */
  public static backoff(options: SyncRetryBackoffOptions = {}): SyncRetry {
    return new SyncRetry(
      options.limit ?? 5,
      options.initialDelay ?? Duration.seconds(5),
      options.factor ?? 2,
      options.maxDelay ?? Duration.minutes(3),
    );
  }

  private constructor(
    /** Attempts after the first failed sync. */
    public readonly limit: number,
    /** Wait before the first retry. */
    public readonly initialDelay: Duration,
    /** Growth factor of the wait. */
    public readonly factor: number,
    /** The longest wait. */
    public readonly maxDelay: Duration,
  ) {}
}
