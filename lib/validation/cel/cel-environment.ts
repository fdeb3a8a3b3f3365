import { Environment } from '@marcbachmann/cel-js';
import { re2ToJavaScript } from '../syntax/re2';

/** The RE2 `string.matches(string)` of this environment, which rules' `.matches(` calls are renamed to. */
export const RE2_MATCHES = 're2Matches';

/** CEL macros; cel-js implements them, they are not listed among its functions. */
const MACROS = ['has', 'all', 'exists', 'exists_one', 'map', 'filter'];

/**
 * The Kubernetes CEL environment for x-kubernetes-validations: `self` plus the standard library of cel-js, which covers
 * everything the vendored CRDs use (size, has, all, exists, exists_one, filter, map, contains, startsWith, endsWith,
 * matches, duration, ...). The Kubernetes list library and regex `find`/`findAll` are added here; other Kubernetes
 * libraries (url, quantity, ip/cidr, format, authz) are not, and rules calling them are reported as unsupported.
 */
export function createKubernetesCelEnvironment(): Environment {
  return new Environment({ homogeneousAggregateLiterals: false })
    .registerVariable('self', 'dyn')
    .registerFunction({ name: 'isSorted', receiverType: 'list', returnType: 'bool', params: [],
      handler: (list: unknown[]) => list.every((item, i) => i === 0 || compare(list[i - 1], item) <= 0) })
    .registerFunction({ name: 'sum', receiverType: 'list', returnType: 'dyn', params: [], handler: sum })
    .registerFunction({ name: 'min', receiverType: 'list', returnType: 'dyn', params: [], handler: (list: unknown[]) => extreme(list, -1) })
    .registerFunction({ name: 'max', receiverType: 'list', returnType: 'dyn', params: [], handler: (list: unknown[]) => extreme(list, 1) })
    .registerFunction({ name: 'find', receiverType: 'string', returnType: 'string', params: [{ name: 'regex', type: 'string' }],
      handler: (text: string, regex: string) => re2ToJavaScript(regex).exec(text)?.[0] ?? '' })
    .registerFunction({ name: 'findAll', receiverType: 'string', returnType: 'list<string>', params: [{ name: 'regex', type: 'string' }],
      handler: (text: string, regex: string) => [...text.matchAll(re2ToJavaScript(regex, 'g'))].map((m) => m[0]) })
    // CEL's matches is RE2 (the Gateway API's GRPCRoute service rule starts with (?i)); cel-js' own takes the pattern as
    // a JavaScript RegExp and cannot be replaced, so rules call this one instead (CelRuleCompiler renames the calls).
    .registerFunction({ name: RE2_MATCHES, receiverType: 'string', returnType: 'bool', params: [{ name: 'regex', type: 'string' }],
      handler: (text: string, regex: string) => re2ToJavaScript(regex).test(text) });
}

/** Every function name a rule may call in this environment. */
export function supportedFunctionNames(environment: Environment): ReadonlySet<string> {
  return new Set([...MACROS, ...environment.getDefinitions().functions.map((definition) => definition.name)]);
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === typeof b && (typeof a === 'string' || typeof a === 'bigint' || typeof a === 'number')) {
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  throw new Error(`isSorted/min/max: cannot compare ${typeof a} with ${typeof b}`);
}

function sum(list: unknown[]): unknown {
  if (list.length === 0) return 0n;
  return list.reduce((total, item) => (total as number) + (item as number));
}

function extreme(list: unknown[], direction: 1 | -1): unknown {
  if (list.length === 0) throw new Error('min/max of an empty list');
  return list.reduce((best, item) => (compare(item, best) * direction > 0 ? item : best));
}
