import { ARGO } from '../api-groups';
import { fieldPath } from '../field-path';
import { GO_DURATION_SYNTAX, parseGoDuration } from '../syntax/durations';
import { IndexedObject, Report, TargetIndex } from '../target-index';
import { asArray, asObject, asString, getIn, isObject, JsonObject } from '../values';
import { INVALID_SPEC } from './argo-rollout-spec';

/**
 * Analysis as Argo Rollouts v1.9.1 runs it: the references a Rollout makes (validation_references.go, via
 * utils/analysis NewAnalysisRunFromTemplates and MergeArgs), and what the analysis controller does with a template's
 * metrics (utils/analysis ValidateMetric, utils/template argument resolution). A template the controller cannot run
 * puts the AnalysisRun in phase Error, which aborts the rollout.
 */
const RUN_ERROR = 'the AnalysisRun ends in phase Error and the rollout is aborted';

/** Where a Rollout runs analyses; `background` is upstream's BackgroundAnalysis, the only kind allowed to run forever. */
interface AnalysisUse {
  readonly path: string;
  readonly analysis: JsonObject;
  readonly background: boolean;
}

function analysisUses(rollout: IndexedObject): AnalysisUse[] {
  const strategy = asObject(getIn(rollout.manifest, 'spec', 'strategy')) ?? {};
  const uses: AnalysisUse[] = [];
  const canary = asObject(strategy.canary);
  if (canary) {
    const background = asObject(canary.analysis);
    if (background) uses.push({ path: 'spec.strategy.canary.analysis', analysis: background, background: true });
    asArray(canary.steps).forEach((step, i) => {
      const analysis = asObject(asObject(step)?.analysis);
      if (analysis) uses.push({ path: fieldPath('spec.strategy.canary.steps', i, 'analysis'), analysis, background: false });
    });
  }
  const blueGreen = asObject(strategy.blueGreen);
  for (const field of ['prePromotionAnalysis', 'postPromotionAnalysis']) {
    const analysis = asObject(blueGreen?.[field]);
    if (analysis) uses.push({ path: fieldPath('spec.strategy.blueGreen', field), analysis, background: false });
  }
  return uses;
}

/** Fields of an object the downward API (k8s fieldpath.ExtractFieldPathAsString) can read, as analysis args use it. */
const METADATA_FIELD = /^metadata\.(name|namespace|uid|labels|annotations|(labels|annotations)\[['"][^'"]+['"]\])$/;

export function checkRolloutAnalyses(index: TargetIndex, rollout: IndexedObject, report: Report): void {
  for (const use of analysisUses(rollout)) checkAnalysisUse(index, rollout, use, report);
  // Upstream checks metadata fieldRefs of step and experiment analyses at spec validation.
  asArray(getIn(rollout.manifest, 'spec', 'strategy', 'canary', 'steps')).forEach((step, i) => {
    asArray(getIn(step, 'experiment', 'analyses')).forEach((analysis, j) => {
      checkRolloutArgs(rollout, asArray(asObject(analysis)?.args), fieldPath('spec.strategy.canary.steps', i, 'experiment', 'analyses', j, 'args'),
        report);
    });
  });
}

function checkRolloutArgs(rollout: IndexedObject, args: unknown[], path: string, report: Report): void {
  args.forEach((value, i) => {
    const valueFrom = asObject(asObject(value)?.valueFrom);
    if (!valueFrom) return;
    const fieldRef = asString(asObject(valueFrom.fieldRef)?.fieldPath);
    if (fieldRef !== undefined && fieldRef.startsWith('metadata') && !METADATA_FIELD.test(fieldRef)) {
      report(rollout, fieldPath(path, i, 'valueFrom', 'fieldRef', 'fieldPath'), 'semantic/rollout-analysis-arg',
        `fieldPath "${fieldRef}" is invalid: `
        + 'Argo Rollouts cannot read it from the Rollout (InvalidSpec for step and experiment analyses; otherwise the AnalysisRun is never created); '
        + `allowed: metadata.name, metadata.namespace, metadata.uid, metadata.labels['<key>'], metadata.annotations['<key>'], or a spec/status path`);
    }
    const hash = valueFrom.podTemplateHashValue;
    if (hash !== undefined && hash !== 'Latest' && hash !== 'Stable') {
      report(rollout, fieldPath(path, i, 'valueFrom', 'podTemplateHashValue'), 'semantic/rollout-analysis-arg',
        `podTemplateHashValue ${JSON.stringify(hash)} is invalid: `
        + 'Argo Rollouts passes an empty value for it; allowed: Latest (the canary pods) or Stable');
    }
  });
}

interface ResolvedTemplate {
  readonly object: IndexedObject;
  readonly label: string;
  readonly path: string;
}

function checkAnalysisUse(index: TargetIndex, rollout: IndexedObject, use: AnalysisUse, report: Report): void {
  const { analysis, path } = use;
  checkRolloutArgs(rollout, asArray(analysis.args), fieldPath(path, 'args'), report);
  // Upstream getReferencedAnalysisTemplatesFromRef: each reference, then the templates it nests (spec.templates, looked up
  // in the Rollout's namespace), each template once (FilterUniqueTemplates).
  const templates: ResolvedTemplate[] = [];
  const seen = new Set<string>();
  const resolve = (refs: unknown[], pathOf: (i: number) => string, via: string): void => {
    refs.forEach((value, i) => {
      const ref = asObject(value) ?? {};
      const name = asString(ref.templateName) ?? '';
      const clusterScope = ref.clusterScope === true;
      const kind = clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
      const namespace = clusterScope ? '' : rollout.id.namespace;
      const templatePath = pathOf(i);
      if (seen.has(`${kind}/${name}`)) return;
      seen.add(`${kind}/${name}`);
      const template = index.find(ARGO, kind, namespace, name);
      if (!template) {
        const shown = clusterScope ? name : `${namespace}/${name}`;
        report(rollout, templatePath, 'ref/rollout-analysis', `${kind} "${shown}" ${via}is not in this target: `
          + `${INVALID_SPEC}; allowed: ${index.namesOf(ARGO, kind, namespace)}`);
        return;
      }
      templates.push({ object: template, label: `${kind} "${name}"`, path: templatePath });
      resolve(asArray(getIn(template.manifest, 'spec', 'templates')), () => templatePath, `(nested in ${kind} "${name}") `);
    });
  };
  resolve(asArray(analysis.templates), (i) => fieldPath(path, 'templates', i, 'templateName'), '');
  if (templates.length === 0) return;

  // FlattenTemplates: metric names are unique across the templates, an argument keeps one value.
  const metricOwners = new Map<string, string>();
  const args = new Map<string, { value?: string; resolved: boolean; owner: string }>();
  for (const template of templates) {
    for (const metric of asArray(getIn(template.object.manifest, 'spec', 'metrics'))) {
      const name = asString(asObject(metric)?.name) ?? '';
      const owner = metricOwners.get(name);
      if (owner !== undefined && owner !== template.label) {
        report(rollout, template.path, 'ref/rollout-analysis', `${owner} and ${template.label} both have metric "${name}": ${INVALID_SPEC}; `
          + 'allowed: templates whose metric names differ');
      }
      metricOwners.set(name, template.label);
    }
    for (const value of asArray(getIn(template.object.manifest, 'spec', 'args'))) {
      const arg = asObject(value) ?? {};
      const name = asString(arg.name);
      if (name === undefined) continue;
      const resolved = arg.value !== undefined || arg.valueFrom !== undefined;
      const previous = args.get(name);
      const text = asString(arg.value);
      if (previous?.value !== undefined && text !== undefined && previous.value !== text) {
        report(rollout, template.path, 'ref/rollout-analysis',
          `argument "${name}" has value ${JSON.stringify(previous.value)} in ${previous.owner} and `
          + `${JSON.stringify(text)} in ${template.label}: ${INVALID_SPEC}; allowed: one value, or the value supplied by the Rollout`);
      }
      // Like upstream flattenArgs, a later argument replaces an earlier one unless the earlier one has a value.
      if (!previous || previous.value === undefined) args.set(name, { value: text, resolved, owner: template.label });
    }
  }
  // MergeArgs: any Rollout argument of the same name resolves it (the controller always sets a value, possibly empty).
  const supplied = new Set(asArray(analysis.args).map((arg) => asString(asObject(arg)?.name)));
  for (const [name, arg] of args) {
    if (arg.resolved || supplied.has(name)) continue;
    report(rollout, fieldPath(path, 'args'), 'ref/rollout-analysis-arg', `${arg.owner} needs argument "${name}", which the Rollout does not supply: `
      + `${INVALID_SPEC} (args.${name} was not resolved); allowed: add {name: ${name}, value: ...} or valueFrom to args, or a value in the template`);
  }
  if (use.background) return;
  // Upstream ValidateAnalysisTemplateWithType: a step or promotion analysis must end, so every metric needs an effective count.
  for (const template of templates) {
    for (const value of asArray(getIn(template.object.manifest, 'spec', 'metrics'))) {
      const metric = asObject(value) ?? {};
      if (effectiveCountMissing(metric)) {
        report(rollout, template.path, 'ref/rollout-analysis',
          `${template.label} has metric "${asString(metric.name) ?? ''}" which runs indefinitely (interval without count): `
          + `${INVALID_SPEC}, since this analysis must finish; allowed: a count on every metric, or the template as background analysis`);
      }
    }
  }
}

/** Upstream Metric.EffectiveCount is nil: count unset or 0 while an interval is set. */
function effectiveCountMissing(metric: JsonObject): boolean {
  const count = metric.count;
  if (typeof count === 'string' && count.includes('{{')) return false; // Resolved from an argument; unknown here.
  const zero = count === undefined || count === null || intValue(count) === 0;
  return zero && typeof metric.interval === 'string' && metric.interval !== '';
}

/** intstr.IntOrString.IntValue: an integer, or a string read with strconv.Atoi (0 when unreadable). */
function intValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^[+-]?[0-9]+$/.test(value)) return Number(value);
  return 0;
}

/** Providers of a metric (upstream counts each non-nil provider, and each plugin entry). */
function providerCount(provider: JsonObject): number {
  let count = 0;
  for (const [key, value] of Object.entries(provider)) {
    if (value === null || value === undefined) continue;
    count += key === 'plugin' ? Object.keys(asObject(value) ?? {}).length : 1;
  }
  return count;
}

/** Every "{{tag}}" in the strings of a value (fasttemplate's tags, as Argo resolves them). */
function templateTags(value: unknown, tags: string[]): string[] {
  if (typeof value === 'string') {
    for (const match of value.matchAll(/\{\{(.*?)\}\}/gs)) tags.push(match[1].trim());
  } else if (Array.isArray(value)) {
    for (const item of value) templateTags(item, tags);
  } else if (isObject(value)) {
    for (const item of Object.values(value)) templateTags(item, tags);
  }
  return tags;
}

/** An AnalysisTemplate or ClusterAnalysisTemplate as the analysis controller runs it, whoever references it. */
export function checkAnalysisTemplate(template: IndexedObject, report: Report): void {
  const spec = asObject(template.manifest.spec) ?? {};
  const metrics = asArray(spec.metrics);
  if (metrics.length === 0) {
    // A template may only compose others (spec.templates); the AnalysisRun then takes their metrics.
    if (asArray(spec.templates).length > 0) return;
    report(template, 'spec.metrics', 'semantic/analysis-metrics',
      `an analysis template without metrics is invalid: ${RUN_ERROR} ("no metrics specified"); allowed: at least one metric`);
    return;
  }
  const declared = new Set<string>();
  asArray(spec.args).forEach((value, i) => {
    const arg = asObject(value) ?? {};
    const name = asString(arg.name);
    if (name !== undefined) declared.add(name);
    if (arg.value !== undefined && arg.valueFrom !== undefined) {
      report(template, fieldPath('spec.args', i), 'semantic/analysis-args',
        `argument "${name ?? ''}" has both value and valueFrom, which is invalid: `
        + 'Argo Rollouts refuses the template; allowed: one of value, valueFrom');
    }
  });
  const names = new Map<string, number>();
  metrics.forEach((value, i) => {
    const metric = asObject(value) ?? {};
    const path = fieldPath('spec.metrics', i);
    const name = asString(metric.name) ?? '';
    const first = names.get(name);
    if (first !== undefined) {
      report(template, fieldPath(path, 'name'), 'semantic/analysis-metric',
        `metric name "${name}" duplicates spec.metrics[${first}]: ${RUN_ERROR}; allowed: unique metric names`);
    } else {
      names.set(name, i);
    }
    const unresolved = templateTags(metric, []).filter((tag) => !(tag.startsWith('args.') && declared.has(tag.slice('args.'.length))));
    for (const tag of new Set(unresolved)) {
      report(template, path, 'semantic/analysis-args',
        `metric "${name}" uses {{${tag}}}, which spec.args does not declare: Argo Rollouts fails to resolve it `
        + `(InvalidSpec for Rollouts running it in a step, otherwise ${RUN_ERROR}); `
        + `allowed: {{args.<name>}} with <name> in spec.args (${[...declared].join(', ') || 'none'})`);
    }
    const problem = metricProblem(metric);
    if (problem) report(template, fieldPath(path, problem.field), 'semantic/analysis-metric',
      `metric "${name}": ${problem.what} is invalid: ${RUN_ERROR}; allowed: ${problem.allowed}`);
  });
}

/** Upstream utils/analysis ValidateMetric, first problem only (as upstream returns it), skipping values taken from arguments. */
function metricProblem(metric: JsonObject): { field: string; what: string; allowed: string } | undefined {
  const fields = ['count', 'failureLimit', 'consecutiveSuccessLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'interval', 'initialDelay'];
  if (fields.some((field) => typeof metric[field] === 'string' && (metric[field] as string).includes('{{'))) return undefined;
  const count = intValue(metric.count ?? 0);
  const failureLimit = intValue(metric.failureLimit ?? 0);
  const successLimit = intValue(metric.consecutiveSuccessLimit ?? 0);
  const inconclusiveLimit = intValue(metric.inconclusiveLimit ?? 0);
  if (successLimit < 0) return { field: 'consecutiveSuccessLimit', what: `consecutiveSuccessLimit ${successLimit}`, allowed: 'integers >= 0' };
  if (failureLimit < -1) return { field: 'failureLimit', what: `failureLimit ${failureLimit}`, allowed: 'integers >= 0, or -1 to disable it' };
  if (successLimit === 0 && failureLimit === -1) {
    return { field: 'failureLimit', what: 'failureLimit -1 without consecutiveSuccessLimit',
      allowed: 'a consecutiveSuccessLimit > 0 when failureLimit is -1' };
  }
  if (inconclusiveLimit < 0) return { field: 'inconclusiveLimit', what: `inconclusiveLimit ${inconclusiveLimit}`, allowed: 'integers >= 0' };
  if (metric.consecutiveErrorLimit !== undefined && intValue(metric.consecutiveErrorLimit) < 0) {
    return { field: 'consecutiveErrorLimit', what: `consecutiveErrorLimit ${intValue(metric.consecutiveErrorLimit)}`, allowed: 'integers >= 0' };
  }
  if (count > 0) {
    if (successLimit >= 0 && failureLimit >= 0 && count < failureLimit + successLimit) {
      return { field: 'count', what: `count ${count}`,
        allowed: `at least failureLimit + consecutiveSuccessLimit (${failureLimit} + ${successLimit})` };
    }
    if (successLimit >= 0 && failureLimit < 0 && count < successLimit) {
      return { field: 'count', what: `count ${count}`, allowed: `at least consecutiveSuccessLimit (${successLimit})` };
    }
    if (count < inconclusiveLimit) return { field: 'count', what: `count ${count}`, allowed: `at least inconclusiveLimit (${inconclusiveLimit})` };
  }
  const interval = asString(metric.interval) ?? '';
  if (count > 1 && interval === '') return { field: 'interval', what: `count ${count} without interval`,
    allowed: 'an interval (e.g. 1m) when count > 1' };
  for (const field of ['interval', 'initialDelay']) {
    const text = asString(metric[field]) ?? '';
    if (text !== '' && parseGoDuration(text) === undefined) return { field, what: `${field} ${JSON.stringify(text)}`, allowed: GO_DURATION_SYNTAX };
  }
  const providers = providerCount(asObject(metric.provider) ?? {});
  if (providers !== 1) {
    return { field: 'provider', what: providers === 0 ? 'a metric without provider' : `a metric with ${providers} providers`,
      allowed: 'exactly one provider (prometheus, job, web, ...)' };
  }
  return undefined;
}
