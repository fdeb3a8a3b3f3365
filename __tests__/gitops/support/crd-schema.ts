import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

type Schema = Record<string, any>;

/** ObjectMeta fields a rendered manifest may set (the API server validates metadata separately from the CRD schema). */
const OBJECT_META: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 253 },
    namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
  },
};

/**
 * The API server's strict field validation of one CRD, approximated: the served version's
 * structural schema, where an object with declared properties accepts no other field unless
 * it preserves unknown fields, plus ObjectMeta. Returns the problems of a manifest.
 */
export function crdValidator(crdFile: string): (manifest: unknown) => string[] {
  const crd = parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', crdFile), 'utf8'));
  // The Argo CD CRDs' formats are int32/int64 only, which `type: integer` already checks.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  for (const version of crd.spec.versions.filter((v: Schema) => v.served)) {
    const schema = strictify(version.schema.openAPIV3Schema);
    schema.properties.metadata = OBJECT_META;
    schema.required = [...new Set([...(schema.required ?? []), 'apiVersion', 'kind', 'metadata'])];
    schema.properties.apiVersion = { const: `${crd.spec.group}/${version.name}` };
    schema.properties.kind = { const: crd.spec.names.kind };
    validators.set(`${crd.spec.group}/${version.name}`, ajv.compile(schema));
  }
  return (manifest) => {
    const validate = validators.get((manifest as { apiVersion?: string }).apiVersion ?? '');
    if (validate === undefined) return [`apiVersion ${(manifest as { apiVersion?: string }).apiVersion} is not served by ${crdFile}`];
    if (validate(manifest)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
  };
}

function strictify(schema: Schema): Schema {
  const copy: Schema = { ...schema };
  if (copy['x-kubernetes-int-or-string']) {
    delete copy.type;
    copy.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (copy.properties) {
    copy.properties = Object.fromEntries(Object.entries(copy.properties).map(([k, v]) => [k, strictify(v as Schema)]));
    if (!copy['x-kubernetes-preserve-unknown-fields'] && copy.additionalProperties === undefined) copy.additionalProperties = false;
  }
  if (copy.items) copy.items = strictify(copy.items);
  if (typeof copy.additionalProperties === 'object') copy.additionalProperties = strictify(copy.additionalProperties);
  for (const key of Object.keys(copy)) if (key.startsWith('x-kubernetes-')) delete copy[key];
  return copy;
}
