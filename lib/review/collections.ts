/** Adds a value to the list at `key` in place (copying the list on every add made building an index quadratic). */
export function appendTo<K, T>(map: Map<K, T[]>, key: K, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Code-point order, the same on every machine (`localeCompare` is not). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
