import { APPS, ARGO } from '../api-groups';
import { selectorMatches } from '../label-selector';
import { isKind, SELECTING_WORKLOADS } from '../pod-templates';
import { asObject, getIn } from '../values';
import { TargetCheck } from './target-check';

/** A workload's spec.selector must exist (apps/v1, Rollout) and select its own pod template's labels. */
export const checkWorkloadSelectors: TargetCheck = (index, report) => {
  for (const object of index.objects) {
    if (!isKind(object.id, SELECTING_WORKLOADS)) continue;
    const template = object.podTemplate;
    if (!template) continue;
    const selector = asObject(getIn(object.manifest, 'spec', 'selector'));
    const selectorRequired = object.id.group === APPS || object.id.group === ARGO;
    if (!selector || (selectorRequired && Object.keys(selector).length === 0)) {
      if (selectorRequired) report(object, 'spec.selector', 'core/selector-required',
        'spec.selector is required and must not be empty; allowed: matchLabels/matchExpressions selecting spec.template.metadata.labels');
      continue;
    }
    if (!selectorMatches(selector, template.labels)) {
      report(object, 'spec.selector', 'core/selector-mismatch',
        `selector does not match the template labels ${JSON.stringify(template.labels)}; allowed: a selector that selects spec.template.metadata.labels`);
    }
  }
};
