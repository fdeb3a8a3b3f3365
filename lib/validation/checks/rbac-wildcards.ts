import { RBAC } from '../api-groups';
import { fieldPath } from '../field-path';
import { asArray, asObject } from '../values';
import { TargetCheck } from './target-check';

const RULE_FIELDS = ['verbs', 'resources', 'apiGroups', 'nonResourceURLs'];

/** Roles must list what they grant: a "*" grants everything, including what future API versions add. */
export const checkRbacWildcards: TargetCheck = (index, report) => {
  for (const role of [...index.ofKind(RBAC, 'Role'), ...index.ofKind(RBAC, 'ClusterRole')]) {
    asArray(role.manifest.rules).forEach((value, i) => {
      const rule = asObject(value) ?? {};
      for (const field of RULE_FIELDS) {
        asArray(rule[field]).forEach((entry, j) => {
          if (entry === '*') report(role, fieldPath('rules', i, field, j), 'safety/rbac-wildcard',
            `wildcard "*" in ${field}; allowed: explicit ${field}`);
        });
      }
    });
  }
};
