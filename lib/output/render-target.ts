import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Manifest, objectIdOf, apiGroupOf } from '../contracts';
import { withSyncWave, syncWaveOf } from './apply-order';
import { runForConstruct } from './user-code';

/** One synthesized object and the construct that produced it. */
export interface RenderedObject {
  readonly manifest: Manifest;
  /** The construct path, so that every problem can name where it came from. */
  readonly constructPath: string;
}

/**
 * What is applied together: one top-level chart, rendered into `dist/<name>/`,
 * synced by one Argo CD Application. Objects are in apply order.
 */
export interface RenderTarget {
  readonly name: string;
  readonly objects: readonly RenderedObject[];
  /**
   * ServiceAccounts (`<namespace>/<name>`) the chart declares as existing outside the target, so that its
   * authorizations may name them (the validator's `externalServiceAccounts`), sorted.
   * @default - none
   */
  readonly externalServiceAccounts?: readonly string[];
}

/**
 * A construct declaring a ServiceAccount that exists outside its chart's target (lib/mesh `ExternalServiceAccount`),
 * recognised by this property alone, so the pipeline needs no construct library.
 */
export interface ExternalServiceAccountDeclaration extends IConstruct {
  /** `<namespace>/<name>` of the ServiceAccount. */
  readonly declaredExternalServiceAccount: string;
}

/** A render target's name: a folder of `dist/` and an Argo CD Application name (lowercase letters, digits, `-`). */
export const TARGET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Runs every construct's validations, then renders each top-level chart of the app
 * into a render target. Throws one error listing every problem found, each with its
 * construct path; nothing is rendered when any construct is invalid.
 */
export function renderTargets(app: App): RenderTarget[] {
  validateConstructs(app);
  const charts = app.node.children.filter((c): c is Chart => c instanceof Chart);
  if (charts.length === 0) throw new Error('The app has no charts: there is nothing to render; allowed: one or more Charts directly under the App');
  return charts.map((chart) => {
    if (!TARGET_NAME.test(chart.node.id)) {
      throw new Error(`[${chart.node.path}] chart id "${chart.node.id}" names the folder dist/${chart.node.id}/ and an `
        + 'Argo CD Application; allowed: lowercase letters, digits and "-", starting and ending with a letter or digit');
    }
    const objects = chart.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject)
      .map((apiObject) => ({
        manifest: withSyncWave(runForConstruct(apiObject, 'rendering', () => apiObject.toJson()) as Manifest), constructPath: apiObject.node.path,
      }));
    assertUniqueIdentities(chart, objects);
    const external = externalServiceAccountsOf(chart);
    return { name: chart.node.id, objects: inApplyOrder(objects), ...(external.length > 0 ? { externalServiceAccounts: external } : {}) };
  });
}

/** The ServiceAccounts declared external anywhere in a chart, sorted and each once. */
function externalServiceAccountsOf(chart: Chart): string[] {
  const declared = chart.node.findAll()
    .filter((c): c is ExternalServiceAccountDeclaration =>
      typeof (c as Partial<ExternalServiceAccountDeclaration>).declaredExternalServiceAccount === 'string')
    .map((c) => c.declaredExternalServiceAccount);
  return [...new Set(declared)].sort();
}

function validateConstructs(app: App): void {
  const errors = app.node.findAll()
    .flatMap((c: IConstruct) => runForConstruct(c, 'validation', () => c.node.validate()).map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) {
    throw new Error(`Validation failed with ${errors.length} error(s):\n  ${errors.join('\n  ')}`);
  }
}

function assertUniqueIdentities(chart: Chart, objects: readonly RenderedObject[]): void {
  const seen = new Map<string, string>();
  for (const { manifest, constructPath } of objects) {
    const id = objectIdOf(manifest);
    const first = seen.get(id);
    if (first !== undefined) {
      throw new Error(`[${chart.node.path}] two objects have the identity ${id}: ${first} and ${constructPath}; `
        + 'the second would overwrite the first when applied. Allowed: one object per (group, kind, namespace, name) '
        + 'in a render target; put alternatives in separate charts');
    }
    seen.set(id, constructPath);
  }
}

/**
 * The objects in apply order: sync wave, then group, kind, namespace and name, so the order never depends on
 * construct order. Each object's sort key is worked out once, not at every comparison.
 */
function inApplyOrder(objects: readonly RenderedObject[]): RenderedObject[] {
  return objects
    .map((object) => {
      const { manifest } = object;
      return { object, wave: syncWaveOf(manifest), text: [apiGroupOf(manifest), manifest.kind, manifest.metadata.namespace ?? '',
        manifest.metadata.name] };
    })
    .sort((a, b) => a.wave - b.wave || compareTexts(a.text, b.text))
    .map(({ object }) => object);
}

function compareTexts(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}
