import { JsonPatch } from 'cdk8s';
import { Service, ServiceProps, ServiceType } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/**
 * A cdk8s-plus `Service` rendered as the API server stores it, so Argo CD reports no drift:
 * cdk8s-plus always writes `spec.externalIPs`, as `[]` when none are given, and the API server
 * drops an empty list. Use it for every Service in front of meshed pods.
 */
export class MeshedService extends Service {
  constructor(scope: Construct, id: string, props: ServiceProps = {}) {
    super(scope, id, props);
    if (this.type !== ServiceType.EXTERNAL_NAME && (props.externalIPs ?? []).length === 0) {
      this.apiObject.addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
    }
  }
}
