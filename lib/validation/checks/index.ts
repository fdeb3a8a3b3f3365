import { checkDuplicateObjects } from './duplicates';
import { checkHttpRoutes } from './http-routes';
import { checkIngresses } from './ingresses';
import { checkLinkerdAnnotations } from './linkerd-annotations';
import { checkLinkerdPolicies } from './linkerd-policies';
import { checkLinkerdPolicyModel } from './linkerd-policy-model';
import { checkMeshInjection } from './mesh-injection';
import { checkObjectMetadata } from './object-metadata';
import { checkPodSpecs } from './pod-specs';
import { checkProgressiveDelivery } from './progressive-delivery';
import { checkRbacWildcards } from './rbac-wildcards';
import { checkSecretsAndCredentials } from './secrets-and-credentials';
import { checkServices } from './services';
import { TargetCheck } from './target-check';
import { checkWorkloadSelectors } from './workload-selectors';

/** The checks run on every target after schema validation, in reporting order: API server, semantics, references, safety. */
export const TARGET_CHECKS: readonly TargetCheck[] = [
  checkObjectMetadata,
  checkPodSpecs,
  checkWorkloadSelectors,
  checkServices,
  checkLinkerdAnnotations,
  checkHttpRoutes,
  checkLinkerdPolicies,
  checkLinkerdPolicyModel,
  checkProgressiveDelivery,
  checkIngresses,
  checkDuplicateObjects,
  checkSecretsAndCredentials,
  checkRbacWildcards,
  checkMeshInjection,
];
