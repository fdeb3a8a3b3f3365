import { ApiObjectMetadataDefinition } from 'cdk8s';
import { IConstruct } from 'constructs';

/** A port of an {@link IMeshService}. */
export interface MeshServicePort {
  /** The port number clients call. */
  readonly port: number;
}

/**
 * A Kubernetes Service as the mesh constructs use it: routes attach to and send to it, and
 * resilience annotations (`CircuitBreaker`, `RetriesAndTimeouts`) are written on it.
 *
 * Every cdk8s-plus `Service` (and so `MeshedService`) is one as it stands (the members are
 * cdk8s-plus' own), and so are the root, stable and canary Services of lib/delivery's
 * `CanaryRollout`; constructs take this interface, never a concrete Service class.
 */
export interface IMeshService extends IConstruct {
  /** Name of the Service object. */
  readonly name: string;
  /** The Service's metadata: its namespace, and where annotations are added. */
  readonly metadata: ApiObjectMetadataDefinition;
  /** The Service's ports. */
  readonly ports: readonly MeshServicePort[];
}
