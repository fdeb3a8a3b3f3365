import { RBAC } from '../api-groups';
import { fieldPath } from '../field-path';
import { dns1123SubdomainError, pathSegmentNameError } from '../syntax/names';
import { IndexedObject, Report } from '../target-index';
import { asArray, asObject, asString, JsonObject } from '../values';
import { checkLabelSelector } from './label-selectors';
import { TargetCheck } from './target-check';

const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

/**
 * pkg/apis/rbac/validation: ValidatePolicyRule for Role and ClusterRole rules and aggregation selectors,
 * ValidateRoleBindingRoleRef and ValidateRoleBindingSubject for bindings, after the API server's defaulting of an empty
 * roleRef or User/Group apiGroup to rbac.authorization.k8s.io.
 */
export const checkRbacObjects: TargetCheck = (index, report) => {
  for (const role of index.ofKind(RBAC, 'Role')) checkRules(role, true, report);
  for (const role of index.ofKind(RBAC, 'ClusterRole')) {
    checkRules(role, false, report);
    asArray(asObject(role.manifest.aggregationRule)?.clusterRoleSelectors).forEach((selector, i) => {
      checkLabelSelector(role, selector, fieldPath('aggregationRule.clusterRoleSelectors', i), report);
    });
  }
  for (const binding of index.ofKind(RBAC, 'RoleBinding')) checkBinding(binding, false, report);
  for (const binding of index.ofKind(RBAC, 'ClusterRoleBinding')) checkBinding(binding, true, report);
};

function checkRules(role: IndexedObject, namespaced: boolean, report: Report): void {
  asArray(role.manifest.rules).forEach((value, i) => {
    const rule = asObject(value) ?? {};
    const path = fieldPath('rules', i);
    if (asArray(rule.verbs).length === 0) report(role, fieldPath(path, 'verbs'), 'core/rbac-rule', 'a rule needs at least one verb');
    const urls = asArray(rule.nonResourceURLs);
    if (urls.length > 0) {
      if (namespaced) report(role, fieldPath(path, 'nonResourceURLs'), 'core/rbac-rule',
        'a Role is namespaced, so its rules cannot apply to non-resource URLs; allowed: nonResourceURLs in a ClusterRole');
      else if (asArray(rule.apiGroups).length > 0 || asArray(rule.resources).length > 0) {
        report(role, fieldPath(path, 'nonResourceURLs'), 'core/rbac-rule',
          'a rule lists both resources and non-resource URLs; allowed: one or the other per rule');
      }
      return;
    }
    if (asArray(rule.apiGroups).length === 0) report(role, fieldPath(path, 'apiGroups'), 'core/rbac-rule',
      'a resource rule needs at least one API group ("" for the core group)');
    if (asArray(rule.resources).length === 0) report(role, fieldPath(path, 'resources'), 'core/rbac-rule',
      'a resource rule needs at least one resource');
  });
}

function checkBinding(binding: IndexedObject, clusterWide: boolean, report: Report): void {
  const roleRef = asObject(binding.manifest.roleRef) ?? {};
  const apiGroup = asString(roleRef.apiGroup) || RBAC;
  if (apiGroup !== RBAC) report(binding, 'roleRef.apiGroup', 'core/rbac-roleref',
    `roleRef.apiGroup "${apiGroup}" is not supported; allowed: ${RBAC} (the group only, without a version)`);
  const kinds = clusterWide ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  const kind = asString(roleRef.kind) ?? '';
  if (!kinds.includes(kind)) report(binding, 'roleRef.kind', 'core/rbac-roleref',
    `roleRef.kind "${kind}" is not supported; allowed: ${kinds.join(', ')}`);
  const name = asString(roleRef.name) ?? '';
  if (name === '') report(binding, 'roleRef.name', 'core/rbac-roleref', 'roleRef.name is required');
  else {
    const error = pathSegmentNameError(name);
    if (error) report(binding, 'roleRef.name', 'core/rbac-roleref', `roleRef.name ${error}`);
  }
  asArray(binding.manifest.subjects).forEach((value, i) => checkSubject(binding, asObject(value) ?? {}, fieldPath('subjects', i), clusterWide,
    report));
}

function checkSubject(binding: IndexedObject, subject: JsonObject, path: string, clusterWide: boolean, report: Report): void {
  const name = asString(subject.name) ?? '';
  const kind = asString(subject.kind) ?? '';
  const apiGroup = asString(subject.apiGroup) ?? '';
  if (name === '') report(binding, fieldPath(path, 'name'), 'core/rbac-subject', 'subject name is required');
  if (kind === 'ServiceAccount') {
    const error = name === '' ? undefined : dns1123SubdomainError(name);
    if (error) report(binding, fieldPath(path, 'name'), 'core/rbac-subject', `ServiceAccount ${error}`);
    if (apiGroup !== '') report(binding, fieldPath(path, 'apiGroup'), 'core/rbac-subject',
      `apiGroup "${apiGroup}" is not supported for a ServiceAccount; allowed: "" (or omit it)`);
    if (clusterWide && !asString(subject.namespace)) report(binding, fieldPath(path, 'namespace'), 'core/rbac-subject',
      'a ServiceAccount subject of a ClusterRoleBinding needs a namespace');
  } else if (kind === 'User' || kind === 'Group') {
    if (apiGroup !== '' && apiGroup !== RBAC) report(binding, fieldPath(path, 'apiGroup'), 'core/rbac-subject',
      `apiGroup "${apiGroup}" is not supported for a ${kind}; allowed: ${RBAC}`);
  } else {
    report(binding, fieldPath(path, 'kind'), 'core/rbac-subject', `subject kind "${kind}" is not supported; allowed: ${SUBJECT_KINDS.join(', ')}`);
  }
}
