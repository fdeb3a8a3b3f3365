import { ARGO, CORE } from '../api-groups';
import { fieldPath } from '../field-path';
import { mapSelectorMatches } from '../label-selector';
import { PROTOCOLS } from '../service-ports';
import { dns1123LabelError, ianaServiceNameError } from '../syntax/names';
import { IndexedObject, Report, TargetIndex } from '../target-index';
import { asArray, asObject, asString, getIn, stringMap } from '../values';
import { TargetCheck } from './target-check';

const ROLLOUT_POD_TEMPLATE_HASH = 'rollouts-pod-template-hash';

/** Service port rules of the API server, and that a selecting Service selects some workload of the target. */
export const checkServices: TargetCheck = (index, report) => {
  for (const service of index.ofKind(CORE, 'Service')) {
    checkServicePorts(service, report);
    checkServiceSelectsWorkload(index, service, report);
  }
};

function checkServicePorts(service: IndexedObject, report: Report): void {
  const spec = asObject(service.manifest.spec) ?? {};
  const ports = asArray(spec.ports);
  if (ports.length === 0) {
    if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None') report(service, 'spec.ports', 'core/service-ports',
      'a Service needs at least one port (unless type ExternalName or clusterIP None)');
    return;
  }
  const names = new Map<string, number>();
  const portProtocols = new Map<string, number>();
  ports.forEach((value, i) => {
    const port = asObject(value) ?? {};
    const path = fieldPath('spec.ports', i);
    const name = asString(port.name);
    if (name === undefined || name === '') {
      if (ports.length > 1) report(service, fieldPath(path, 'name'), 'core/service-port-name',
        'port name is required when a Service has more than one port');
    } else {
      const error = dns1123LabelError(name);
      if (error) report(service, fieldPath(path, 'name'), 'core/service-port-name', error);
      const first = names.get(name);
      if (first !== undefined) report(service, fieldPath(path, 'name'), 'core/service-port-name',
        `port name "${name}" duplicates spec.ports[${first}]; allowed: unique names`);
      else names.set(name, i);
    }
    if (typeof port.port === 'number' && (port.port < 1 || port.port > 65535)) report(service, fieldPath(path, 'port'), 'core/port-range',
      `port ${port.port} is out of range; allowed: 1..65535`);
    if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol as string)) {
      report(service, fieldPath(path, 'protocol'), 'core/protocol',
        `protocol ${JSON.stringify(port.protocol)} is not supported; allowed: ${PROTOCOLS.join(', ')}`);
    }
    const key = `${port.port}/${port.protocol ?? 'TCP'}`;
    const first = portProtocols.get(key);
    if (first !== undefined) report(service, fieldPath(path, 'port'), 'core/service-port-duplicate',
      `port ${key} duplicates spec.ports[${first}]; allowed: unique port and protocol pairs`);
    else portProtocols.set(key, i);
    const target = port.targetPort;
    // A targetPort of 0 (or "") is defaulted to the port.
    if (typeof target === 'number' && target !== 0 && (target < 1 || target > 65535)) report(service, fieldPath(path, 'targetPort'),
      'core/port-range', `targetPort ${target} is out of range; allowed: 1..65535 or a port name`);
    if (typeof target === 'string' && target !== '') {
      const error = ianaServiceNameError(target);
      if (error) report(service, fieldPath(path, 'targetPort'), 'core/port-name', error);
    }
  });
}

function checkServiceSelectsWorkload(index: TargetIndex, service: IndexedObject, report: Report): void {
  const selector = stringMap(getIn(service.manifest, 'spec', 'selector'));
  if (Object.keys(selector).length === 0 || getIn(service.manifest, 'spec', 'type') === 'ExternalName') return;
  // Argo Rollouts labels each Rollout pod with rollouts-pod-template-hash at runtime (and sets it on the Services it
  // manages), so a selector on that key matches a Rollout's pods though no rendered template carries it.
  const { [ROLLOUT_POD_TEMPLATE_HASH]: hash, ...rest } = selector;
  const selected = index.meshableWorkloads(service.id.namespace, rest).some(({ object, template }) =>
    (hash === undefined || (object.id.group === ARGO && object.id.kind === 'Rollout')) && mapSelectorMatches(rest, template.labels));
  if (!selected) {
    report(service, 'spec.selector', 'ref/service-selector',
      `selector ${JSON.stringify(selector)} matches no Deployment, StatefulSet, DaemonSet or Rollout pod template in namespace "${service.id.namespace}" of this target; allowed: ${index.podLabelsOf(service.id.namespace)}`);
  }
}
