import { celFindings } from '../cel/cel-validator';
import { applyDefaults } from '../schema/apply-defaults';
import { SchemaRegistry } from '../schema/schema-registry';
import { IndexedObject, Report } from '../target-index';

/** Checks an object against the exact schema of its apiVersion/kind, then (for custom resources) its CEL rules. */
export function checkSchema(object: IndexedObject, registry: SchemaRegistry, report: Report): void {
  const { apiVersion, kind } = object.manifest;
  if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
    report(object, typeof apiVersion !== 'string' || apiVersion === '' ? 'apiVersion' : 'kind', 'schema/required',
      'apiVersion and kind are required to identify the object\'s schema');
    return;
  }
  const lookup = registry.lookup(object.id.group, object.id.version, object.id.kind);
  if (!lookup.found) {
    report(object, '', 'schema/unknown-kind', lookup.message);
    return;
  }
  // The API server validates the defaulted object, and CEL rules rely on defaults (e.g. a path match's value "/").
  const document = lookup.crdSchema ? applyDefaults(object.manifest, lookup.crdSchema) : object.manifest;
  for (const finding of registry.validator.validate(document, lookup.schema)) report(object, finding.field, finding.rule, finding.message);
  if (lookup.crdSchema) {
    for (const finding of celFindings(document, lookup.crdSchema)) report(object, finding.field, finding.rule, finding.message);
  }
}
