import { Manifest, apiGroupOf } from '../contracts';
import { syncWaveOf } from './apply-order';
import { stringifyManifest } from './manifest-yaml';
import { RenderTarget } from './render-target';

/**
 * The file an object is written to inside its target folder:
 * `<wave>-<kind>[.<group>]_[<namespace>_]<name>.yaml`, e.g.
 * `04-server.policy.linkerd.io_booksapp_authors-server.yaml`.
 *
 * Unlike cdk8s' `Kind.name.k8s.yaml`, two objects that share kind and name in different
 * API groups or namespaces get different files (`_` cannot occur in Kubernetes names or
 * groups), and the wave prefix makes `kubectl apply -f <folder>` apply in sync-wave order.
 */
export function fileNameOf(manifest: Manifest): string {
  const prefix = String(syncWaveOf(manifest)).padStart(2, '0');
  const group = apiGroupOf(manifest);
  const kind = manifest.kind.toLowerCase() + (group === 'core' ? '' : `.${group}`);
  const namespace = manifest.metadata.namespace ? `${manifest.metadata.namespace}_` : '';
  return `${prefix}-${kind}_${namespace}${manifest.metadata.name}.yaml`;
}

/**
 * The content of an object's file: one YAML document, opened with `---` so that files can be
 * concatenated into one valid stream (`cat dist/<target>/*.yaml | kubectl apply -f -`,
 * `cdk8s synth --stdout`). The YAML is exactly cdk8s' `Yaml.stringify`, written faster (manifest-yaml.ts).
 */
export function manifestFileContent(manifest: Manifest): string {
  return `---\n${stringifyManifest(manifest)}`;
}

/** Every file of the rendered output, keyed by its path relative to the output folder, in a stable order. */
export function layoutFiles(targets: readonly RenderTarget[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const target of targets) {
    for (const { manifest, constructPath } of target.objects) {
      const file = `${target.name}/${fileNameOf(manifest)}`;
      if (files.has(file)) throw new Error(`[${constructPath}] would overwrite ${file}; object identities must be unique`);
      files.set(file, manifestFileContent(manifest));
    }
  }
  return files;
}
