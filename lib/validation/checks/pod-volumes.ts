import { fieldPath } from '../field-path';
import { dns1123LabelError } from '../syntax/names';
import { IndexedObject, Report } from '../target-index';
import { asArray, asObject, asString, JsonObject } from '../values';

// The VolumeSource members of core/v1 1.28 (validateVolumeSource counts them).
const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral',
];
const HOST_PATH_TYPES = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
const MAX_MODE = 0o777;

/**
 * validateVolumes and validateVolumeMounts of pkg/apis/core/validation: volume names (DNS-1123 labels, unique), at
 * most one source (none defaults to emptyDir), the source fields that can be judged offline, and mounts that name a
 * volume (or a StatefulSet volume claim template) at unique, well-formed paths.
 */
export function checkPodVolumes(object: IndexedObject, spec: JsonObject, specPath: string, claimTemplates: ReadonlySet<string>,
  report: Report): ReadonlySet<string> {
  const names = new Map<string, number>();
  asArray(spec.volumes).forEach((value, i) => {
    const volume = asObject(value) ?? {};
    const path = fieldPath(specPath, 'volumes', i);
    const name = asString(volume.name) ?? '';
    if (name === '') report(object, fieldPath(path, 'name'), 'core/volume-name', 'volume name is required');
    else {
      const error = dns1123LabelError(name);
      if (error) report(object, fieldPath(path, 'name'), 'core/volume-name', error);
      const first = names.get(name);
      if (first !== undefined) report(object, fieldPath(path, 'name'), 'core/volume-name',
        `volume name "${name}" is already used by ${fieldPath(specPath, 'volumes', first)}; allowed: unique volume names`);
      else names.set(name, i);
    }
    const sources = VOLUME_SOURCES.filter((source) => volume[source] !== undefined && volume[source] !== null);
    if (sources.length > 1) report(object, path, 'core/volume-source', `volume sets ${sources.join(' and ')}; allowed: exactly one volume source`);
    checkVolumeSource(object, volume, path, report);
  });
  return new Set([...names.keys(), ...claimTemplates]);
}

function checkVolumeSource(object: IndexedObject, volume: JsonObject, path: string, report: Report): void {
  const configMap = asObject(volume.configMap);
  if (configMap) {
    if (!asString(configMap.name)) report(object, fieldPath(path, 'configMap', 'name'), 'core/volume-source', 'configMap.name is required');
    checkItems(object, configMap, fieldPath(path, 'configMap'), report);
  }
  const secret = asObject(volume.secret);
  if (secret) {
    if (!asString(secret.secretName)) report(object, fieldPath(path, 'secret', 'secretName'), 'core/volume-source', 'secret.secretName is required');
    checkItems(object, secret, fieldPath(path, 'secret'), report);
  }
  const downwardAPI = asObject(volume.downwardAPI);
  if (downwardAPI) checkItems(object, downwardAPI, fieldPath(path, 'downwardAPI'), report);
  const projected = asObject(volume.projected);
  if (projected) {
    checkMode(object, projected.defaultMode, fieldPath(path, 'projected', 'defaultMode'), report);
    asArray(projected.sources).forEach((entry, i) => {
      for (const kind of ['configMap', 'secret', 'downwardAPI']) {
        const source = asObject(asObject(entry)?.[kind]);
        if (source) checkItems(object, source, fieldPath(path, 'projected', 'sources', i, kind), report);
      }
    });
  }
  const claim = asObject(volume.persistentVolumeClaim);
  if (claim && !asString(claim.claimName)) report(object, fieldPath(path, 'persistentVolumeClaim', 'claimName'), 'core/volume-source',
    'persistentVolumeClaim.claimName is required');
  const hostPath = asObject(volume.hostPath);
  if (hostPath) {
    if (!asString(hostPath.path)) report(object, fieldPath(path, 'hostPath', 'path'), 'core/volume-source', 'hostPath.path is required');
    const type = hostPath.type;
    if (typeof type === 'string' && !HOST_PATH_TYPES.includes(type)) {
      report(object, fieldPath(path, 'hostPath', 'type'), 'core/volume-source',
        `hostPath.type "${type}" is not supported; allowed: ${HOST_PATH_TYPES.filter((t) => t !== '').join(', ')}`);
    }
  }
}

/** validateKeyToPath / validateDownwardAPIVolumeFile: relative item paths without '..', and file modes. */
function checkItems(object: IndexedObject, source: JsonObject, path: string, report: Report): void {
  checkMode(object, source.defaultMode, fieldPath(path, 'defaultMode'), report);
  asArray(source.items).forEach((value, i) => {
    const item = asObject(value) ?? {};
    const itemPath = fieldPath(path, 'items', i);
    if (item.key !== undefined && !asString(item.key)) report(object, fieldPath(itemPath, 'key'), 'core/volume-source', 'items key is required');
    const target = asString(item.path) ?? '';
    if (target === '') report(object, fieldPath(itemPath, 'path'), 'core/volume-path', 'items path is required');
    else checkRelativePath(object, target, fieldPath(itemPath, 'path'), report);
    checkMode(object, item.mode, fieldPath(itemPath, 'mode'), report);
  });
}

function checkMode(object: IndexedObject, mode: unknown, path: string, report: Report): void {
  if (typeof mode === 'number' && (mode < 0 || mode > MAX_MODE)) {
    report(object, path, 'core/volume-source', `file mode ${mode} is invalid; allowed: 0 to 0777 (octal), i.e. 0 to 511 in decimal`);
  }
}

/** validateLocalDescendingPath: relative, and no '..' path element. */
export function checkRelativePath(object: IndexedObject, value: string, path: string, report: Report): void {
  if (value.startsWith('/')) report(object, path, 'core/volume-path', `path "${value}" is absolute; allowed: a relative path`);
  if (value.split('/').includes('..')) report(object, path, 'core/volume-path', `path "${value}" contains '..'; allowed: a path inside the volume`);
}

/** validateVolumeMounts: each mount names a volume, mountPath is set and unique in the container, subPath relative. */
export function checkVolumeMounts(object: IndexedObject, container: JsonObject, path: string, volumes: ReadonlySet<string>, report: Report): void {
  const mountPaths = new Map<string, number>();
  asArray(container.volumeMounts).forEach((value, i) => {
    const mount = asObject(value) ?? {};
    const mountPath = fieldPath(path, 'volumeMounts', i);
    const name = asString(mount.name) ?? '';
    if (name === '') report(object, fieldPath(mountPath, 'name'), 'core/volume-mount', 'volumeMounts name is required');
    else if (!volumes.has(name)) {
      report(object, fieldPath(mountPath, 'name'), 'core/volume-mount',
        `volume "${name}" is not defined in the pod; allowed: ${volumes.size > 0 ? [...volumes].join(', ') : 'no volumes are defined'}`);
    }
    const target = asString(mount.mountPath) ?? '';
    if (target === '') report(object, fieldPath(mountPath, 'mountPath'), 'core/volume-mount', 'mountPath is required');
    else {
      const first = mountPaths.get(target);
      if (first !== undefined) report(object, fieldPath(mountPath, 'mountPath'), 'core/volume-mount',
        `mountPath "${target}" is already used by ${fieldPath(path, 'volumeMounts', first)}; allowed: unique mount paths in a container`);
      else mountPaths.set(target, i);
    }
    const subPath = asString(mount.subPath);
    if (subPath) checkRelativePath(object, subPath, fieldPath(mountPath, 'subPath'), report);
  });
}
