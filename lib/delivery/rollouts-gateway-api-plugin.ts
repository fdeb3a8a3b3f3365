import { Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { namespaceNameProblem, objectNameProblem, throwIfProblems } from '../common';
import { GATEWAY_API_PLUGIN_NAME } from './canary-traffic-routing';

/** Where the Argo Rollouts controller loads a plugin binary from. */
export class PluginLocation {
  /** Download from an https URL when the controller starts. */
  public static https(url: string): PluginLocation {
    return new PluginLocation(url, /^https:\/\/[^\s/]+\/\S+$/.test(url) ? undefined
      : `plugin location "${url}" is invalid; allowed: an https:// URL of the plugin binary`);
  }

  /** A binary already on the controller's file system (clusters without internet access); the path must be absolute. */
  public static file(absolutePath: string): PluginLocation {
    return new PluginLocation(`file://${absolutePath}`, /^\/\S*[^\s/]$/.test(absolutePath) ? undefined
      : `plugin file path "${absolutePath}" is invalid; allowed: an absolute path of a file, such as /plugins/gatewayapi`);
  }

  private constructor(
    /** The location as the controller's ConfigMap takes it. */
    public readonly url: string,
    /** What is wrong with it, if anything. */
    public readonly problem: string | undefined,
  ) {}
}

/** The Gateway API plugin release that the seeds use. */
export const DEFAULT_GATEWAY_API_PLUGIN_LOCATION = PluginLocation.https(
  'https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.6.0/gatewayapi-plugin-linux-amd64');

/** The ConfigMap that the Argo Rollouts controller reads its plugins from (the name is fixed by the controller). */
export const ARGO_ROLLOUTS_CONFIG_MAP = 'argo-rollouts-config';

/** Properties of a {@link RolloutsGatewayApiPlugin}. */
export interface RolloutsGatewayApiPluginProps {
  /**
   * Where the controller loads the plugin from.
   * @default DEFAULT_GATEWAY_API_PLUGIN_LOCATION (v0.6.0, linux-amd64)
   */
  readonly location?: PluginLocation;
  /**
   * SHA-256 checksum of the plugin binary, checked by the controller before it runs it.
   * @default - not checked
   */
  readonly sha256?: string;
  /**
   * Namespace of the Argo Rollouts controller.
   * @default 'argo-rollouts'
   */
  readonly controllerNamespace?: string;
  /**
   * ServiceAccount of the Argo Rollouts controller.
   * @default 'argo-rollouts'
   */
  readonly controllerServiceAccount?: string;
  /**
   * Name of the ClusterRole (and ClusterRoleBinding, with `bindingName`) granting the plugin its access.
   * @default 'argo-rollouts-gatewayapi-plugin'
   */
  readonly roleName?: string;
  /**
   * Name of the ClusterRoleBinding.
   * @default - the role name
   */
  readonly bindingName?: string;
  /**
   * The ConfigMap, in each rollout's namespace, where the plugin keeps its state.
   * @default 'argo-gatewayapi-configmap' (the plugin's default)
   */
  readonly stateConfigMapName?: string;
}

/**
 * What the `argoproj-labs/gatewayAPI` traffic router plugin needs once per cluster: its
 * registration in the controller's `argo-rollouts-config` ConfigMap, and RBAC for the
 * controller to edit HTTPRoutes and the plugin's state ConfigMap. Least privilege: the verbs
 * the plugin calls (get/update on HTTPRoutes; get/update on its own ConfigMap by name; create
 * for ConfigMaps, which RBAC cannot limit by name), no wildcards. Restart the controller after a change.
 */
export class RolloutsGatewayApiPlugin extends Construct {
  /** The ConfigMap registering the plugin. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The ClusterRole with the plugin's permissions. */
  public readonly clusterRole: k8s.KubeClusterRole;
  /** The binding of the role to the controller's ServiceAccount. */
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;

  constructor(scope: Construct, id: string, props: RolloutsGatewayApiPluginProps = {}) {
    super(scope, id);
    const location = props.location ?? DEFAULT_GATEWAY_API_PLUGIN_LOCATION;
    const controllerNamespace = props.controllerNamespace ?? 'argo-rollouts';
    const serviceAccount = props.controllerServiceAccount ?? 'argo-rollouts';
    const roleName = props.roleName ?? 'argo-rollouts-gatewayapi-plugin';
    const bindingName = props.bindingName ?? roleName;
    const stateConfigMap = props.stateConfigMapName ?? 'argo-gatewayapi-configmap';

    throwIfProblems(this, [
      location.problem,
      props.sha256 === undefined || /^[0-9a-f]{64}$/.test(props.sha256) ? undefined
        : `sha256 "${props.sha256}" is invalid; allowed: 64 lowercase hexadecimal digits`,
      namespaceNameProblem('controllerNamespace', controllerNamespace),
      objectNameProblem('controllerServiceAccount', serviceAccount),
      objectNameProblem('roleName', roleName),
      objectNameProblem('bindingName', bindingName),
      objectNameProblem('stateConfigMapName', stateConfigMap),
    ]);

    const entry = [`- name: ${JSON.stringify(GATEWAY_API_PLUGIN_NAME)}`, `  location: ${JSON.stringify(location.url)}`];
    if (props.sha256 !== undefined) entry.push(`  sha256: ${JSON.stringify(props.sha256)}`);
    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: ARGO_ROLLOUTS_CONFIG_MAP, namespace: controllerNamespace },
      data: { trafficRouterPlugins: entry.join('\n') },
    });

    this.clusterRole = new k8s.KubeClusterRole(this, 'Role', {
      metadata: { name: roleName },
      rules: [
        // SetWeight reads the route and writes it back with new backend weights.
        { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: ['get', 'update'] },
        // Header routes are recorded in the plugin's state ConfigMap in the rollout's namespace.
        { apiGroups: [''], resources: ['configmaps'], resourceNames: [stateConfigMap], verbs: ['get', 'update'] },
        // The plugin creates that ConfigMap when missing; Kubernetes RBAC cannot restrict create by name.
        { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
      ],
    });
    this.clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'Binding', {
      metadata: { name: bindingName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace: controllerNamespace }],
    });
    // Cluster-scoped objects have no namespace, whatever the chart's default namespace.
    if (Chart.of(this).namespace !== undefined) {
      for (const clusterScoped of [this.clusterRole, this.clusterRoleBinding]) {
        clusterScoped.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
    }
  }
}
