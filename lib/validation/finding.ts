/** A problem of one object, before the target/source/object columns are filled in. */
export interface Finding {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}
