import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentTargets, FleetApplications } from '../lib';

/** Props of {@link FleetChart}. */
export interface FleetChartProps {
  /** URL of this repository as Argo CD clones it. */
  readonly repoUrl: string;
  /** The rendered branch. @default 'rendered' */
  readonly branch?: string;
  /** Each environment and its render targets. */
  readonly environments: readonly EnvironmentTargets[];
}

/**
 * The fleet: per environment an AppProject and an Application per render target × cluster, in Argo CD's namespace.
 * Deployed by the app of apps (`argocd`) like any target, so the root Application stays the single entry point.
 */
export class FleetChart extends Chart {
  constructor(scope: Construct, id: string, props: FleetChartProps) {
    super(scope, id, { namespace: 'argocd' });
    new FleetApplications(this, 'applications', props);
  }
}
