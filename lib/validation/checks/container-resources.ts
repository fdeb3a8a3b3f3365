import { fieldPath } from '../field-path';
import { qualifiedNameError } from '../syntax/names';
import { compareQuantities, isNegativeQuantity, isWholeQuantity, parseQuantity, QUANTITY_SYNTAX, QuantityValue } from '../syntax/quantity';
import { IndexedObject, Report } from '../target-index';
import { asObject, JsonObject } from '../values';

const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

/**
 * ValidateResourceRequirements / validateContainerResourceName of pkg/apis/core/validation: resource names, quantities
 * that are not negative, requests at most their limits, and extended resources (a domain, not kubernetes.io) as whole
 * numbers whose request equals a limit that must be set.
 */
export function checkContainerResources(object: IndexedObject, container: JsonObject, path: string, report: Report): void {
  const resources = asObject(container.resources);
  if (!resources) return;
  const resourcesPath = fieldPath(path, 'resources');
  const limits = readQuantities(object, asObject(resources.limits), fieldPath(resourcesPath, 'limits'), report);
  const requests = readQuantities(object, asObject(resources.requests), fieldPath(resourcesPath, 'requests'), report);
  for (const [name, request] of requests) {
    const requestPath = fieldPath(resourcesPath, 'requests', name);
    const limit = limits.get(name);
    if (isExtendedResource(name)) {
      if (!limit) report(object, fieldPath(resourcesPath, 'limits'), 'core/resource-limit',
        `extended resource "${name}" has a request but no limit; allowed: a limit equal to the request (extended resources cannot be overcommitted)`);
      else if (compareQuantities(request.value, limit.value) !== 0) {
        report(object, requestPath, 'core/resource-limit',
          `request ${request.text} for "${name}" differs from its limit ${limit.text}; allowed: a request equal to the limit (extended resources cannot be overcommitted)`);
      }
    } else if (limit && compareQuantities(request.value, limit.value) > 0) {
      report(object, requestPath, 'core/resource-limit',
        `request ${request.text} exceeds the ${name} limit of ${limit.text}; allowed: requests less than or equal to limits`);
    }
  }
}

interface Quantity {
  readonly text: string;
  readonly value: QuantityValue;
}

function readQuantities(object: IndexedObject, list: JsonObject | undefined, path: string, report: Report): Map<string, Quantity> {
  const result = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(list ?? {})) {
    const entryPath = fieldPath(path, name);
    const nameError = resourceNameError(name);
    if (nameError) report(object, entryPath, 'core/resource-name', nameError);
    const value = parseQuantity(raw);
    if (!value) continue; // the schema's quantity format reports the syntax
    const text = String(raw);
    if (isNegativeQuantity(value)) report(object, entryPath, 'core/resource-quantity',
      `quantity ${text} is negative; allowed: ${QUANTITY_SYNTAX}, at least 0`);
    else if (isExtendedResource(name) && !isWholeQuantity(value)) {
      report(object, entryPath, 'core/resource-quantity', `quantity ${text} of extended resource "${name}" is not a whole number; allowed: integers`);
    }
    result.set(name, { text, value });
  }
  return result;
}

/** validateContainerResourceName: a standard container resource, hugepages-<size>, or a fully qualified name. */
function resourceNameError(name: string): string | undefined {
  const syntax = qualifiedNameError(name);
  if (syntax) return `resource name ${syntax}`;
  if (name.includes('/')) return undefined;
  if (STANDARD_CONTAINER_RESOURCES.includes(name) || name.startsWith('hugepages-')) return undefined;
  return `resource name "${name}" is not a standard container resource; `
    + 'allowed: cpu, memory, ephemeral-storage, hugepages-<size>, or a name with a domain like example.com/gpu';
}

/** helper.IsExtendedResourceName: outside the kubernetes.io domain, not a native resource. */
function isExtendedResource(name: string): boolean {
  if (!name.includes('/')) return false;
  const domain = name.slice(0, name.indexOf('/'));
  return domain !== 'kubernetes.io' && !domain.endsWith('.kubernetes.io') && !name.startsWith('requests.');
}
