/**
 * Builders for the objects of Linkerd's own tests, named after their helpers (policy-controller/k8s/index/src/inbound/tests.rs
 * `mk_pod`, `mk_server`, ...; policy-test/src/web.rs `web::pod`, `web::server`), so a ported case reads like its original.
 */
import { Decision, InboundRequest, LinkerdPolicyModel, Verdict } from '../../../lib/policy';

export type Json = Record<string, any>;

export const LINKERD_INJECTED = { 'linkerd.io/inject': 'enabled' };

export function mkPod(
  ns: string,
  name: string,
  options: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    containers?: Json[];
    serviceAccount?: string;
  } = {},
): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: ns, name, labels: options.labels ?? {}, annotations: { ...LINKERD_INJECTED, ...options.annotations } },
    spec: { serviceAccountName: options.serviceAccount, containers: options.containers ?? [{ name: 'container-0' }] },
  };
}

export function mkServer(
  ns: string,
  name: string,
  port: number | string,
  podLabels: Record<string, string>,
  proxyProtocol?: string,
  extra: { accessPolicy?: string; labels?: Record<string, string> } = {},
): Json {
  return {
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'Server',
    metadata: { namespace: ns, name, labels: extra.labels ?? {} },
    spec: { podSelector: { matchLabels: podLabels }, port, proxyProtocol, accessPolicy: extra.accessPolicy },
  };
}

export function mkAuthorizationPolicy(ns: string, name: string, targetRef: Json, requiredAuthenticationRefs: Json[]): Json {
  return {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'AuthorizationPolicy',
    metadata: { namespace: ns, name },
    spec: { targetRef, requiredAuthenticationRefs },
  };
}

export function mkMeshTls(ns: string, name: string, spec: { identities?: string[]; identityRefs?: Json[] }): Json {
  return { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'MeshTLSAuthentication', metadata: { namespace: ns, name }, spec };
}

export function mkNetworkAuthentication(ns: string, name: string, networks: Json[]): Json {
  return { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'NetworkAuthentication', metadata: { namespace: ns, name }, spec: { networks } };
}

export function mkHttpRoute(ns: string, name: string, server: string, rules: Json[], group = 'policy.linkerd.io'): Json {
  return {
    apiVersion: group === 'policy.linkerd.io' ? 'policy.linkerd.io/v1beta3' : 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { namespace: ns, name },
    spec: { parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: server }], rules },
  };
}

export function mkGrpcRoute(ns: string, name: string, server: string, rules: Json[]): Json {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { namespace: ns, name },
    spec: { parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: server }], rules },
  };
}

export function mkServerAuthorization(ns: string, name: string, server: Json, client: Json): Json {
  return { apiVersion: 'policy.linkerd.io/v1beta1', kind: 'ServerAuthorization', metadata: { namespace: ns, name }, spec: { server, client } };
}

/** policy-test/src/web.rs: pod `web` (app=web) serving port `http` 8080, Server `web` on port name http, HTTP/1. */
export const web = {
  pod: (ns: string): Json =>
    mkPod(ns, 'web', {
      labels: { app: 'web' },
      containers: [{ name: 'hokay', ports: [{ name: 'http', containerPort: 8080 }] }],
    }),
  server: (ns: string, accessPolicy?: string): Json => mkServer(ns, 'web', 'http', { app: 'web' }, 'HTTP/1', { accessPolicy }),
};

export const targetRef = {
  server: (name: string) => ({ group: 'policy.linkerd.io', kind: 'Server', name }),
  namespace: (name: string) => ({ kind: 'Namespace', name }),
  httpRoute: (name: string) => ({ group: 'policy.linkerd.io', kind: 'HTTPRoute', name }),
};

export const authnRef = {
  meshTls: (name: string, namespace?: string) => ({ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name, namespace }),
  network: (name: string, namespace?: string) => ({ group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name, namespace }),
  serviceAccount: (name: string, namespace?: string) => ({ kind: 'ServiceAccount', name, namespace }),
};

/** policy-test curl clients: injected ones run as the namespace's `default` ServiceAccount; pod addresses are k3d's 10.42.0.0/16. */
export const curl = {
  injected: (ns: string, ip = '10.42.0.20') => ({ serviceAccount: `${ns}/default`, ip }),
  uninjected: (ip = '10.42.0.21') => ({ ip }),
};

export function expectDecision(model: LinkerdPolicyModel, request: InboundRequest, expected: Decision, denial?: Verdict['denial']): Verdict {
  const verdict = model.evaluate(request);
  const actual = { decision: verdict.decision, ...(denial ? { denial: verdict.denial } : {}) };
  if (actual.decision !== expected || (denial && actual.denial !== denial)) {
    throw new Error(
      `expected ${expected}${denial ? ` (${denial})` : ''}, got ${verdict.decision}${verdict.denial ? ` (${verdict.denial})` : ''}:\n  ` +
      `${verdict.reasons.join('\n  ')}`,
    );
  }
  return verdict;
}
