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

/** Converts a JSON pointer ("/spec/ports/0") into a field path, using the document to tell array indices from map keys. */
export function pointerToFieldPath(pointer: string, document: unknown): string {
  if (pointer === '') return '';
  let path = '';
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(key);
      path = fieldPath(path, index);
      current = current[index];
    } else {
      path = fieldPath(path, key);
      current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}
