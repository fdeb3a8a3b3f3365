import { Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PropProblems, NamedObjectMetadata, namespaceNameProblem } from '../common';
import { ProxyConfig, meshedPodAnnotations } from './proxy-config';

/** Properties of a `MeshedNamespace`. */
export interface MeshedNamespaceProps {
  /** Metadata of the namespace: its `name` (a DNS-1123 label), labels and annotations. */
  readonly metadata: NamedObjectMetadata;
  /**
   * Proxy settings for every pod injected in the namespace.
   * @default - the control plane's defaults
   */
  readonly proxy?: ProxyConfig;
}

/**
 * A namespace whose pods are all meshed: `linkerd.io/inject: enabled` on the namespace,
 * plus optional `config.linkerd.io/*` proxy settings that apply to every pod in it.
 *
 * Namespaces are cluster-scoped: the chart's default namespace is not stamped on it.
 */
export class MeshedNamespace extends Construct {
  /** Name of the namespace. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: MeshedNamespaceProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    problems.add(namespaceNameProblem('metadata.name', props.metadata.name));
    // Annotations on a namespace apply to every pod injected in it.
    const annotations = meshedPodAnnotations(problems, props.proxy);
    problems.throwIfAny();
    this.name = props.metadata.name;
    const namespace = new k8s.KubeNamespace(this, 'Resource', {
      metadata: { ...props.metadata, annotations: { ...props.metadata.annotations, ...annotations } },
    });
    if (Chart.of(this).namespace !== undefined) namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
