import { CORE, RBAC } from '../api-groups';
import { fieldPath } from '../field-path';
import { dns1035LabelError, dns1123LabelError, dns1123SubdomainError, labelValueError, pathSegmentNameError,
  qualifiedNameError } from '../syntax/names';
import { IndexedObject, Report } from '../target-index';
import { asObject, asString, getIn, isObject } from '../values';
import { TargetCheck } from './target-check';

const TOTAL_ANNOTATION_BYTES = 256 * 1024;

/** The API server's metadata checks: name syntax per kind, namespace, label and annotation keys and values. */
export const checkObjectMetadata: TargetCheck = (index, report) => {
  for (const object of index.objects) {
    checkName(object, report);
    checkClusterScopedNamespace(object, report);
    const metadata = asObject(object.manifest.metadata) ?? {};
    checkLabelsAndAnnotations(object, 'metadata', metadata, report);
    const template = object.podTemplate;
    if (template && template.path !== '') checkLabelsAndAnnotations(object, fieldPath(template.path, 'metadata'), template.metadata, report);
    const matchLabels = getIn(object.manifest, 'spec', 'selector', 'matchLabels');
    if (isObject(matchLabels)) checkLabelMap(object, 'spec.selector.matchLabels', matchLabels, report);
  }
};

function checkName(object: IndexedObject, report: Report): void {
  const name = asString(getIn(object.manifest, 'metadata', 'name'));
  if (name === undefined || name === '') {
    report(object, 'metadata.name', 'core/name-required', 'metadata.name is required (generateName is not supported for applied manifests)');
    return;
  }
  const { group, kind } = object.id;
  // Namespaces must be DNS labels; Services DNS-1035 labels (their name becomes a DNS label and an env var prefix);
  // RBAC objects path segments (ValidateRBACName), so "system:viewer" is a valid ClusterRole name.
  if (group === RBAC) {
    const error = pathSegmentNameError(name);
    if (error) report(object, 'metadata.name', 'core/path-segment-name', error);
  } else {
    const error = group === CORE && kind === 'Namespace' ? dns1123LabelError(name)
      : group === CORE && kind === 'Service' ? dns1035LabelError(name)
        : dns1123SubdomainError(name);
    if (error) report(object, 'metadata.name', group === CORE && kind === 'Service' ? 'core/dns1035-name' : 'core/dns1123-name', error);
  }
  const namespace = asString(getIn(object.manifest, 'metadata', 'namespace'));
  if (namespace !== undefined) {
    const namespaceError = dns1123LabelError(namespace);
    if (namespaceError) report(object, 'metadata.namespace', 'core/dns1123-name', namespaceError);
  }
}

/**
 * The API server drops metadata.namespace from cluster-scoped objects, so the live object would differ from the
 * rendered one and Argo CD would show the difference as drift forever.
 */
function checkClusterScopedNamespace(object: IndexedObject, report: Report): void {
  const namespace = asString(getIn(object.manifest, 'metadata', 'namespace'));
  if (!object.id.clusterScoped || namespace === undefined || namespace === '') return;
  const kind = `${object.id.group === CORE ? '' : `${object.id.group}/`}${object.id.kind}`;
  report(object, 'metadata.namespace', 'core/cluster-scoped-namespace',
    `${kind} is cluster-scoped, so the API server drops namespace "${namespace}" and the live object differs from this manifest; allowed: omit metadata.namespace`);
}

function checkLabelsAndAnnotations(object: IndexedObject, path: string, metadata: Record<string, unknown>, report: Report): void {
  if (isObject(metadata.labels)) checkLabelMap(object, fieldPath(path, 'labels'), metadata.labels, report);
  if (isObject(metadata.annotations)) {
    let bytes = 0;
    for (const [key, value] of Object.entries(metadata.annotations)) {
      const error = qualifiedNameError(key);
      if (error) report(object, fieldPath(path, 'annotations', key), 'core/annotation-key', error);
      bytes += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
    }
    if (bytes > TOTAL_ANNOTATION_BYTES) report(object, fieldPath(path, 'annotations'), 'core/annotation-size',
      `annotations total ${bytes} bytes; allowed: at most ${TOTAL_ANNOTATION_BYTES}`);
  }
}

function checkLabelMap(object: IndexedObject, path: string, labels: Record<string, unknown>, report: Report): void {
  for (const [key, value] of Object.entries(labels)) {
    const keyError = qualifiedNameError(key);
    if (keyError) report(object, fieldPath(path, key), 'core/label-key', keyError);
    if (typeof value === 'string') {
      const valueError = labelValueError(value);
      if (valueError) report(object, fieldPath(path, key), 'core/label-value', valueError);
    }
  }
}
