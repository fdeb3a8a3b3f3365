import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { LinkerdIdentity, LinkerdIdentityProps } from '../lib';

/** Props of {@link LinkerdIdentityChart}. */
export interface LinkerdIdentityChartProps extends ChartProps, LinkerdIdentityProps {}

/**
 * Linkerd's identity issuer and trust roots from cert-manager and trust-manager (replaces seed 000's
 * `step certificate create` of the issuer and the `--set-file identity.issuer.tls.*` install flags). Synced by the
 * platform's `linkerd-identity` Application after cert-manager and trust-manager, before the control plane.
 * The trust anchor Secret `linkerd/linkerd-trust-anchor` is created out of band (README, "The platform").
 */
export class LinkerdIdentityChart extends Chart {
  constructor(scope: Construct, id: string, props: LinkerdIdentityChartProps = {}) {
    super(scope, id, props);
    new LinkerdIdentity(this, 'Identity', props);
  }
}
