/** API groups the checks know about. */
export const CORE = '';
export const APPS = 'apps';
export const BATCH = 'batch';
export const NETWORKING = 'networking.k8s.io';
export const RBAC = 'rbac.authorization.k8s.io';
export const LINKERD_POLICY = 'policy.linkerd.io';
export const GATEWAY = 'gateway.networking.k8s.io';
export const ARGO = 'argoproj.io';
export const FLAGGER = 'flagger.app';
export const SMI_SPLIT = 'split.smi-spec.io';
