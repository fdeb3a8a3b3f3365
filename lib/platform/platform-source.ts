/** Where a platform component's manifests come from: a pinned Helm chart or a pinned Git tag. */
export class PlatformSource {
  /**
   * A Helm chart from a chart repository, at an exact version (no ranges: a sync never picks up a new release by itself).
   * Argo CD renders it (`helm template`) with `values` as `helm.valuesObject`; nothing is downloaded at synth time.
   */
  public static helmChart(options: HelmChartSourceOptions): PlatformSource {
    return new PlatformSource(options.repoUrl, options.version, options.chart, undefined, options.values ?? {}, options.releaseName);
  }

  /** A folder of plain manifests in a Git repository at a release tag (e.g. Gateway API's CRDs, which are not a Helm chart). */
  public static gitTag(options: GitTagSourceOptions): PlatformSource {
    return new PlatformSource(options.repoUrl, options.tag, undefined, options.path, undefined, undefined);
  }

  private constructor(
    /** Chart repository or Git clone URL. */
    public readonly repoUrl: string,
    /** The exact chart version or Git tag. */
    public readonly revision: string,
    /** The chart's name; undefined for a Git source. */
    public readonly chart: string | undefined,
    /** The folder inside the Git repository; undefined for a chart. */
    public readonly path: string | undefined,
    /** The chart's values; undefined for a Git source. */
    public readonly values: Readonly<Record<string, unknown>> | undefined,
    /** The Helm release name; undefined for Argo CD's default (the Application's name). */
    public readonly releaseName: string | undefined,
  ) {}
}

/** Options of {@link PlatformSource.helmChart}. */
export interface HelmChartSourceOptions {
  /** The chart repository, e.g. `https://helm.linkerd.io/edge`. */
  readonly repoUrl: string;
  /** The chart's name in the repository. */
  readonly chart: string;
  /** The exact chart version, e.g. `2026.8.3`. */
  readonly version: string;
  /** Helm values, rendered as `helm.valuesObject`. @default {} (the chart's defaults) */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Helm release name. @default - the Application's name */
  readonly releaseName?: string;
}

/** Options of {@link PlatformSource.gitTag}. */
export interface GitTagSourceOptions {
  /** Clone URL of the repository. */
  readonly repoUrl: string;
  /** The release tag, e.g. `v1.1.1`. */
  readonly tag: string;
  /** The folder of manifests inside the repository. */
  readonly path: string;
}
