import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { RolloutsGatewayApiPlugin } from '../lib';

/**
 * What the Argo Rollouts Gateway API plugin needs once per cluster (seed 000): the plugin
 * registration in `argo-rollouts/argo-rollouts-config` and the controller's RBAC, with the
 * seed's names. Apply after Argo Rollouts' install.yaml, then restart the controller.
 *
 * Unlike the seed: the ClusterRole has no namespace (it is cluster-scoped) and grants only the
 * verbs the plugin calls instead of `*` on HTTPRoutes and seven verbs on every ConfigMap.
 * No chart namespace: the ConfigMap names its own, the RBAC objects are cluster-scoped.
 */
export class ArgoRolloutsPlatformChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new RolloutsGatewayApiPlugin(this, 'GatewayApiPlugin', {
      roleName: 'argo-controller-role',
      bindingName: 'argo-controller',
    });
  }
}
