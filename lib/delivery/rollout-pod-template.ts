import { ApiObject, ApiObjectMetadataDefinition } from 'cdk8s';
import { AbstractPod, AbstractPodProps, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** Properties of a {@link RolloutPodTemplate}. */
export interface RolloutPodTemplateProps extends AbstractPodProps {
  /** The Rollout whose `spec.template` this is (its metadata is the resource's metadata). */
  readonly rollout: ApiObject;
  /** The pod template's labels and annotations. */
  readonly podMetadata: ApiObjectMetadataDefinition;
}

/**
 * The pod template of a Rollout as cdk8s-plus builds pod specs: containers from `ContainerProps` with
 * cdk8s-plus' defaults (security context, resources, probes), volumes, ServiceAccount, pod security
 * context, exactly as a cdk8s-plus Deployment (and so `MeshedDeployment`) renders them. Renders
 * nothing itself: `CanaryRollout` writes `toPodSpecJson()` into its Rollout.
 */
export class RolloutPodTemplate extends AbstractPod {
  public readonly resourceType = 'rollouts';
  public readonly podMetadata: ApiObjectMetadataDefinition;
  protected readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: RolloutPodTemplateProps) {
    const { rollout, podMetadata, ...podProps } = props;
    super(scope, id, podProps);
    this.apiObject = rollout;
    this.podMetadata = podMetadata;
  }

  /** The pod spec in manifest (JSON) form. */
  public toPodSpecJson(): Record<string, unknown> {
    return k8s.toJson_PodSpec(this._toPodSpec()) as Record<string, unknown>;
  }
}
