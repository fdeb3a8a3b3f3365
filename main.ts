import { App } from 'cdk8s';
import { BooksappChart } from './charts/booksapp';
import { CircuitBreakingDemoChart } from './charts/circuit-breaking-demo';
import { EmojivotoChart } from './charts/emojivoto';
import { PodinfoDynamicRoutingChart } from './charts/podinfo-dynamic-routing';
import { synthesizeMain } from './lib/output';

/**
 * The render targets: each top-level chart becomes `dist/<chart id>/`, applied with
 * `kubectl apply -f dist/<chart id>` or synced by one Argo CD Application.
 */
export function buildApp(app: App): void {
  new BooksappChart(app, 'booksapp');
  new CircuitBreakingDemoChart(app, 'circuit-breaking-demo');
  new EmojivotoChart(app, 'emojivoto');
  new PodinfoDynamicRoutingChart(app, 'podinfo-dynamic-routing');
}

if (require.main === module) synthesizeMain(buildApp);
