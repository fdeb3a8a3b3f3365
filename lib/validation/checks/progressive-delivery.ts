import { ARGO, CORE, FLAGGER, SMI_SPLIT } from '../api-groups';
import { fieldPath } from '../field-path';
import { IndexedObject, Report, TargetIndex } from '../target-index';
import { asArray, asObject, getIn } from '../values';
import { checkAnalysisTemplate, checkRolloutAnalyses } from './argo-analysis';
import { checkGatewayApiPlugin, checkRolloutIngresses, checkRolloutServices } from './argo-rollout-references';
import { checkRolloutSpec } from './argo-rollout-spec';
import { checkFlaggerCanary } from './flagger';
import { TargetCheck } from './target-check';

/**
 * Argo Rollouts (Rollouts, AnalysisTemplates), Flagger Canaries and SMI TrafficSplits: what the controllers refuse or
 * read differently from how it looks, and references within the target. The rules per controller live in
 * argo-rollout-spec.ts, argo-rollout-references.ts, argo-analysis.ts and flagger.ts.
 */
export const checkProgressiveDelivery: TargetCheck = (index, report) => {
  for (const rollout of index.ofKind(ARGO, 'Rollout')) {
    checkRolloutSpec(rollout, report);
    checkRolloutServices(index, rollout, report);
    const canary = asObject(getIn(rollout.manifest, 'spec', 'strategy', 'canary'));
    if (canary) {
      checkGatewayApiPlugin(index, rollout, canary, report);
      checkRolloutIngresses(index, rollout, canary, report);
    }
    checkRolloutAnalyses(index, rollout, report);
  }
  for (const kind of ['AnalysisTemplate', 'ClusterAnalysisTemplate']) {
    for (const template of index.ofKind(ARGO, kind)) checkAnalysisTemplate(template, report);
  }
  for (const canary of index.ofKind(FLAGGER, 'Canary')) checkFlaggerCanary(index, canary, report);
  for (const split of index.ofKind(SMI_SPLIT, 'TrafficSplit')) {
    const spec = asObject(split.manifest.spec) ?? {};
    requireService(index, split, spec.service, 'spec.service', report);
    asArray(spec.backends).forEach((backend, i) => requireService(index, split, asObject(backend)?.service, fieldPath('spec.backends', i,
      'service'), report));
  }
};

function requireService(index: TargetIndex, from: IndexedObject, name: unknown, path: string, report: Report): void {
  if (typeof name !== 'string' || name === '') return;
  if (!index.find(CORE, 'Service', from.id.namespace, name)) {
    report(from, path, 'ref/trafficsplit-service',
      `Service "${from.id.namespace}/${name}" is not in this target; allowed: ${index.namesOf(CORE, 'Service', from.id.namespace)}`);
  }
}
