/**
 * The part of cdk8s-cli's validation plugin API (`cdk8s-cli/lib/plugins/validation.d.ts`, 2.207) that the plugin
 * uses, declared here so that the project type-checks without the CLI installed (it is a tool installed on demand).
 * The CLI calls `validate(context)` on an instance of the class named in cdk8s.yaml.
 */
export interface ValidationContext {
  /** Paths of the synthesized manifest files (relative to the working directory, as the CLI found them). */
  readonly manifests: readonly string[];
  /** Construct path by resource name (`metadata.name`), when the app recorded construct metadata. */
  readonly metadata: { readonly [resourceName: string]: { readonly path: string } };
  readonly report: ValidationReport;
}

export interface ValidationReport {
  addViolation(violation: ValidationViolation): void;
  submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
}

export interface ValidationViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: ReadonlyArray<{ readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string }>;
}

/** What the CLI requires of a plugin class instance. */
export interface Validation {
  validate(context: ValidationContext): Promise<void>;
}
