import { CORE } from '../api-groups';
import { fieldPath } from '../field-path';
import { isCidr, isIpAddress } from '../syntax/ip';
import { dns1123SubdomainError, labelValueError, qualifiedNameError } from '../syntax/names';
import { IndexedObject, Report } from '../target-index';
import { asArray, asObject, asString, isObject, JsonObject } from '../values';
import { TargetCheck } from './target-check';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const MAX_CLIENT_IP_TIMEOUT = 86400;

/**
 * ValidateService of pkg/apis/core/validation beyond the port list (checkServices): type, which fields each type
 * allows (nodePort, externalTrafficPolicy, healthCheckNodePort, load balancer fields, clusterIP None), clusterIP and
 * external IPs, ExternalName, session affinity, IP families, appProtocol and selector values. Node port ranges and
 * cluster IP ranges are cluster settings and are not judged.
 */
export const checkServiceSpecs: TargetCheck = (index, report) => {
  for (const service of index.ofKind(CORE, 'Service')) checkServiceSpec(service, asObject(service.manifest.spec) ?? {}, report);
};

function checkServiceSpec(service: IndexedObject, spec: JsonObject, report: Report): void {
  const type = asString(spec.type) || 'ClusterIP';
  if (!TYPES.includes(type)) {
    report(service, 'spec.type', 'core/service-type', `type "${type}" is not supported; allowed: ${TYPES.join(', ')}`);
    return;
  }
  const loadBalancer = type === 'LoadBalancer';
  const exposesNodePorts = type === 'NodePort' || loadBalancer;
  const nodePorts = new Map<string, number>();
  asArray(spec.ports).forEach((value, i) => {
    const port = asObject(value) ?? {};
    const path = fieldPath('spec.ports', i);
    const nodePort = port.nodePort;
    if (typeof nodePort === 'number' && nodePort !== 0) {
      if (!exposesNodePorts) report(service, fieldPath(path, 'nodePort'), 'core/service-nodeport',
        `nodePort is set on a ${type} Service; allowed: nodePort only with type NodePort or LoadBalancer`);
      const key = `${nodePort}/${String(port.protocol ?? 'TCP')}`;
      const first = nodePorts.get(key);
      if (first !== undefined) report(service, fieldPath(path, 'nodePort'), 'core/service-nodeport',
        `nodePort ${key} is already used by spec.ports[${first}]; allowed: unique node ports`);
      else nodePorts.set(key, i);
    }
    const appProtocol = asString(port.appProtocol);
    const protocolError = appProtocol ? qualifiedNameError(appProtocol) : undefined;
    if (protocolError) report(service, fieldPath(path, 'appProtocol'), 'core/service-port', `appProtocol ${protocolError}`);
  });
  checkClusterIps(service, spec, type, report);
  if (type === 'ExternalName') {
    const name = asString(spec.externalName) ?? '';
    const error = name === '' ? 'externalName is required for type ExternalName'
      : dns1123SubdomainError(name.endsWith('.') ? name.slice(0, -1) : name);
    if (error) report(service, 'spec.externalName', 'core/service-externalname', error);
  }
  checkEnum(service, spec.sessionAffinity, SESSION_AFFINITIES, 'spec.sessionAffinity', report);
  const timeout = asObject(asObject(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds;
  if (typeof timeout === 'number' && (timeout <= 0 || timeout > MAX_CLIENT_IP_TIMEOUT)) {
    report(service, 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', 'core/service-field',
      `timeoutSeconds ${timeout} is out of range; allowed: 1..${MAX_CLIENT_IP_TIMEOUT}`);
  }
  const externalPolicy = spec.externalTrafficPolicy;
  if (externalPolicy !== undefined && externalPolicy !== '') {
    if (!TRAFFIC_POLICIES.includes(String(externalPolicy))) checkEnum(service, externalPolicy, TRAFFIC_POLICIES, 'spec.externalTrafficPolicy',
      report);
    else if (!exposesNodePorts) report(service, 'spec.externalTrafficPolicy', 'core/service-field',
      `externalTrafficPolicy is set on a ${type} Service; allowed: only with type NodePort or LoadBalancer`);
  }
  checkEnum(service, spec.internalTrafficPolicy, TRAFFIC_POLICIES, 'spec.internalTrafficPolicy', report);
  if (typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort !== 0 && !(loadBalancer && externalPolicy === 'Local')) {
    report(service, 'spec.healthCheckNodePort', 'core/service-field',
      'healthCheckNodePort is set; allowed: only with type LoadBalancer and externalTrafficPolicy Local');
  }
  for (const field of ['loadBalancerSourceRanges', 'allocateLoadBalancerNodePorts', 'loadBalancerClass']) {
    const value = spec[field];
    const set = Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null && value !== '';
    if (set && !loadBalancer) report(service, fieldPath('spec', field), 'core/service-field',
      `${field} is set on a ${type} Service; allowed: only with type LoadBalancer`);
  }
  asArray(spec.loadBalancerSourceRanges).forEach((range, i) => {
    if (!isCidr(String(range).trim())) report(service, fieldPath('spec.loadBalancerSourceRanges', i), 'core/service-field',
      `"${String(range)}" is not an IP range; allowed: CIDRs like 10.240.0.0/24`);
  });
  asArray(spec.externalIPs).forEach((ip, i) => {
    if (!isIpAddress(String(ip))) report(service, fieldPath('spec.externalIPs', i), 'core/service-ip',
      `externalIPs entry "${String(ip)}" is not an IP address; allowed: IPv4 or IPv6 addresses`);
  });
  asArray(spec.ipFamilies).forEach((family, i) => {
    if (!IP_FAMILIES.includes(String(family))) report(service, fieldPath('spec.ipFamilies', i), 'core/enum',
      `ipFamilies entry "${String(family)}" is not supported; allowed: ${IP_FAMILIES.join(', ')}`);
  });
  checkEnum(service, spec.ipFamilyPolicy, IP_FAMILY_POLICIES, 'spec.ipFamilyPolicy', report);
  if (isObject(spec.selector)) {
    for (const [key, value] of Object.entries(spec.selector)) {
      const keyError = qualifiedNameError(key);
      if (keyError) report(service, fieldPath('spec.selector', key), 'core/label-key', keyError);
      const valueError = typeof value === 'string' ? labelValueError(value) : undefined;
      if (valueError) report(service, fieldPath('spec.selector', key), 'core/label-value', valueError);
    }
  }
}

/** validateServiceClusterIPs... : IP addresses or None, and None not for NodePort and LoadBalancer Services. */
function checkClusterIps(service: IndexedObject, spec: JsonObject, type: string, report: Report): void {
  const ips = [asString(spec.clusterIP), ...asArray(spec.clusterIPs).map((ip) => asString(ip))];
  ips.forEach((ip, i) => {
    if (ip === undefined || ip === '') return;
    const path = i === 0 ? 'spec.clusterIP' : fieldPath('spec.clusterIPs', i - 1);
    if (ip === 'None') {
      if (type === 'NodePort' || type === 'LoadBalancer') report(service, path, 'core/service-ip',
        `clusterIP None is set on a ${type} Service; allowed: None only for ClusterIP (headless) Services`);
    } else if (!isIpAddress(ip)) report(service, path, 'core/service-ip',
      `clusterIP "${ip}" is not an IP address; allowed: an IPv4 or IPv6 address, None, or omitted`);
  });
}

function checkEnum(service: IndexedObject, value: unknown, allowed: readonly string[], path: string, report: Report): void {
  if (value === undefined || value === null || value === '') return;
  if (!allowed.includes(String(value))) report(service, path, 'core/enum',
    `${path.slice(path.lastIndexOf('.') + 1)} "${String(value)}" is not supported; allowed: ${allowed.join(', ')}`);
}
