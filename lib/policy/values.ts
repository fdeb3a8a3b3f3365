/**
 * The array a manifest field holds, or none: the model reads hand-written YAML too, where a list field may hold a
 * scalar or a mapping (the schema check reports that; the model must not crash on it).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function list(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}
