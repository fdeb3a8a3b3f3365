import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { RenderedBranchApplications } from '../lib';

/** Props of {@link ArgoCdChart}. */
export interface ArgoCdChartProps {
  /** URL of this repository as Argo CD clones it (the repository `npm run render` pushes to). */
  readonly repoUrl: string;
  /** The rendered branch. @default 'rendered' */
  readonly branch?: string;
  /** Charts whose Applications sync before the others. @default - none */
  readonly platformCharts?: readonly Chart[];
  /** Render targets not deployed on this cluster (the alternatives not picked). @default - none */
  readonly excludedCharts?: readonly Chart[];
}

/** Argo CD's namespace, where AppProjects and Applications live. */
const ARGOCD_NAMESPACE = 'argocd';

/**
 * The app of apps: one Argo CD Application per deployed render target of the app, each syncing its
 * folder of the rendered branch, and a root Application for this chart's own folder.
 * Bootstrap once with `kubectl apply -f argocd/` from a checkout of the rendered branch.
 * Construct it last in `buildApp`.
 */
export class ArgoCdChart extends Chart {
  constructor(scope: Construct, id: string, props: ArgoCdChartProps) {
    super(scope, id, { namespace: ARGOCD_NAMESPACE });
    new RenderedBranchApplications(this, 'applications', {
      repoUrl: props.repoUrl,
      branch: props.branch,
      platformCharts: props.platformCharts,
      excludedCharts: props.excludedCharts,
    });
  }
}
