import { JsonPatch } from 'cdk8s';
import { Deployment, DeploymentProps, LabelSelector, Pod, PodSelectorConfig } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PropProblems } from '../common';
import { labelValueError, qualifiedNameError } from '../validation';
import { ProxyConfig, meshedPodAnnotations } from './proxy-config';

/** Properties of a `MeshedDeployment`. */
export interface MeshedDeploymentProps extends Omit<DeploymentProps, 'select' | 'podMetadata'> {
  /**
   * Labels of the pods, which are also the Deployment's selector (no generated
   * `cdk8s.io/metadata.addr` label), so Services, Servers and existing tooling
   * (`kubectl -l app=...`) select the pods by these labels.
   */
  readonly podLabels: Record<string, string>;
  /**
   * Proxy settings of the pods, as `config.linkerd.io/*` pod annotations.
   * @default - the namespace's or the control plane's defaults
   */
  readonly proxy?: ProxyConfig;
}

/**
 * A cdk8s-plus Deployment whose pods are meshed (`linkerd.io/inject: enabled` on the pod
 * template) and selected by exactly the given pod labels: cdk8s-plus' generated
 * `cdk8s.io/metadata.addr` label is left out of the pods, and Services that select this
 * Deployment select these labels.
 */
export class MeshedDeployment extends Deployment {
  constructor(scope: Construct, id: string, props: MeshedDeploymentProps) {
    const { podLabels, proxy, ...deploymentProps } = props;
    super(scope, id, { ...deploymentProps, select: false, podMetadata: { labels: podLabels } });
    const problems = new PropProblems(this);
    const entries = Object.entries(podLabels);
    if (entries.length === 0) problems.invalid('podLabels', '{}', 'at least one label, since they select the pods');
    for (const [key, value] of entries) {
      if (qualifiedNameError(key) !== undefined) {
        problems.invalid('pod label key', key, 'a label key: an optional DNS-1123 subdomain prefix and "/", then 1..63 '
          + 'alphanumerics, "-", "_" or ".", starting and ending alphanumeric');
      }
      if (labelValueError(value) !== undefined) {
        problems.invalid(`value of pod label ${key}`, value, 'a label value: empty, or 1..63 alphanumerics, "-", "_" or ".", '
          + 'starting and ending alphanumeric');
      }
    }
    const annotations = meshedPodAnnotations(problems, proxy);
    problems.throwIfAny();
    this.select(LabelSelector.of({ labels: podLabels }));
    for (const [key, value] of Object.entries(annotations)) this.podMetadata.addAnnotation(key, value);
    const addressLabel = Pod.ADDRESS_LABEL.replace(/~/g, '~0').replace(/\//g, '~1');
    this.apiObject.addJsonPatch(JsonPatch.remove(`/spec/template/metadata/labels/${addressLabel}`));
  }

  /** Selects the pods by their labels (cdk8s-plus would select its generated address label). */
  public toPodSelectorConfig(): PodSelectorConfig {
    return {
      labelSelector: LabelSelector.of({ labels: this.matchLabels }),
      namespaces: this.metadata.namespace ? { names: [this.metadata.namespace] } : undefined,
    };
  }
}
