import { NETWORKING } from '../api-groups';
import { fieldPath } from '../field-path';
import { PROTOCOLS } from '../service-ports';
import { isCidr } from '../syntax/ip';
import { IndexedObject, Report } from '../target-index';
import { asArray, asObject, JsonObject } from '../values';
import { checkLabelSelector } from './label-selectors';
import { TargetCheck } from './target-check';

const POLICY_TYPES = ['Ingress', 'Egress'];

/**
 * ValidateNetworkPolicySpec of pkg/apis/networking/validation: selectors, policy types, peers (an ipBlock alone, with
 * valid CIDRs), and ports (protocol, endPort ≥ port).
 */
export const checkNetworkPolicies: TargetCheck = (index, report) => {
  for (const policy of index.ofKind(NETWORKING, 'NetworkPolicy')) {
    const spec = asObject(policy.manifest.spec) ?? {};
    checkLabelSelector(policy, spec.podSelector, 'spec.podSelector', report);
    asArray(spec.policyTypes).forEach((type, i) => {
      if (!POLICY_TYPES.includes(String(type))) report(policy, fieldPath('spec.policyTypes', i), 'core/network-policy',
        `policy type "${String(type)}" is not supported; allowed: ${POLICY_TYPES.join(', ')}`);
    });
    for (const [direction, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
      asArray(spec[direction]).forEach((value, i) => {
        const rule = asObject(value) ?? {};
        const rulePath = fieldPath('spec', direction, i);
        asArray(rule[peers]).forEach((peer, j) => checkPeer(policy, asObject(peer) ?? {}, fieldPath(rulePath, peers, j), report));
        asArray(rule.ports).forEach((port, j) => checkPort(policy, asObject(port) ?? {}, fieldPath(rulePath, 'ports', j), report));
      });
    }
  }
};

function checkPeer(policy: IndexedObject, peer: JsonObject, path: string, report: Report): void {
  checkLabelSelector(policy, peer.podSelector, fieldPath(path, 'podSelector'), report);
  checkLabelSelector(policy, peer.namespaceSelector, fieldPath(path, 'namespaceSelector'), report);
  const block = asObject(peer.ipBlock);
  if (!block) {
    if (peer.podSelector === undefined && peer.namespaceSelector === undefined) report(policy, path, 'core/network-policy',
      'a peer needs podSelector, namespaceSelector or ipBlock');
    return;
  }
  if (peer.podSelector !== undefined || peer.namespaceSelector !== undefined) report(policy, path, 'core/network-policy',
    'a peer sets ipBlock with another selector; allowed: ipBlock alone');
  const cidr = String(block.cidr ?? '');
  if (!isCidr(cidr)) report(policy, fieldPath(path, 'ipBlock', 'cidr'), 'core/network-policy',
    `cidr "${cidr}" is not a CIDR; allowed: e.g. 10.0.0.0/8`);
  asArray(block.except).forEach((entry, k) => {
    if (!isCidr(String(entry))) report(policy, fieldPath(path, 'ipBlock', 'except', k), 'core/network-policy',
      `except "${String(entry)}" is not a CIDR; allowed: e.g. 10.1.0.0/16`);
  });
}

function checkPort(policy: IndexedObject, port: JsonObject, path: string, report: Report): void {
  if (port.protocol !== undefined && !PROTOCOLS.includes(String(port.protocol))) {
    report(policy, fieldPath(path, 'protocol'), 'core/protocol',
      `protocol ${JSON.stringify(port.protocol)} is not supported; allowed: ${PROTOCOLS.join(', ')}`);
  }
  if (typeof port.endPort !== 'number') return;
  if (typeof port.port !== 'number') report(policy, fieldPath(path, 'endPort'), 'core/network-policy', 'endPort needs a numeric port');
  else if (port.endPort < port.port) report(policy, fieldPath(path, 'endPort'), 'core/network-policy',
    `endPort ${port.endPort} is below port ${port.port}; allowed: endPort ≥ port`);
}
