import { fieldPath } from '../field-path';
import { labelValueError, qualifiedNameError } from '../syntax/names';
import { IndexedObject, Report } from '../target-index';
import { asArray, asObject, asString, isObject } from '../values';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * ValidateLabelSelector of k8s.io/apimachinery/pkg/apis/meta/v1/validation: matchLabels keys and values, and
 * matchExpressions with a known operator, values for In/NotIn only, qualified keys and label values.
 */
export function checkLabelSelector(object: IndexedObject, selector: unknown, path: string, report: Report, checkMatchLabels = true): void {
  const value = asObject(selector);
  if (!value) return;
  if (checkMatchLabels && isObject(value.matchLabels)) {
    for (const [key, label] of Object.entries(value.matchLabels)) {
      const keyError = qualifiedNameError(key);
      if (keyError) report(object, fieldPath(path, 'matchLabels', key), 'core/label-key', keyError);
      const valueError = typeof label === 'string' ? labelValueError(label) : undefined;
      if (valueError) report(object, fieldPath(path, 'matchLabels', key), 'core/label-value', valueError);
    }
  }
  asArray(value.matchExpressions).forEach((entry, i) => {
    const expression = asObject(entry) ?? {};
    const expressionPath = fieldPath(path, 'matchExpressions', i);
    checkRequirement(object, expression, expressionPath, report, OPERATORS, qualifiedNameError);
  });
}

/** The shared rules of label selector and node selector requirements (ValidateLabelSelectorRequirement, validateNodeSelectorRequirement). */
export function checkRequirement(
  object: IndexedObject, expression: Record<string, unknown>, path: string, report: Report,
  operators: readonly string[], keyError: (key: string) => string | undefined,
): void {
  const operator = asString(expression.operator) ?? '';
  const values = asArray(expression.values);
  if (!operators.includes(operator)) {
    report(object, fieldPath(path, 'operator'), 'core/selector-operator',
      `operator "${operator}" is not a valid selector operator; allowed: ${operators.join(', ')}`);
  } else if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    report(object, fieldPath(path, 'values'), 'core/selector-values', `operator ${operator} needs at least one value`);
  } else if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
    report(object, fieldPath(path, 'values'), 'core/selector-values', `operator ${operator} takes no values; allowed: omit values`);
  } else if ((operator === 'Gt' || operator === 'Lt') && (values.length !== 1 || !/^-?[0-9]+$/.test(String(values[0])))) {
    report(object, fieldPath(path, 'values'), 'core/selector-values', `operator ${operator} needs exactly one integer value`);
  }
  const key = asString(expression.key) ?? '';
  const error = keyError(key);
  if (error) report(object, fieldPath(path, 'key'), 'core/label-key', error);
  values.forEach((v, j) => {
    const valueError = typeof v === 'string' && operator !== 'Gt' && operator !== 'Lt' ? labelValueError(v) : undefined;
    if (valueError) report(object, fieldPath(path, 'values', j), 'core/label-value', valueError);
  });
}
