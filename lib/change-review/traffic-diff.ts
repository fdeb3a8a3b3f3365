import { Json, trafficSettingsOf } from '../policy';
import { compare } from './access-diff';

/** One traffic setting that differs: a client-side route weight, timeout, retry, failure accrual, rate limit, canary step or threshold. */
export interface TrafficChange {
  readonly target: string;
  /** `Kind ns/name` of the object that carries the setting. */
  readonly object: string;
  /** What the setting is, e.g. `rule 0 backend error-injector:8080 weight`, `steps[2]`, `metric success-rate successCondition`. */
  readonly setting: string;
  /** undefined when the setting is new. */
  readonly before?: string;
  /** undefined when the setting is gone. */
  readonly after?: string;
}

/**
 * The traffic settings of one render (lib/policy `trafficSettingsOf`, which the review report reads too), by
 * `object \0 setting`, values as text, so that a diff reads as `weight 10 → 20`.
 */
function settingsByKey(manifests: readonly Json[]): Map<string, string> {
  return new Map(trafficSettingsOf(manifests).map((s) => [
    `${s.object.kind} ${s.object.namespace}/${s.object.name}\u0000${s.setting}`, typeof s.value === 'string' ? s.value : JSON.stringify(s.value),
  ]));
}

/** The traffic settings of one target that differ between two renders, old → new. Deterministic order. */
export function trafficChanges(target: string, before: readonly Json[], after: readonly Json[]): TrafficChange[] {
  const was = settingsByKey(before);
  const now = settingsByKey(after);
  const keys = [...new Set([...was.keys(), ...now.keys()])].sort(compare);
  return keys.filter((k) => was.get(k) !== now.get(k)).map((key) => {
    const [object, setting] = key.split('\u0000');
    return { target, object, setting, before: was.get(key), after: now.get(key) };
  });
}
