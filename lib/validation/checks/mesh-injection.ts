import { CORE, GATEWAY, LINKERD_POLICY } from '../api-groups';
import { IndexedObject, TargetIndex } from '../target-index';
import { asArray, asObject, getIn } from '../values';
import { selectedWorkloads } from './linkerd-policies';
import { TargetCheck } from './target-check';

const INJECT = 'linkerd.io/inject';

/**
 * Linkerd policy only applies to meshed pods: every namespace targeted by a Server, AuthorizationPolicy or
 * Server-parented HTTPRoute must be injected, either by its Namespace object or by the selected pod templates.
 */
export const checkMeshInjection: TargetCheck = (index, report) => {
  const policies = [
    ...index.ofKind(LINKERD_POLICY, 'Server'),
    ...index.ofKind(LINKERD_POLICY, 'AuthorizationPolicy'),
    ...[...index.ofKind(LINKERD_POLICY, 'HTTPRoute'), ...index.ofKind(GATEWAY, 'HTTPRoute'),
      ...index.ofKind(GATEWAY, 'GRPCRoute')].filter(hasServerParent),
  ];
  for (const policy of policies) {
    const namespace = policy.id.namespace;
    if (namespaceInjected(index, namespace)) continue;
    const workloads = workloadsOf(index, policy);
    const uninjected = workloads.filter((workload) => workload.podTemplate?.annotations[INJECT] !== 'enabled');
    if (workloads.length > 0 && uninjected.length === 0) continue;
    const pods = uninjected.length > 0 ? `the pod templates of ${uninjected.map((w) => w.label).join(', ')}` : 'any selected pod template';
    report(policy, '', 'safety/unmeshed',
      `namespace "${namespace}" is not meshed: neither a Namespace object in this target nor ${pods} carries ${INJECT}: enabled; allowed: annotate the Namespace (or the pod templates) with ${INJECT}: enabled`);
  }
};

function namespaceInjected(index: TargetIndex, namespace: string): boolean {
  const object = index.find(CORE, 'Namespace', '', namespace);
  return object !== undefined && getIn(object.manifest, 'metadata', 'annotations', INJECT) === 'enabled';
}

function hasServerParent(route: IndexedObject): boolean {
  return asArray(getIn(route.manifest, 'spec', 'parentRefs')).some((ref) => asObject(ref)?.kind === 'Server');
}

/**
 * The workloads whose pods a policy object ends up applying to: through its Server (a Server,
 * a Server-parented route, a policy on either), or every workload of a namespace a policy targets.
 */
function workloadsOf(index: TargetIndex, policy: IndexedObject): IndexedObject[] {
  const target = asObject(getIn(policy.manifest, 'spec', 'targetRef')) ?? {};
  if (policy.id.kind === 'AuthorizationPolicy' && target.kind === 'Namespace') {
    const namespace = typeof target.name === 'string' ? target.name : policy.id.namespace;
    return index.meshableWorkloads(namespace).map(({ object }) => object);
  }
  const servers = policy.id.kind === 'Server' ? [policy] : serversOf(index, policy);
  return servers.flatMap((server) => {
    const selector = asObject(getIn(server.manifest, 'spec', 'podSelector'));
    return selector ? selectedWorkloads(index, server.id.namespace, selector) : [];
  });
}

/** The Servers a route is parented to, or that a policy targets directly or through a route. */
function serversOf(index: TargetIndex, policy: IndexedObject): IndexedObject[] {
  if (policy.id.kind !== 'AuthorizationPolicy') return serverRefs(index, policy, asArray(getIn(policy.manifest, 'spec', 'parentRefs')));
  const target = asObject(getIn(policy.manifest, 'spec', 'targetRef')) ?? {};
  if ((target.kind === 'HTTPRoute' || target.kind === 'GRPCRoute') && typeof target.name === 'string') {
    const route = index.find(target.group === GATEWAY || target.kind === 'GRPCRoute' ? GATEWAY : LINKERD_POLICY, target.kind, policy.id.namespace,
      target.name);
    return route ? serversOf(index, route) : [];
  }
  return serverRefs(index, policy, [target]);
}

function serverRefs(index: TargetIndex, from: IndexedObject, refs: readonly unknown[]): IndexedObject[] {
  return refs
    .map((ref) => asObject(ref) ?? {})
    .filter((ref) => ref.kind === 'Server' && typeof ref.name === 'string')
    .map((ref) => index.find(LINKERD_POLICY, 'Server', typeof ref.namespace === 'string' ? ref.namespace : from.id.namespace, ref.name as string))
    .filter((server): server is IndexedObject => server !== undefined);
}
