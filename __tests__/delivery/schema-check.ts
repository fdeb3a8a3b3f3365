import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import Ajv, { ValidateFunction } from 'ajv';
import * as yaml from 'yaml';

/*
 * A stand-in for the API server's strict field validation until the project's schema+CEL
 * validator is merged: structural OpenAPI checks with unknown fields rejected (as
 * `kubectl apply --validate=strict` does), plus the CRDs' CEL rules.
 */

type Schema = Record<string, any>;
type Manifest = { apiVersion: string; kind: string; [key: string]: any };

const ROOT = path.join(__dirname, '..', '..');

/** Rejects unknown fields wherever the schema lists the known ones and does not preserve unknown ones. */
function strict(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] = key === 'properties' || key === 'definitions'
      ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, strict(v)]))
      : strict(value);
  }
  if (copy.properties && copy.additionalProperties === undefined && !copy['x-kubernetes-preserve-unknown-fields']) {
    copy.additionalProperties = false;
  }
  return copy;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, { validate: ValidateFunction; schema?: Schema }>();

function crdSchema(group: string, version: string, kind: string): Schema | undefined {
  const files = fs.readdirSync(path.join(ROOT, 'crds'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml')).sort();
  for (const file of files) {
    for (const doc of yaml.parseAllDocuments(fs.readFileSync(path.join(ROOT, 'crds', file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition' || crd.spec.group !== group || crd.spec.names.kind !== kind) continue;
      const served = crd.spec.versions.find((v: any) => v.name === version && v.served);
      if (served) return served.schema.openAPIV3Schema;
    }
  }
  return undefined;
}

function coreValidator(group: string, version: string, kind: string): ValidateFunction {
  const { definitions } = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/kubernetes/v1.28.0_definitions.json'), 'utf8'));
  const name = Object.keys(definitions).find((key) => (definitions[key]['x-kubernetes-group-version-kind'] ?? [])
    .some((g: any) => g.group === group && g.version === version && g.kind === kind));
  if (name === undefined) throw new Error(`no schema for ${group}/${version} ${kind}`);
  return ajv.compile({ definitions: strict(definitions), $ref: `#/definitions/${name}` });
}

function validatorFor(manifest: Manifest) {
  const [group, version] = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/') : ['', manifest.apiVersion];
  const key = `${group}/${version}/${manifest.kind}`;
  if (!validators.has(key)) {
    // A CRD if one is vendored for the kind, else the core Kubernetes schema.
    const schema = crdSchema(group, version, manifest.kind);
    validators.set(key, schema
      ? { validate: ajv.compile(strict({ ...schema, properties: { ...schema.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } } })), schema }
      : { validate: coreValidator(group, version, manifest.kind) });
  }
  return validators.get(key)!;
}

/**
 * What the API server would reject in the manifests: schema errors, unknown fields and failed
 * CEL rules. CEL runs in one child process because the CEL library is an ES module, which
 * jest's CommonJS runtime cannot load.
 */
export function apiServerProblems(manifests: readonly Manifest[]): string[] {
  const withCel: { manifest: Manifest; schema: Schema }[] = [];
  const structural = manifests.flatMap((manifest) => {
    const { validate, schema } = validatorFor(manifest);
    if (schema !== undefined) withCel.push({ manifest, schema });
    return (validate(manifest) ? [] : validate.errors ?? []).map((e) => `${manifest.kind} ${manifest.metadata?.name}: `
      + `${e.instancePath || '/'} ${e.message}${'additionalProperty' in e.params ? `: ${e.params.additionalProperty}` : ''}`);
  });
  const cel = JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'cel-check.mjs')], {
    input: JSON.stringify(withCel), encoding: 'utf8',
  })) as string[];
  return [...structural, ...cel];
}
