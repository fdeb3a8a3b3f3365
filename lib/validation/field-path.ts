/** Builds field paths in the form used by kubectl errors: spec.rules[0].matches[0], metadata.annotations["linkerd.io/inject"]. */

export function fieldPath(base: string, ...segments: ReadonlyArray<string | number>): string {
  let path = base;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (isIdentifier(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** /^[A-Za-z_$][A-Za-z0-9_$]*$/, without a regular expression call (this runs for every field validated). */
function isIdentifier(segment: string): boolean {
  if (segment.length === 0) return false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
    if (!letter && (i === 0 || c < 48 || c > 57)) return false;
  }
  return true;
}
