import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { TrafficSplitV1Alpha2 } from '../../../imports/smi-trafficsplit-split.smi-spec.io';
import { PropProblems, integerProblem, objectNameProblem } from '../../common';
import { IMeshService } from '../mesh-service';
import { outboundRoutesOf, sameService } from './conflicts';
import { ServiceProfile } from './service-profile';

/** A weighted backend of a TrafficSplit. */
export interface TrafficSplitBackend {
  /** The backend Service. */
  readonly service: IMeshService;
  /** Relative share: an integer >= 0. */
  readonly weight: number;
}

/** Properties of a `TrafficSplit`. */
export interface TrafficSplitProps {
  /**
   * Metadata of the object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /** The apex Service clients address. */
  readonly service: IMeshService;
  /** The backends and their weights; at least one weight above 0. */
  readonly backends: TrafficSplitBackend[];
}

/**
 * An SMI `TrafficSplit` (split.smi-spec.io/v1alpha2), served by the linkerd-smi extension, which
 * converts it into the `dstOverrides` of the apex Service's ServiceProfile.
 *
 * @deprecated Use an outbound `HttpRoute` with weighted backends. Because the extension writes
 * into the apex Service's ServiceProfile, this construct refuses to coexist with a ServiceProfile
 * or an outbound HttpRoute for the same Service.
 */
export class TrafficSplit extends Construct {
  constructor(scope: Construct, id: string, props: TrafficSplitProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    if (props.metadata?.name !== undefined) problems.add(objectNameProblem('metadata.name', props.metadata.name));
    if (props.backends.length === 0) problems.invalid('backends', [], 'at least one backend');
    const resource = new TrafficSplitV1Alpha2(this, 'Resource', {
      metadata: { ...props.metadata },
      spec: {
        service: props.service.name,
        backends: props.backends.map((backend) => {
          problems.add(integerProblem(`weight of ${backend.service.name}`, backend.weight, 0, 1_000_000));
          return { service: backend.service.name, weight: backend.weight };
        }),
      },
    });
    const namespace = resource.metadata.namespace;
    for (const service of [props.service, ...props.backends.map((b) => b.service)]) {
      if (service.metadata.namespace !== namespace) {
        problems.invalid(`namespace of Service ${service.name}`, service.metadata.namespace ?? '(none)',
          `the split's own namespace ${namespace ?? '(none)'}`);
      }
    }
    const names = props.backends.map((b) => b.service.name);
    if (new Set(names).size !== names.length) problems.invalid('backends', names, 'each Service at most once');
    if (props.backends.length > 0 && !props.backends.some((b) => b.weight > 0)) {
      problems.invalid('weights', props.backends.map((b) => b.weight), 'integers >= 0, at least one > 0');
    }
    problems.throwIfAny();
    this.node.addValidation({
      validate: () => {
        const profiles = this.node.root.node.findAll()
          .filter((c): c is ServiceProfile => c instanceof ServiceProfile && sameService(c.service, props.service));
        return [
          ...profiles.map((p) => `TrafficSplit ${resource.name} and ServiceProfile ${p.name} (${p.node.path}) both configure `
            + `Service ${props.service.name}; the SMI extension would overwrite the profile's dstOverrides. Allowed: one of them per Service`),
          ...outboundRoutesOf(this, props.service).map((r) => `TrafficSplit ${resource.name} and outbound ${r.apiObject.kind} ${r.name} `
            + `(${r.node.path}) both split Service ${props.service.name}; allowed: one of them per Service`),
        ];
      },
    });
  }
}
