import { InboundRequest } from './evaluate';

/** A request written the way people say it, as the jest helpers and `npm run authz` take it. */
export interface RequestSpec {
  /** The client's ServiceAccount, `namespace/name` (a meshed client). */
  readonly from?: string;
  /** The client's mesh identity string, instead of `from`. */
  readonly fromIdentity?: string;
  /** The source address: of an unmeshed client when `from` is absent, else of the meshed client. */
  readonly fromNetwork?: string;
  /** The destination, `namespace/workload:port` (port number or container port name). */
  readonly to: string;
  /** `METHOD /path` (optionally `?query`). */
  readonly http?: string;
  /** `package.Service/Method`. */
  readonly grpc?: string;
  /** Request headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A node address: the kubelet probes pods from its node's IP, as an unauthenticated client. Any address works while
 * the probe networks are Linkerd's default (everything).
 */
export const KUBELET_ADDRESS = '172.18.0.2';

/** The evaluator's request for a spec; throws `<what> <value> is invalid; allowed: ...` on malformed input. */
export function requestOf(spec: RequestSpec): InboundRequest {
  const to = /^([^/:]+(?:\/[^/:]+){1,2}):([A-Za-z0-9-]+)$/.exec(spec.to);
  if (!to) throw new Error(`destination "${spec.to}" is invalid; allowed: namespace/workload:port (a number or a container port name)`);
  const port = /^\d+$/.test(to[2]) ? Number(to[2]) : to[2];
  if (spec.from !== undefined && !/^[^/]+\/[^/]+$/.test(spec.from))
    throw new Error(`client "${spec.from}" is invalid; allowed: namespace/serviceaccount`);
  if (spec.from === undefined && spec.fromIdentity === undefined && spec.fromNetwork === undefined) {
    throw new Error('client (none) is invalid; allowed: from (namespace/serviceaccount), fromIdentity, or fromNetwork (an IP address)');
  }
  const client =
    spec.from !== undefined
      ? { serviceAccount: spec.from, ip: spec.fromNetwork }
      : spec.fromIdentity !== undefined
        ? { identity: spec.fromIdentity, ip: spec.fromNetwork }
        : { ip: spec.fromNetwork! };
  if (spec.http !== undefined && spec.grpc !== undefined)
    throw new Error(`request "${spec.http}" and "${spec.grpc}" is invalid; allowed: http or grpc, not both`);
  const base = { client, destination: { workload: to[1], port } };
  if (spec.http !== undefined) {
    const http = /^([A-Za-z]+)\s+(\/\S*)$/.exec(spec.http.trim());
    if (!http) throw new Error(`HTTP request "${spec.http}" is invalid; allowed: "METHOD /path", e.g. "GET /authors.json"`);
    return { ...base, http: { method: http[1].toUpperCase(), path: http[2], headers: spec.headers } };
  }
  if (spec.grpc !== undefined) {
    const grpc = /^\/?([^/\s]+)\/([^/\s]+)$/.exec(spec.grpc.trim());
    if (!grpc) throw new Error(`gRPC call "${spec.grpc}" is invalid; allowed: "package.Service/Method"`);
    return { ...base, grpc: { service: grpc[1], method: grpc[2], headers: spec.headers } };
  }
  return base;
}
