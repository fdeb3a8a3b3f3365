import { LinkerdPolicyModel, parseIdentityMatch, serviceAccountOfIdentity } from '../../policy';
import { CORE, LINKERD_POLICY } from '../api-groups';
import { fieldPath } from '../field-path';
import { asArray, asObject } from '../values';
import { TargetCheck } from './target-check';

/**
 * Configuration Linkerd accepts but does not do what it says, found by the inbound policy evaluator (lib/policy):
 * routes, policies and rate limits Linkerd ignores or attaches elsewhere, policies that admit everyone, glob
 * characters in literal paths, and MeshTLSAuthentication identities nobody in the target can have.
 */
export const checkLinkerdPolicyModel: TargetCheck = (index, report, options) => {
  const model = new LinkerdPolicyModel(index.objects.map((o) => o.manifest));
  for (const finding of model.index.findings) {
    const { group, kind, namespace, name } = finding.object;
    const object = index.find(group === 'core' ? CORE : group, kind, namespace, name);
    if (object) report(object, finding.field, finding.rule, finding.message);
  }
  const external = new Set(options.externalServiceAccounts ?? []);
  const namespaces = new Set(
    index.objects.flatMap((o) => (o.id.kind === 'Namespace' && o.id.group === CORE ? [o.id.name] : o.id.namespace ? [o.id.namespace] : [])),
  );
  for (const authn of index.ofKind(LINKERD_POLICY, 'MeshTLSAuthentication')) {
    asArray(asObject(authn.manifest.spec)?.identities).forEach((identity, i) => {
      if (typeof identity !== 'string' || parseIdentityMatch(identity).kind !== 'exact') return;
      const account = serviceAccountOfIdentity(identity, model.cluster);
      if (!account || !namespaces.has(account.namespace) || account.name === 'default') return;
      if (index.find(CORE, 'ServiceAccount', account.namespace, account.name) || external.has(`${account.namespace}/${account.name}`)) return;
      report(
        authn,
        fieldPath('spec.identities', i),
        'semantic/meshtls-unknown-identity',
        `identity "${identity}" names ServiceAccount ` +
          `${account.namespace}/${account.name}, which namespace ${account.namespace} of this target does not have, so no client can ` +
          'present it and the ' +
          'authorization never matches; allowed: the identity of a ServiceAccount of the target ' +
          `(${index.namesOf(CORE, 'ServiceAccount', account.namespace)}), ` +
          `or declare "${account.namespace}/${account.name}" in externalServiceAccounts`,
      );
    });
  }
};
