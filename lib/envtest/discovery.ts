import { ApiClient } from './api-client';
import { mapBounded } from './bounded';

/** Where objects of one group/version/kind are created. */
export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Plural resource name, e.g. "deployments". */
  readonly resource: string;
  readonly namespaced: boolean;
}

/** The kinds an API server serves, from its discovery documents (/api, /apis and each group version). */
export class ResourceMap {
  /** The collection path objects of this kind are POSTed to. */
  public static collectionPath(info: ResourceInfo, namespace: string): string {
    const prefix = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
    return info.namespaced ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${info.resource}` : `${prefix}/${info.resource}`;
  }

  private static key(group: string, version: string, kind: string): string {
    return `${group}/${version}/${kind}`;
  }

  private readonly byKey = new Map<string, ResourceInfo>();

  constructor(resources: readonly ResourceInfo[]) {
    for (const resource of resources) this.byKey.set(ResourceMap.key(resource.group, resource.version, resource.kind), resource);
  }

  find(group: string, version: string, kind: string): ResourceInfo | undefined {
    return this.byKey.get(ResourceMap.key(group, version, kind));
  }

  get size(): number {
    return this.byKey.size;
  }
}

interface ApiResourceList {
  readonly resources?: ReadonlyArray<{ name: string; kind: string; namespaced: boolean }>;
}

/** Reads the discovery documents with GETs only (works read-only against any cluster). */
export async function discoverResources(client: ApiClient): Promise<ResourceMap> {
  const groupVersions: Array<{ group: string; version: string; path: string }> = [];
  const core = await getJson<{ versions?: string[] }>(client, '/api');
  for (const version of core.versions ?? []) groupVersions.push({ group: '', version, path: `/api/${version}` });
  const groups = await getJson<{ groups?: Array<{ name: string; versions: Array<{ version: string }> }> }>(client, '/apis');
  for (const group of groups.groups ?? []) {
    for (const { version } of group.versions) groupVersions.push({ group: group.name, version, path: `/apis/${group.name}/${version}` });
  }
  const lists = await mapBounded(groupVersions, 8, async (gv) => ({ gv, list: await getJson<ApiResourceList>(client, gv.path, true) }));
  const resources: ResourceInfo[] = [];
  for (const { gv, list } of lists) {
    for (const entry of list.resources ?? []) {
      if (entry.name.includes('/')) continue; // subresources (status, scale, ...)
      resources.push({ group: gv.group, version: gv.version, kind: entry.kind, resource: entry.name, namespaced: entry.namespaced });
    }
  }
  return new ResourceMap(resources);
}

async function getJson<T>(client: ApiClient, path: string, tolerateUnavailable = false): Promise<T> {
  const response = await client.get(path);
  // An aggregated API whose backend is down answers 503; its kinds are then simply not known.
  if (tolerateUnavailable && response.status === 503) return {} as T;
  if (response.status !== 200 || response.body === undefined) {
    throw new Error(`GET ${path} answered ${response.status}: ${response.text.slice(0, 300)}`);
  }
  return response.body as T;
}
