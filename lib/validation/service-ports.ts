import { IndexedObject } from './target-index';
import { asArray, asObject } from './values';

/** Port protocols the API server accepts for Services and containers. */
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** Whether a Service exposes a port number. */
export function serviceHasPort(service: IndexedObject, port: number): boolean {
  return asArray(asObject(service.manifest.spec)?.ports).some((entry) => asObject(entry)?.port === port);
}

export function servicePortList(service: IndexedObject): string {
  const ports = asArray(asObject(service.manifest.spec)?.ports).map((entry) => asObject(entry)?.port).filter((port) => port !== undefined);
  return ports.length > 0 ? ports.join(', ') : 'none';
}
