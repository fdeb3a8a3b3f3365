/** One object to validate and where it came from. */
export interface ValidationSubject {
  /** A Kubernetes object as plain JSON (apiVersion, kind, metadata, ...). */
  readonly manifest: Record<string, unknown>;
  /** Construct path (e.g. "booksapp/authors/Server") or "file.yaml#3" (document index). */
  readonly source: string;
}

/** A render target: the objects applied together (one dist/<target>/ folder, one Argo CD Application). */
export interface ValidationTarget {
  readonly name: string;
  readonly subjects: readonly ValidationSubject[];
}

/** One thing wrong with one object. */
export interface ValidationProblem {
  readonly target: string;
  /** The subject's source, as given. */
  readonly source: string;
  /** e.g. "policy.linkerd.io/Server booksapp/authors-server" ("core" for the core group, no namespace for cluster-scoped kinds). */
  readonly object: string;
  /** JSON path inside the object, e.g. "spec.rules[0].matches[0].path.value" ("" for the whole object). */
  readonly field: string;
  /** Stable rule id, e.g. "schema/unknown-field", "cel", "ref/httproute-parent". */
  readonly rule: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

export interface ValidateOptions {
  /**
   * ServiceAccount identities ("ns/name") that live outside the target and may be referenced by MeshTLSAuthentication.
   * @default none
   */
  readonly externalServiceAccounts?: readonly string[];
}
