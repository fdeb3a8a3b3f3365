import * as fs from 'fs';
import { isObject, JsonObject } from '../values';
import { CORE_DEFINITIONS_FILE } from './schema-files';

/**
 * The `$ref` that names a core definition: the form the definitions file uses between its own definitions, so the
 * registry resolves the references it hands out and those inside the file the same way.
 */
export function coreDefinitionRef(name: string): string {
  return `#/definitions/${name}`;
}
export const OBJECT_META_REF = coreDefinitionRef('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');

/** Kinds of the built-in API groups that are not namespaced (the definitions file does not say). */
const CLUSTER_SCOPED_CORE_KINDS = new Set([
  '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/VolumeAttachment',
  'networking.k8s.io/IngressClass', 'scheduling.k8s.io/PriorityClass', 'node.k8s.io/RuntimeClass',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest', 'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
]);

/** The Kubernetes 1.28 OpenAPI definitions, loaded on first use. */
export class CoreDefinitions {
  public static default(): CoreDefinitions {
    CoreDefinitions.shared ??= new CoreDefinitions(CORE_DEFINITIONS_FILE);
    return CoreDefinitions.shared;
  }

  private static shared?: CoreDefinitions;

  private loaded?: { definitions: Record<string, JsonObject>; byKind: Map<string, string> };

  public constructor(private readonly file: string) {}

  public isClusterScoped(group: string, kind: string): boolean {
    return CLUSTER_SCOPED_CORE_KINDS.has(`${group}/${kind}`);
  }

  /** The definition name ("io.k8s.api.apps.v1.Deployment") of a group/version/kind, if the API has it. */
  public definitionName(group: string, version: string, kind: string): string | undefined {
    return this.load().byKind.get(`${group}/${version}/${kind}`);
  }

  /** "group/version Kind" of every kind in a group, for "known:" hints. */
  public kindsInGroup(group: string): string[] {
    return [...this.load().byKind.keys()].filter((key) => key.startsWith(`${group}/`)).sort();
  }

  public definitions(): Record<string, JsonObject> {
    return this.load().definitions;
  }

  private load() {
    if (!this.loaded) {
      const document: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      const definitions = (isObject(document) && isObject(document.definitions) ? document.definitions : {}) as Record<string, JsonObject>;
      const byKind = new Map<string, string>();
      for (const [name, definition] of Object.entries(definitions)) {
        const gvks = definition['x-kubernetes-group-version-kind'];
        // Several definitions share meta kinds (e.g. DeleteOptions in every group); only whole resources have exactly one.
        if (Array.isArray(gvks) && gvks.length === 1 && isObject(gvks[0])) {
          const { group, version, kind } = gvks[0] as Record<string, string>;
          byKind.set(`${group}/${version}/${kind}`, name);
        }
      }
      this.loaded = { definitions, byKind };
    }
    return this.loaded;
  }
}
