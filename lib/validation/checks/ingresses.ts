import { CORE, NETWORKING } from '../api-groups';
import { fieldPath } from '../field-path';
import { serviceHasPort, servicePortList } from '../service-ports';
import { asArray, asObject, asString, getIn } from '../values';
import { TargetCheck } from './target-check';

/** Ingress backends name a Service of the target and one of its ports (by number or name). */
export const checkIngresses: TargetCheck = (index, report) => {
  for (const ingress of index.ofKind(NETWORKING, 'Ingress')) {
    const backends: Array<[unknown, string]> = [[getIn(ingress.manifest, 'spec', 'defaultBackend', 'service'), 'spec.defaultBackend.service']];
    asArray(getIn(ingress.manifest, 'spec', 'rules')).forEach((rule, i) => {
      asArray(getIn(rule, 'http', 'paths')).forEach((entry, j) => backends.push([getIn(entry, 'backend', 'service'),
        fieldPath('spec.rules', i, 'http', 'paths', j, 'backend', 'service')]));
    });
    for (const [value, path] of backends) {
      const backend = asObject(value);
      if (!backend) continue;
      const name = asString(backend.name) ?? '';
      const service = index.find(CORE, 'Service', ingress.id.namespace, name);
      if (!service) {
        report(ingress, path, 'ref/ingress-backend',
          `Service "${ingress.id.namespace}/${name}" is not in this target; allowed: ${index.namesOf(CORE, 'Service', ingress.id.namespace)}`);
        continue;
      }
      const port = asObject(backend.port) ?? {};
      const portName = asString(port.name);
      const found = typeof port.number === 'number'
        ? serviceHasPort(service, port.number)
        : portName === undefined || asArray(getIn(service.manifest, 'spec', 'ports')).some((p) => asObject(p)?.name === portName);
      if (!found) report(ingress, fieldPath(path, 'port'), 'ref/ingress-backend',
        `Service "${ingress.id.namespace}/${name}" has no port ${JSON.stringify(port.number ?? portName)}; allowed: ${servicePortList(service)}`);
    }
  }
};
