import { fieldPath } from '../field-path';
import { PodTemplate } from '../pod-templates';
import { PROTOCOLS } from '../service-ports';
import { dns1123LabelError, ianaServiceNameError } from '../syntax/names';
import { IndexedObject, Report } from '../target-index';
import { asArray, asObject, asString } from '../values';
import { TargetCheck } from './target-check';

const CONTAINER_LISTS = ['initContainers', 'containers'] as const;

/** The API server's pod spec checks: container names, images, port numbers and names, probe ports. */
export const checkPodSpecs: TargetCheck = (index, report) => {
  for (const object of index.objects) {
    const template = object.podTemplate;
    if (template) checkPodSpec(object, template, report);
  }
};

function checkPodSpec(object: IndexedObject, template: PodTemplate, report: Report): void {
  const specPath = fieldPath(template.path, 'spec');
  const containerNames = new Map<string, string>();
  const portNames = new Map<string, string>();
  if (asArray(template.spec.containers).length === 0) {
    report(object, fieldPath(specPath, 'containers'), 'core/containers-required', 'a pod needs at least one container');
  }
  for (const list of CONTAINER_LISTS) {
    asArray(template.spec[list]).forEach((value, i) => {
      const container = asObject(value) ?? {};
      const path = fieldPath(specPath, list, i);
      const name = asString(container.name);
      if (name !== undefined) {
        const nameError = dns1123LabelError(name);
        if (nameError) report(object, fieldPath(path, 'name'), 'core/container-name', nameError);
        const first = containerNames.get(name);
        if (first) report(object, fieldPath(path, 'name'), 'core/duplicate-container', `container name "${name}" is already used by ${first}; allowed: unique names across containers and initContainers`);
        else containerNames.set(name, path);
      }
      if (!asString(container.image)) report(object, fieldPath(path, 'image'), 'core/image-required', 'container image is required');
      checkContainerPorts(object, container, path, portNames, report);
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) checkProbePort(object, asObject(container[probe]), fieldPath(path, probe), report);
    });
  }
}

function checkContainerPorts(object: IndexedObject, container: Record<string, unknown>, path: string, portNames: Map<string, string>, report: Report): void {
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
      report(object, fieldPath(portPath, 'protocol'), 'core/protocol', `protocol ${JSON.stringify(port.protocol)} is not supported; allowed: ${PROTOCOLS.join(', ')}`);
    }
    const name = asString(port.name);
    if (name !== undefined) {
      const nameError = ianaServiceNameError(name);
      if (nameError) report(object, fieldPath(portPath, 'name'), 'core/port-name', nameError);
      const first = portNames.get(name);
      if (first) report(object, fieldPath(portPath, 'name'), 'core/duplicate-port-name', `port name "${name}" is already used by ${first}; allowed: unique port names within a pod`);
      else portNames.set(name, portPath);
    }
  });
}

function checkProbePort(object: IndexedObject, probe: Record<string, unknown> | undefined, path: string, report: Report): void {
  if (!probe) return;
  for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
    const port = asObject(probe[handler])?.port;
    const portPath = fieldPath(path, handler, 'port');
    if (typeof port === 'number' && (port < 1 || port > 65535)) report(object, portPath, 'core/port-range', `port ${port} is out of range; allowed: 1..65535`);
    if (typeof port === 'string') {
      const error = ianaServiceNameError(port);
      if (error) report(object, portPath, 'core/port-name', error);
    }
  }
}
