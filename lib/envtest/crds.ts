import * as fs from 'fs';
import * as path from 'path';
import * as jsYaml from 'js-yaml';
import { ApiClient } from './api-client';
import { mapBounded } from './bounded';

/** A CustomResourceDefinition to install, and what it will serve. */
export interface CrdToInstall {
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly servedVersions: readonly string[];
  readonly manifest: Record<string, unknown>;
  readonly file: string;
}

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** Reads every CustomResourceDefinition document of the given files and folders (folders walked for *.yaml/*.yml). */
export function readCrds(paths: readonly string[]): CrdToInstall[] {
  const crds: CrdToInstall[] = [];
  for (const file of paths.flatMap(yamlFiles)) {
    for (const document of jsYaml.loadAll(fs.readFileSync(file, 'utf8'))) {
      const manifest = document as {
        kind?: string;
        metadata?: { name?: string };
        spec?: { group?: string; names?: { kind?: string }; versions?: Array<{ name: string; served?: boolean }> };
      };
      if (manifest?.kind !== 'CustomResourceDefinition') continue;
      crds.push({
        name: manifest.metadata?.name ?? '',
        group: manifest.spec?.group ?? '',
        kind: manifest.spec?.names?.kind ?? '',
        servedVersions: (manifest.spec?.versions ?? []).filter((version) => version.served !== false).map((version) => version.name),
        manifest: manifest as Record<string, unknown>,
        file,
      });
    }
  }
  return crds;
}

function yamlFiles(given: string): string[] {
  if (!fs.statSync(given).isDirectory()) return [given];
  return fs.readdirSync(given, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = path.join(given, entry.name);
      if (entry.isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    });
}

/**
 * The CRDs that serve the given objects' kinds. Installing a CRD costs the server noticeable CPU (its OpenAPI models
 * are built), so a run over a few objects installs only what it needs.
 */
export function crdsUsedBy(manifests: ReadonlyArray<Record<string, unknown>>, crds: readonly CrdToInstall[]): CrdToInstall[] {
  const used = new Set(manifests.map((manifest) => {
    const apiVersion = typeof manifest.apiVersion === 'string' ? manifest.apiVersion : '';
    return `${apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : ''}/${String(manifest.kind)}`;
  }));
  return crds.filter((crd) => used.has(`${crd.group}/${crd.kind}`));
}

/** Creates the CRDs (an existing one is left as it is) and waits until every one is Established. */
export async function installCrds(client: ApiClient, crds: readonly CrdToInstall[], timeoutMs = 240_000): Promise<void> {
  // Two at a time: each one keeps the server busy building its models; more in flight only makes each one slower.
  await mapBounded(crds, 2, async (crd) => {
    const response = await postCrd(client, crd);
    if (response.status !== 201 && response.status !== 409) {
      const why = statusMessage(response.body, response.text);
      throw new Error(`envtest: installing CRD ${crd.name} from ${crd.file} failed (${response.status}): ${why}`);
    }
  });
  const deadline = Date.now() + timeoutMs;
  const wanted = new Set(crds.map((crd) => crd.name));
  for (;;) {
    const list = await client.get(CRD_PATH);
    type Conditions = Array<{ type: string; status: string }>;
    const items = (list.body as { items?: Array<{ metadata: { name: string }; status?: { conditions?: Conditions } }> })?.items ?? [];
    const isEstablished = (conditions: Conditions | undefined) => conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true;
    const established = new Set(items.filter((item) => isEstablished(item.status?.conditions)).map((item) => item.metadata.name));
    const missing = [...wanted].filter((name) => !established.has(name));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`envtest: CRDs not Established after ${timeoutMs} ms: ${missing.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One retry after a timeout: the first POST may have been applied meanwhile (then 409, which is fine). */
async function postCrd(client: ApiClient, crd: CrdToInstall): Promise<{ status: number; body: unknown; text: string }> {
  try {
    return await client.post(CRD_PATH, crd.manifest, 120_000);
  } catch {
    return client.post(CRD_PATH, crd.manifest, 120_000);
  }
}

export function statusMessage(body: unknown, text: string): string {
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : text.slice(0, 500);
}
