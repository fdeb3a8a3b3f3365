import { asArray, asObject, asString, stringMap } from './values';

/** Whether a metav1.LabelSelector ({matchLabels, matchExpressions}) selects a label set. An empty selector selects everything. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const object = asObject(selector) ?? {};
  const matchLabels = stringMap(object.matchLabels);
  if (!Object.entries(matchLabels).every(([key, value]) => labels[key] === value)) return false;
  return asArray(object.matchExpressions).every((expression) => {
    const e = asObject(expression) ?? {};
    const key = asString(e.key) ?? '';
    const values = asArray(e.values).filter((v): v is string => typeof v === 'string');
    switch (e.operator) {
      case 'In': return key in labels && values.includes(labels[key]);
      case 'NotIn': return !(key in labels) || !values.includes(labels[key]);
      case 'Exists': return key in labels;
      case 'DoesNotExist': return !(key in labels);
      default: return false;
    }
  });
}

/** Whether a Service-style selector (a plain label map) selects a label set. */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}
