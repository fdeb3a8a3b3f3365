import { checkConfigData } from './config-data';
import { checkDuplicateObjects } from './duplicates';
import { checkEgressNetworks, checkHttpRoutes } from './http-routes';
import { checkIngressRules } from './ingress-rules';
import { checkIngresses } from './ingresses';
import { checkLinkerdAnnotations } from './linkerd-annotations';
import { checkLinkerdPolicies } from './linkerd-policies';
import { checkLinkerdPolicyModel } from './linkerd-policy-model';
import { checkMeshInjection } from './mesh-injection';
import { checkNamespaces } from './namespaces';
import { checkNetworkPolicies } from './network-policies';
import { checkObjectMetadata } from './object-metadata';
import { checkPodSpecs } from './pod-specs';
import { checkProgressiveDelivery } from './progressive-delivery';
import { checkRbacObjects } from './rbac-objects';
import { checkRbacWildcards } from './rbac-wildcards';
import { checkSecretsAndCredentials } from './secrets-and-credentials';
import { checkServiceSpecs } from './service-specs';
import { checkServices } from './services';
import { TargetCheck } from './target-check';
import { checkWorkloadSelectors } from './workload-selectors';
import { checkWorkloadSpecs } from './workload-specs';

/** The checks run on every target after schema validation, in reporting order: API server, semantics, references, safety. */
export const TARGET_CHECKS: readonly TargetCheck[] = [
  checkObjectMetadata,
  checkPodSpecs,
  checkWorkloadSelectors,
  checkWorkloadSpecs,
  checkServices,
  checkServiceSpecs,
  checkConfigData,
  checkRbacObjects,
  checkIngressRules,
  checkNetworkPolicies,
  checkNamespaces,
  checkLinkerdAnnotations,
  checkHttpRoutes,
  checkEgressNetworks,
  checkLinkerdPolicies,
  checkLinkerdPolicyModel,
  checkProgressiveDelivery,
  checkIngresses,
  checkDuplicateObjects,
  checkSecretsAndCredentials,
  checkRbacWildcards,
  checkMeshInjection,
];
