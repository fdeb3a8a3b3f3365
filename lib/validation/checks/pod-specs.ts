import { APPS, ARGO, BATCH, CORE } from '../api-groups';
import { fieldPath } from '../field-path';
import { PodTemplate } from '../pod-templates';
import { PROTOCOLS } from '../service-ports';
import { dns1123LabelError, ianaServiceNameError } from '../syntax/names';
import { IndexedObject, Report } from '../target-index';
import { asArray, asObject, asString } from '../values';
import { checkContainerEnv } from './container-env';
import { checkContainerProbes } from './container-probes';
import { checkContainerResources } from './container-resources';
import { checkContainerFields, checkPodFields, PodOwner } from './pod-fields';
import { checkPodVolumes, checkVolumeMounts } from './pod-volumes';
import { TargetCheck } from './target-check';

const CONTAINER_LISTS = ['initContainers', 'containers'] as const;

/** How one kind of name in a pod is checked: its syntax, and that it is not used twice. */
interface NameRules {
  readonly syntaxError: (name: string) => string | undefined;
  readonly syntaxRule: string;
  readonly duplicateRule: string;
  /** What the name is, and where it must be unique. */
  readonly noun: string;
  readonly uniqueWithin: string;
}

const CONTAINER_NAME: NameRules = {
  syntaxError: dns1123LabelError, syntaxRule: 'core/container-name', duplicateRule: 'core/duplicate-container',
  noun: 'container name', uniqueWithin: 'unique names across containers and initContainers',
};
// The API server requires unique port names only within a container; across the pod is required here because
// Services, probes and Linkerd Servers that name a port would otherwise silently pick the first container's.
const PORT_NAME: NameRules = {
  syntaxError: ianaServiceNameError, syntaxRule: 'core/port-name', duplicateRule: 'core/duplicate-port-name',
  noun: 'port name', uniqueWithin: 'unique port names within a pod',
};

/**
 * The API server's pod spec checks (ValidatePodSpec and the pod template rules of the workload kinds): container names,
 * images, ports, resources, env, probes, volumes and mounts, pod-level fields and scheduling.
 */
export const checkPodSpecs: TargetCheck = (index, report) => {
  for (const object of index.objects) {
    const template = object.podTemplate;
    if (template) checkPodSpec(object, template, report);
  }
};

function checkPodSpec(object: IndexedObject, template: PodTemplate, apiReport: Report): void {
  const specPath = fieldPath(template.path, 'spec');
  const report = podTemplateReport(object, specPath, apiReport);
  const containerNames = new Map<string, string>();
  const portNames = new Map<string, string>();
  if (asArray(template.spec.containers).length === 0) {
    report(object, fieldPath(specPath, 'containers'), 'core/containers-required', 'a pod needs at least one container');
  }
  checkPodFields(object, template.spec, specPath, podOwner(object), report);
  const volumes = checkPodVolumes(object, template.spec, specPath, claimTemplateNames(object), report);
  const hostPorts = new Map<string, string>();
  const hostNetwork = template.spec.hostNetwork === true;
  for (const list of CONTAINER_LISTS) {
    asArray(template.spec[list]).forEach((value, i) => {
      const container = asObject(value) ?? {};
      const path = fieldPath(specPath, list, i);
      checkUniqueName(object, asString(container.name), path, containerNames, CONTAINER_NAME, report);
      if (!asString(container.image)) report(object, fieldPath(path, 'image'), 'core/image-required', 'container image is required');
      checkContainerPorts(object, container, path, portNames, report);
      checkHostPorts(object, container, path, hostNetwork, hostPorts, report);
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        checkProbePort(object, asObject(container[probe]), fieldPath(path, probe), report);
      }
      checkContainerFields(object, container, path, report);
      checkContainerResources(object, container, path, report);
      checkContainerEnv(object, container, path, report);
      checkContainerProbes(object, container, path, list === 'initContainers', report);
      checkVolumeMounts(object, container, path, volumes, report);
    });
  }
}

/**
 * The API server validates the pod templates of built-in workloads, except StatefulSets (ValidatePodTemplateSpecForStatefulSet
 * checks only labels, restartPolicy and activeDeadlineSeconds) and custom resources such as Rollouts. Their pods are
 * rejected only when the controller creates them, so the same findings are reported as semantic/* there.
 */
function podTemplateReport(object: IndexedObject, specPath: string, report: Report): Report {
  const { group, kind } = object.id;
  const statefulSet = group === APPS && kind === 'StatefulSet';
  if (!statefulSet && group !== ARGO) return report;
  const judgedOnCreate = new Set([fieldPath(specPath, 'restartPolicy'), fieldPath(specPath, 'activeDeadlineSeconds')]);
  const who = statefulSet ? 'the API server rejects the pods when the StatefulSet controller creates them'
    : `the Argo Rollouts controller rejects such a ${kind} template`;
  return (target, field, rule, message) => {
    if (statefulSet && judgedOnCreate.has(field)) report(target, field, rule, message);
    else report(target, field, rule.replace(/^core\//, 'semantic/'), `${message} (${who})`);
  };
}

function podOwner(object: IndexedObject): PodOwner {
  const { group, kind } = object.id;
  if (group === CORE && kind === 'Pod') return 'pod';
  if (group === BATCH) return 'job';
  return 'replicated';
}

/** A StatefulSet's pods may mount its volume claim templates by name. */
function claimTemplateNames(object: IndexedObject): ReadonlySet<string> {
  if (object.id.group !== APPS || object.id.kind !== 'StatefulSet') return new Set();
  const templates = asArray(asObject(object.manifest.spec)?.volumeClaimTemplates);
  return new Set(templates.map((t) => asString(asObject(asObject(t)?.metadata)?.name)).filter((name): name is string => name !== undefined));
}

/** AccumulateUniqueHostPorts and validateHostNetwork: one hostPort per protocol and IP in a pod, equal to containerPort on the host network. */
function checkHostPorts(object: IndexedObject, container: Record<string, unknown>, path: string, hostNetwork: boolean, seen: Map<string, string>,
  report: Report): void {
  asArray(container.ports).forEach((value, j) => {
    const port = asObject(value) ?? {};
    const portPath = fieldPath(path, 'ports', j);
    const hostPort = typeof port.hostPort === 'number' && port.hostPort !== 0 ? port.hostPort : hostNetwork ? port.containerPort : undefined;
    if (hostNetwork && typeof port.hostPort === 'number' && port.hostPort !== 0 && port.hostPort !== port.containerPort) {
      report(object, fieldPath(portPath, 'hostPort'), 'core/host-port',
        `hostPort ${port.hostPort} differs from containerPort ${String(port.containerPort)} with hostNetwork true; allowed: hostPort equal to containerPort`);
    }
    if (typeof hostPort !== 'number') return;
    const key = `${String(port.protocol ?? 'TCP')}/${String(port.hostIP ?? '')}/${hostPort}`;
    const first = seen.get(key);
    if (first) report(object, fieldPath(portPath, 'hostPort'), 'core/host-port',
      `hostPort ${hostPort}/${String(port.protocol ?? 'TCP')} is already used by ${first}; allowed: one use of a host port per pod`);
    else seen.set(key, portPath);
  });
}

function checkContainerPorts(object: IndexedObject, container: Record<string, unknown>, path: string, portNames: Map<string, string>,
  report: Report): void {
  asArray(container.ports).forEach((value, j) => {
    const port = asObject(value) ?? {};
    const portPath = fieldPath(path, 'ports', j);
    for (const field of ['containerPort', 'hostPort']) {
      const number = port[field];
      if (typeof number === 'number' && (number < 1 || number > 65535) && !(field === 'hostPort' && number === 0)) {
        report(object, fieldPath(portPath, field), 'core/port-range', `port ${number} is out of range; allowed: 1..65535`);
      }
    }
    if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol as string)) {
      report(object, fieldPath(portPath, 'protocol'), 'core/protocol',
        `protocol ${JSON.stringify(port.protocol)} is not supported; allowed: ${PROTOCOLS.join(', ')}`);
    }
    checkUniqueName(object, asString(port.name), portPath, portNames, PORT_NAME, report);
  });
}

/** `seen` maps each name to the field path that used it first. */
function checkUniqueName(object: IndexedObject, name: string | undefined, path: string, seen: Map<string, string>, rules: NameRules,
  report: Report): void {
  if (name === undefined) return;
  const namePath = fieldPath(path, 'name');
  const syntaxError = rules.syntaxError(name);
  if (syntaxError) report(object, namePath, rules.syntaxRule, syntaxError);
  const first = seen.get(name);
  if (first) report(object, namePath, rules.duplicateRule, `${rules.noun} "${name}" is already used by ${first}; allowed: ${rules.uniqueWithin}`);
  else seen.set(name, path);
}

function checkProbePort(object: IndexedObject, probe: Record<string, unknown> | undefined, path: string, report: Report): void {
  if (!probe) return;
  for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
    const port = asObject(probe[handler])?.port;
    const portPath = fieldPath(path, handler, 'port');
    if (typeof port === 'number' && (port < 1 || port > 65535)) report(object, portPath, 'core/port-range',
      `port ${port} is out of range; allowed: 1..65535`);
    if (typeof port === 'string') {
      const error = ianaServiceNameError(port);
      if (error) report(object, portPath, 'core/port-name', error);
    }
  }
}
