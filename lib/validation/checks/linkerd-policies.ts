import { identityError } from '../../policy';
import { CORE, GATEWAY, LINKERD_POLICY } from '../api-groups';
import { fieldPath } from '../field-path';
import { selectorMatches } from '../label-selector';
import { dns1123SubdomainError } from '../syntax/names';
import { IndexedObject, Report, TargetIndex } from '../target-index';
import { asArray, asObject, asString, JsonObject, stringMap } from '../values';
import { TargetCheck } from './target-check';

const PROXY_PROTOCOLS = ['unknown', 'HTTP/1', 'HTTP/2', 'gRPC', 'opaque', 'TLS'];
export const ACCESS_POLICIES = ['deny', 'audit', 'all-unauthenticated', 'all-authenticated', 'cluster-unauthenticated', 'cluster-authenticated'];
const IDENTITY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.serviceaccount\.identity\.linkerd\.(.+)$/;

/**
 * Linkerd policy resources: the values the policy controller accepts but the CRDs do not enumerate, and references
 * between Servers, routes, authorizations, authentications, workloads and ServiceAccounts of the target.
 */
export const checkLinkerdPolicies: TargetCheck = (index, report, options) => {
  const externalAccounts = new Set(options.externalServiceAccounts ?? []);
  for (const server of index.ofKind(LINKERD_POLICY, 'Server')) checkServer(index, server, report);
  for (const policy of index.ofKind(LINKERD_POLICY, 'AuthorizationPolicy')) checkAuthorizationPolicy(index, policy, report);
  for (const authn of index.ofKind(LINKERD_POLICY, 'MeshTLSAuthentication')) checkMeshTlsAuthentication(index, authn, externalAccounts, report);
  for (const limit of index.ofKind(LINKERD_POLICY, 'HTTPLocalRateLimitPolicy')) {
    const ref = asObject(asObject(limit.manifest.spec)?.targetRef) ?? {};
    if (ref.kind === 'Server') requireObject(index, limit, LINKERD_POLICY, 'Server', ref, 'spec.targetRef', 'ref/ratelimit-target', report);
  }
};

function checkServer(index: TargetIndex, server: IndexedObject, report: Report): void {
  const spec = asObject(server.manifest.spec) ?? {};
  if (typeof spec.proxyProtocol === 'string' && !PROXY_PROTOCOLS.includes(spec.proxyProtocol)) {
    report(server, 'spec.proxyProtocol', 'semantic/server-proxy-protocol',
      `"${spec.proxyProtocol}" is not a Linkerd proxy protocol; allowed: ${PROXY_PROTOCOLS.join(', ')}`);
  }
  if (typeof spec.accessPolicy === 'string' && !ACCESS_POLICIES.includes(spec.accessPolicy)) {
    report(server, 'spec.accessPolicy', 'semantic/server-access-policy',
      `"${spec.accessPolicy}" is not a Linkerd access policy; allowed: ${ACCESS_POLICIES.join(', ')}`);
  }
  const podSelector = asObject(spec.podSelector);
  if (!podSelector) return;
  const selected = selectedWorkloads(index, server.id.namespace, podSelector);
  if (selected.length === 0) {
    report(server, 'spec.podSelector', 'ref/server-selector',
      `podSelector matches no Deployment, StatefulSet, DaemonSet or Rollout pod template in namespace "${server.id.namespace}" of this target; allowed: ${index.podLabelsOf(server.id.namespace)}`);
    return;
  }
  if (spec.port === undefined) return;
  const missing = selected.filter((workload) => !declaresContainerPort(workload, spec.port as string | number));
  if (missing.length > 0) {
    report(server, 'spec.port', 'ref/server-port',
      `port ${JSON.stringify(spec.port)} is not a containerPort ${typeof spec.port === 'string' ? 'name' : 'number'} of the selected ${missing.map((w) => w.label).join(', ')}; allowed: a port the selected pods declare`);
  }
}

/** Workloads in a namespace whose pod template labels a selector selects. */
export function selectedWorkloads(index: TargetIndex, namespace: string, selector: JsonObject): IndexedObject[] {
  return index
    .meshableWorkloads(namespace, stringMap(selector.matchLabels))
    .filter(({ template }) => selectorMatches(selector, template.labels))
    .map(({ object }) => object);
}

function declaresContainerPort(workload: IndexedObject, port: string | number): boolean {
  const spec = workload.podTemplate?.spec ?? {};
  return asArray(spec.containers).some((container) =>
    asArray(asObject(container)?.ports).some((entry) => {
      const declared = asObject(entry) ?? {};
      return typeof port === 'number' ? declared.containerPort === port : declared.name === port;
    }),
  );
}

function checkAuthorizationPolicy(index: TargetIndex, policy: IndexedObject, report: Report): void {
  const spec = asObject(policy.manifest.spec) ?? {};
  const target = asObject(spec.targetRef) ?? {};
  const targetGroup = asString(target.group) ?? '';
  if (target.kind === 'Namespace') {
    const name = asString(target.name) ?? '';
    if (!index.find(CORE, 'Namespace', '', name)) report(policy, 'spec.targetRef', 'ref/authorization-target',
      `target Namespace "${name}" is not in this target; allowed: ${index.namesOf(CORE, 'Namespace', '')}`);
  } else if (target.kind === 'Server' || (target.kind === 'HTTPRoute' && (targetGroup === LINKERD_POLICY || targetGroup === GATEWAY))
    || (target.kind === 'GRPCRoute' && targetGroup === GATEWAY)) {
    requireObject(index, policy, target.kind === 'Server' ? LINKERD_POLICY : targetGroup, target.kind, target, 'spec.targetRef',
      'ref/authorization-target', report);
  }
  asArray(spec.requiredAuthenticationRefs).forEach((value, i) => {
    const ref = asObject(value) ?? {};
    const path = fieldPath('spec.requiredAuthenticationRefs', i);
    if (ref.kind === 'MeshTLSAuthentication' || ref.kind === 'NetworkAuthentication') requireObject(index, policy, LINKERD_POLICY, ref.kind, ref,
      path, 'ref/authorization-authentication', report);
    else if (ref.kind === 'ServiceAccount') requireObject(index, policy, CORE, 'ServiceAccount', ref, path, 'ref/authorization-authentication',
      report);
  });
}

function checkMeshTlsAuthentication(index: TargetIndex, authn: IndexedObject, externalAccounts: ReadonlySet<string>, report: Report): void {
  const spec = asObject(authn.manifest.spec) ?? {};
  asArray(spec.identities).forEach((identity, i) => {
    if (typeof identity !== 'string' || identity === '*') return;
    // Linkerd's admission webhook refuses what identityError refuses (a trailing dot, for one).
    const valid = identityError(identity) === undefined
      && (identity.startsWith('*.') ? dns1123SubdomainError(identity.slice(2)) === undefined : IDENTITY.test(identity));
    if (!valid) {
      report(authn, fieldPath('spec.identities', i), 'semantic/meshtls-identity',
        `"${identity}" is not a Linkerd identity; allowed: <serviceaccount>.<namespace>.serviceaccount.identity.linkerd.<trust-domain>, *.<domain suffix> or *`);
    }
  });
  asArray(spec.identityRefs).forEach((value, i) => {
    const ref = asObject(value) ?? {};
    if (ref.kind !== 'ServiceAccount' || typeof ref.name !== 'string') return;
    const namespace = asString(ref.namespace) ?? authn.id.namespace;
    if (index.find(CORE, 'ServiceAccount', namespace, ref.name) || externalAccounts.has(`${namespace}/${ref.name}`)) return;
    report(authn, fieldPath('spec.identityRefs', i), 'ref/meshtls-serviceaccount',
      `ServiceAccount "${namespace}/${ref.name}" is neither in this target nor declared external; allowed: ${index.namesOf(CORE, 'ServiceAccount', namespace)}, or add "${namespace}/${ref.name}" to externalServiceAccounts`);
  });
}

/** Reports when a {name, namespace?} reference names no object of the kind in the target. */
function requireObject(index: TargetIndex, from: IndexedObject, group: string, kind: string, ref: JsonObject, path: string, rule: string,
  report: Report): void {
  const name = asString(ref.name) ?? '';
  const namespace = asString(ref.namespace) ?? from.id.namespace;
  if (!index.find(group, kind, namespace, name)) {
    report(from, path, rule, `${kind} "${namespace}/${name}" is not in this target; allowed: ${index.namesOf(group, kind, namespace)}`);
  }
}
