import { fieldPath } from '../field-path';
import { isIpAddress } from '../syntax/ip';
import { dns1123LabelError, dns1123SubdomainError, labelValueError, qualifiedNameError } from '../syntax/names';
import { IndexedObject, Report } from '../target-index';
import { asArray, asObject, asString, isObject, JsonObject } from '../values';
import { checkLabelSelector, checkRequirement } from './label-selectors';

/** Which controller runs the pods, for the rules that depend on it (ValidatePodTemplateSpecForReplicaSet etc.). */
export type PodOwner = 'pod' | 'replicated' | 'job';

const RESTART_POLICIES: Record<PodOwner, readonly string[]> = { pod: ['Always', 'OnFailure', 'Never'], replicated: ['Always'],
  job: ['OnFailure', 'Never'] };
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const NODE_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];
const UNSATISFIABLE_ACTIONS = ['DoNotSchedule', 'ScheduleAnyway'];
const SECCOMP_TYPES = ['Unconfined', 'RuntimeDefault', 'Localhost'];
const MAX_INT32 = 2147483647;
const MAX_NAMESERVERS = 3;

/** Pod-level rules of ValidatePodSpec (pkg/apis/core/validation) that can be judged from the manifest alone. */
export function checkPodFields(object: IndexedObject, spec: JsonObject, specPath: string, owner: PodOwner, report: Report): void {
  checkRestartPolicy(object, spec, specPath, owner, report);
  if (owner === 'replicated' && spec.activeDeadlineSeconds !== undefined) {
    report(object, fieldPath(specPath, 'activeDeadlineSeconds'), 'core/pod-field',
      `activeDeadlineSeconds is set in the pod template of a ${object.id.kind}; allowed: omit it (only Pods and Jobs end)`);
  }
  const deadline = spec.activeDeadlineSeconds;
  if (typeof deadline === 'number' && (deadline < 1 || deadline > MAX_INT32)) {
    report(object, fieldPath(specPath, 'activeDeadlineSeconds'), 'core/pod-field',
      `activeDeadlineSeconds ${deadline} is out of range; allowed: 1..${MAX_INT32}`);
  }
  checkEnum(object, spec.dnsPolicy, DNS_POLICIES, fieldPath(specPath, 'dnsPolicy'), 'dnsPolicy', report);
  checkDnsConfig(object, spec, specPath, report);
  for (const field of ['hostname', 'subdomain']) {
    const value = asString(spec[field]);
    const error = value ? dns1123LabelError(value) : undefined;
    if (error) report(object, fieldPath(specPath, field), 'core/pod-field', error);
  }
  const serviceAccount = asString(spec.serviceAccountName);
  const serviceAccountError = serviceAccount ? dns1123SubdomainError(serviceAccount) : undefined;
  if (serviceAccountError) report(object, fieldPath(specPath, 'serviceAccountName'), 'core/dns1123-name', serviceAccountError);
  asArray(spec.hostAliases).forEach((entry, i) => {
    const ip = asString(asObject(entry)?.ip) ?? '';
    if (!isIpAddress(ip)) report(object, fieldPath(specPath, 'hostAliases', i, 'ip'), 'core/pod-field',
      `hostAliases ip "${ip}" is not an IP address; allowed: an IPv4 or IPv6 address`);
  });
  checkSecurityContext(object, asObject(spec.securityContext), fieldPath(specPath, 'securityContext'), report);
  checkScheduling(object, spec, specPath, report);
}

function checkRestartPolicy(object: IndexedObject, spec: JsonObject, specPath: string, owner: PodOwner, report: Report): void {
  const allowed = RESTART_POLICIES[owner];
  // An omitted restartPolicy is defaulted to Always before validation.
  const policy = spec.restartPolicy === undefined || spec.restartPolicy === null || spec.restartPolicy === '' ? 'Always' : String(spec.restartPolicy);
  if (allowed.includes(policy)) return;
  const why = owner === 'replicated' ? ` (the only policy for ${object.id.kind} pods)` : owner === 'job' ? ' (Job pods run to completion)' : '';
  const written = spec.restartPolicy === undefined ? 'omitted, which defaults to "Always",' : `"${policy}"`;
  report(object, fieldPath(specPath, 'restartPolicy'), 'core/restart-policy',
    `restartPolicy ${written} is invalid; allowed: ${allowed.join(', ')}${why}`);
}

function checkDnsConfig(object: IndexedObject, spec: JsonObject, specPath: string, report: Report): void {
  const config = asObject(spec.dnsConfig);
  const nameservers = asArray(config?.nameservers);
  if (spec.dnsPolicy === 'None' && nameservers.length === 0) {
    report(object, fieldPath(specPath, 'dnsConfig'), 'core/dns-config', 'dnsPolicy None needs dnsConfig with at least one nameserver');
  }
  if (nameservers.length > MAX_NAMESERVERS) {
    report(object, fieldPath(specPath, 'dnsConfig', 'nameservers'), 'core/dns-config',
      `${nameservers.length} nameservers are listed; allowed: at most ${MAX_NAMESERVERS}`);
  }
  nameservers.forEach((server, i) => {
    if (typeof server === 'string' && !isIpAddress(server)) {
      report(object, fieldPath(specPath, 'dnsConfig', 'nameservers', i), 'core/dns-config',
        `nameserver "${server}" is not an IP address; allowed: IPv4 or IPv6 addresses`);
    }
  });
}

/** validatePodSecurityContext / ValidateSecurityContext: user and group ids, seccomp profiles. */
export function checkSecurityContext(object: IndexedObject, context: JsonObject | undefined, path: string, report: Report): void {
  if (!context) return;
  for (const field of ['runAsUser', 'runAsGroup', 'fsGroup']) {
    const id = context[field];
    if (typeof id === 'number' && (id < 0 || id > MAX_INT32)) report(object, fieldPath(path, field), 'core/security-context',
      `${field} ${id} is out of range; allowed: 0..${MAX_INT32}`);
  }
  const seccomp = asObject(context.seccompProfile);
  if (seccomp) {
    const type = asString(seccomp.type) ?? '';
    if (!SECCOMP_TYPES.includes(type)) report(object, fieldPath(path, 'seccompProfile', 'type'), 'core/security-context',
      `seccompProfile.type "${type}" is not supported; allowed: ${SECCOMP_TYPES.join(', ')}`);
    else if (type === 'Localhost' && !asString(seccomp.localhostProfile)) {
      report(object, fieldPath(path, 'seccompProfile', 'localhostProfile'), 'core/security-context',
        'seccompProfile type Localhost needs localhostProfile');
    } else if (type !== 'Localhost' && seccomp.localhostProfile !== undefined) {
      report(object, fieldPath(path, 'seccompProfile', 'localhostProfile'), 'core/security-context',
        `localhostProfile is set with type ${type}; allowed: only with type Localhost`);
    }
  }
  if (context.allowPrivilegeEscalation === false) {
    if (context.privileged === true) report(object, path, 'core/security-context',
      'allowPrivilegeEscalation false with privileged true; allowed: one or the other');
    const added = asArray(asObject(context.capabilities)?.add);
    if (added.includes('CAP_SYS_ADMIN')) report(object, path, 'core/security-context',
      'allowPrivilegeEscalation false with capability CAP_SYS_ADMIN added; allowed: one or the other');
  }
}

function checkScheduling(object: IndexedObject, spec: JsonObject, specPath: string, report: Report): void {
  if (isObject(spec.nodeSelector)) {
    for (const [key, value] of Object.entries(spec.nodeSelector)) {
      const keyError = qualifiedNameError(key);
      if (keyError) report(object, fieldPath(specPath, 'nodeSelector', key), 'core/label-key', keyError);
      const valueError = typeof value === 'string' ? labelValueError(value) : undefined;
      if (valueError) report(object, fieldPath(specPath, 'nodeSelector', key), 'core/label-value', valueError);
    }
  }
  asArray(spec.tolerations).forEach((entry, i) => checkToleration(object, asObject(entry) ?? {}, fieldPath(specPath, 'tolerations', i), report));
  const affinity = asObject(spec.affinity);
  if (affinity) checkAffinity(object, affinity, fieldPath(specPath, 'affinity'), report);
  asArray(spec.topologySpreadConstraints).forEach((entry, i) => {
    const constraint = asObject(entry) ?? {};
    const path = fieldPath(specPath, 'topologySpreadConstraints', i);
    const skew = constraint.maxSkew;
    if (typeof skew === 'number' && skew <= 0) report(object, fieldPath(path, 'maxSkew'), 'core/scheduling',
      `maxSkew ${skew} is invalid; allowed: greater than 0`);
    if (!asString(constraint.topologyKey)) report(object, fieldPath(path, 'topologyKey'), 'core/scheduling', 'topologyKey is required');
    checkEnum(object, constraint.whenUnsatisfiable, UNSATISFIABLE_ACTIONS, fieldPath(path, 'whenUnsatisfiable'), 'whenUnsatisfiable', report);
    checkLabelSelector(object, constraint.labelSelector, fieldPath(path, 'labelSelector'), report);
  });
}

/** validateTolerations. */
function checkToleration(object: IndexedObject, toleration: JsonObject, path: string, report: Report): void {
  const operator = toleration.operator === undefined || toleration.operator === '' ? 'Equal' : toleration.operator;
  const key = asString(toleration.key) ?? '';
  if (key !== '') {
    const error = qualifiedNameError(key);
    if (error) report(object, fieldPath(path, 'key'), 'core/toleration', error);
  } else if (operator !== 'Exists') {
    report(object, fieldPath(path, 'operator'), 'core/toleration', `an empty key needs operator Exists; got "${String(operator)}"`);
  }
  if (operator === 'Exists' && asString(toleration.value)) {
    report(object, fieldPath(path, 'operator'), 'core/toleration', 'operator Exists takes no value; allowed: omit value, or operator Equal');
  } else if (operator !== 'Exists' && operator !== 'Equal') {
    report(object, fieldPath(path, 'operator'), 'core/toleration', `operator "${String(operator)}" is not supported; allowed: Equal, Exists`);
  }
  const value = asString(toleration.value);
  const valueError = value && operator === 'Equal' ? labelValueError(value) : undefined;
  if (valueError) report(object, fieldPath(path, 'value'), 'core/toleration', valueError);
  const effect = toleration.effect;
  if (effect !== undefined && effect !== '' && !TAINT_EFFECTS.includes(String(effect))) {
    report(object, fieldPath(path, 'effect'), 'core/toleration', `effect "${String(effect)}" is not supported; allowed: ${TAINT_EFFECTS.join(', ')}`);
  }
  if (toleration.tolerationSeconds !== undefined && toleration.tolerationSeconds !== null && effect !== 'NoExecute') {
    report(object, fieldPath(path, 'effect'), 'core/toleration', 'tolerationSeconds needs effect NoExecute');
  }
}

/** validateAffinity: node selector terms, pod (anti-)affinity terms and their weights. */
function checkAffinity(object: IndexedObject, affinity: JsonObject, path: string, report: Report): void {
  const node = asObject(affinity.nodeAffinity);
  if (node) {
    const required = asObject(node.requiredDuringSchedulingIgnoredDuringExecution);
    asArray(required?.nodeSelectorTerms).forEach((term, i) => {
      checkNodeSelectorTerm(object, asObject(term) ?? {}, fieldPath(path, 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution',
        'nodeSelectorTerms', i), report);
    });
    asArray(node.preferredDuringSchedulingIgnoredDuringExecution).forEach((entry, i) => {
      const preferred = asObject(entry) ?? {};
      const preferredPath = fieldPath(path, 'nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution', i);
      checkWeight(object, preferred.weight, fieldPath(preferredPath, 'weight'), report);
      checkNodeSelectorTerm(object, asObject(preferred.preference) ?? {}, fieldPath(preferredPath, 'preference'), report);
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pod = asObject(affinity[kind]);
    if (!pod) continue;
    asArray(pod.requiredDuringSchedulingIgnoredDuringExecution).forEach((term, i) => {
      checkPodAffinityTerm(object, asObject(term) ?? {}, fieldPath(path, kind, 'requiredDuringSchedulingIgnoredDuringExecution', i), report);
    });
    asArray(pod.preferredDuringSchedulingIgnoredDuringExecution).forEach((entry, i) => {
      const weighted = asObject(entry) ?? {};
      const weightedPath = fieldPath(path, kind, 'preferredDuringSchedulingIgnoredDuringExecution', i);
      checkWeight(object, weighted.weight, fieldPath(weightedPath, 'weight'), report);
      checkPodAffinityTerm(object, asObject(weighted.podAffinityTerm) ?? {}, fieldPath(weightedPath, 'podAffinityTerm'), report);
    });
  }
}

function checkNodeSelectorTerm(object: IndexedObject, term: JsonObject, path: string, report: Report): void {
  asArray(term.matchExpressions).forEach((entry, i) => {
    checkRequirement(object, asObject(entry) ?? {}, fieldPath(path, 'matchExpressions', i), report, NODE_SELECTOR_OPERATORS, qualifiedNameError);
  });
}

function checkPodAffinityTerm(object: IndexedObject, term: JsonObject, path: string, report: Report): void {
  const key = asString(term.topologyKey) ?? '';
  if (key === '') report(object, fieldPath(path, 'topologyKey'), 'core/scheduling', 'topologyKey is required');
  else {
    const error = qualifiedNameError(key);
    if (error) report(object, fieldPath(path, 'topologyKey'), 'core/scheduling', error);
  }
  checkLabelSelector(object, term.labelSelector, fieldPath(path, 'labelSelector'), report);
  checkLabelSelector(object, term.namespaceSelector, fieldPath(path, 'namespaceSelector'), report);
}

function checkWeight(object: IndexedObject, weight: unknown, path: string, report: Report): void {
  if (typeof weight === 'number' && (weight < 1 || weight > 100)) report(object, path, 'core/scheduling',
    `weight ${weight} is out of range; allowed: 1..100`);
}

/** Container fields with a fixed set of values, and image whitespace (validateContainers). */
export function checkContainerFields(object: IndexedObject, container: JsonObject, path: string, report: Report): void {
  checkEnum(object, container.imagePullPolicy, PULL_POLICIES, fieldPath(path, 'imagePullPolicy'), 'imagePullPolicy', report);
  checkEnum(object, container.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES, fieldPath(path, 'terminationMessagePolicy'),
    'terminationMessagePolicy', report);
  const image = asString(container.image);
  if (image && image.trim() !== image) report(object, fieldPath(path, 'image'), 'core/image',
    `image "${image}" has leading or trailing whitespace; allowed: an image reference without spaces`);
  checkSecurityContext(object, asObject(container.securityContext), fieldPath(path, 'securityContext'), report);
}

function checkEnum(object: IndexedObject, value: unknown, allowed: readonly string[], path: string, field: string, report: Report): void {
  if (value === undefined || value === null || value === '') return;
  if (!allowed.includes(String(value))) report(object, path, 'core/enum',
    `${field} "${String(value)}" is not supported; allowed: ${allowed.join(', ')}`);
}
