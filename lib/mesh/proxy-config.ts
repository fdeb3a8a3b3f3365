import { Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { PropProblems, portNumberProblem } from '../common';
import { AccessPolicy } from './access-policy';

/** The log levels of the Linkerd proxy. */
export enum ProxyLogLevel {
  ERROR = 'error',
  WARN = 'warn',
  INFO = 'info',
  DEBUG = 'debug',
  TRACE = 'trace',
}

/**
 * Proxy settings, rendered as `config.linkerd.io/*` annotations on a pod template or a
 * namespace (where they apply to every pod injected in it).
 */
export interface ProxyConfig {
  /**
   * Ports whose traffic is proxied as opaque TCP, without protocol detection
   * (server-speaks-first protocols such as MySQL or SMTP).
   * @default - Linkerd's default opaque ports
   */
  readonly opaquePorts?: number[];
  /**
   * Inbound ports that bypass the proxy entirely (no mTLS, no policy, no metrics).
   * @default - every inbound port is proxied
   */
  readonly skipInboundPorts?: number[];
  /**
   * Outbound ports that bypass the proxy entirely.
   * @default - every outbound port is proxied
   */
  readonly skipOutboundPorts?: number[];
  /**
   * CPU request of the proxy container.
   * @default - the control plane's default
   */
  readonly cpuRequest?: Cpu;
  /**
   * CPU limit of the proxy container; not below `cpuRequest`.
   * @default - the control plane's default
   */
  readonly cpuLimit?: Cpu;
  /**
   * Memory request of the proxy container.
   * @default - the control plane's default
   */
  readonly memoryRequest?: Size;
  /**
   * Memory limit of the proxy container; not below `memoryRequest`.
   * @default - the control plane's default
   */
  readonly memoryLimit?: Size;
  /**
   * Log level of the proxy.
   * @default - the control plane's default (`warn,linkerd=info`)
   */
  readonly logLevel?: ProxyLogLevel;
  /**
   * What the proxy does with inbound traffic that no Server or policy covers.
   * @default - the control plane's default (`all-unauthenticated` unless configured otherwise)
   */
  readonly defaultInboundPolicy?: AccessPolicy;
}

/** Annotation that makes Linkerd's proxy injector add the proxy to pods. */
export const INJECT_ANNOTATION = 'linkerd.io/inject';

/**
 * The annotations that mesh a pod template: injection plus the validated proxy settings.
 * Every construct that renders pods (Deployments, Rollouts, Flagger targets) uses this one helper. The problems of
 * `config` are recorded in `problems`, which the construct throws with its others; given a construct instead, they are
 * thrown at once, naming it.
 */
export function meshedPodAnnotations(problems: PropProblems | IConstruct, config: ProxyConfig = {}): Record<string, string> {
  const collected = problems instanceof PropProblems ? problems : new PropProblems(problems);
  const annotations = { [INJECT_ANNOTATION]: 'enabled', ...proxyConfigAnnotations(collected, config) };
  if (!(problems instanceof PropProblems)) collected.throwIfAny();
  return annotations;
}

/** The proxy's own ports: skipping or declaring them opaque would cut the proxy off from itself. */
const PROXY_PORTS = [4140, 4143, 4190, 4191];

/** Validates `config` (recording its problems) and returns its annotations. */
function proxyConfigAnnotations(problems: PropProblems, config: ProxyConfig = {}): Record<string, string> {
  const annotations: Record<string, string> = {};
  const ports = (field: string, list: number[] | undefined, annotation: string): void => {
    if (list === undefined) return;
    if (list.length === 0) problems.invalid(field, list, 'a non-empty list of ports, or leave it unset');
    for (const port of list) {
      problems.add(portNumberProblem(`${field} port`, port));
      if (PROXY_PORTS.includes(port)) {
        problems.invalid(`${field} port`, port, `any port except the proxy's own ports ${PROXY_PORTS.join(', ')}`);
      }
    }
    if (new Set(list).size !== list.length) problems.invalid(field, list, 'each port at most once');
    annotations[annotation] = [...list].sort((a, b) => a - b).join(',');
  };
  ports('opaquePorts', config.opaquePorts, 'config.linkerd.io/opaque-ports');
  ports('skipInboundPorts', config.skipInboundPorts, 'config.linkerd.io/skip-inbound-ports');
  ports('skipOutboundPorts', config.skipOutboundPorts, 'config.linkerd.io/skip-outbound-ports');
  const skippedAndOpaque = (config.opaquePorts ?? []).filter((p) => (config.skipInboundPorts ?? []).includes(p));
  if (skippedAndOpaque.length > 0) {
    problems.invalid('opaquePorts', skippedAndOpaque,
      'ports that are not also in skipInboundPorts (a skipped port never reaches the proxy, so it cannot be opaque)');
  }

  const cpu = (field: string, value: Cpu | undefined, annotation: string): number | undefined => {
    if (value === undefined) return undefined;
    const cores = coresOf(value.amount);
    if (cores === undefined || cores <= 0) problems.invalid(field, value.amount, 'a positive CPU quantity (Cpu.millis(n) or Cpu.units(n))');
    annotations[annotation] = value.amount;
    return cores;
  };
  const cpuRequest = cpu('cpuRequest', config.cpuRequest, 'config.linkerd.io/proxy-cpu-request');
  const cpuLimit = cpu('cpuLimit', config.cpuLimit, 'config.linkerd.io/proxy-cpu-limit');
  if (cpuRequest !== undefined && cpuLimit !== undefined && cpuLimit < cpuRequest) {
    problems.invalid('cpuLimit', config.cpuLimit!.amount, `a quantity not below cpuRequest ${config.cpuRequest!.amount}`);
  }

  const memory = (field: string, value: Size | undefined, annotation: string): number | undefined => {
    if (value === undefined) return undefined;
    const mebibytes = value.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(mebibytes) || mebibytes <= 0) {
      problems.invalid(`${field} (MiB)`, mebibytes, 'a positive whole number of mebibytes (Size.mebibytes(n))');
    }
    annotations[annotation] = `${mebibytes}Mi`;
    return mebibytes;
  };
  const memoryRequest = memory('memoryRequest', config.memoryRequest, 'config.linkerd.io/proxy-memory-request');
  const memoryLimit = memory('memoryLimit', config.memoryLimit, 'config.linkerd.io/proxy-memory-limit');
  if (memoryRequest !== undefined && memoryLimit !== undefined && memoryLimit < memoryRequest) {
    problems.invalid('memoryLimit', `${memoryLimit}Mi`, `a size not below memoryRequest ${memoryRequest}Mi`);
  }

  if (config.logLevel !== undefined) annotations['config.linkerd.io/proxy-log-level'] = config.logLevel;
  if (config.defaultInboundPolicy !== undefined) {
    annotations['config.linkerd.io/default-inbound-policy'] = config.defaultInboundPolicy;
  }
  return annotations;
}

function coresOf(amount: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(amount);
  if (!match) return undefined;
  return Number(match[1]) / (match[2] === 'm' ? 1000 : 1);
}
