import { App } from 'cdk8s';
import { CircuitBreakingDemoChart } from './charts/circuit-breaking-demo';
import { synthesizeMain } from './lib/output';

/**
 * The render targets: each top-level chart becomes `dist/<chart id>/`, applied with
 * `kubectl apply -f dist/<chart id>` or synced by one Argo CD Application.
 */
export function buildApp(app: App): void {
  new CircuitBreakingDemoChart(app, 'circuit-breaking-demo');
}

if (require.main === module) synthesizeMain(buildApp);
