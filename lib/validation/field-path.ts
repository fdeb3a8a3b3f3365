/** Builds field paths in the form used by kubectl errors: spec.rules[0].matches[0], metadata.annotations["linkerd.io/inject"]. */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function fieldPath(base: string, ...segments: ReadonlyArray<string | number>): string {
  let path = base;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}
