import { describeRef, isObjectRef, serviceAccountOfIdentity } from '../policy';
import { compare } from './collections';
import { code } from './markdown';
import { MeshModel } from './mesh-model';

/** How the kubelet's HTTP probes of each meshed workload are authorized, evaluated as the kubelet's requests. */
export function probeRows(model: MeshModel): string[][] {
  return model.probeVerdicts().map(({ w, port, path, verdict }) => {
    const server = isObjectRef(verdict.server) ? code(`${verdict.server.namespace}/${verdict.server.name}`)
      : `(default ${(verdict.server as { policy: string }).policy})`;
    const route = verdict.route === undefined ? '—'
      : isObjectRef(verdict.route) ? code(verdict.route.name) : `Linkerd's ${verdict.route.name} route`;
    const a = verdict.authorization;
    const by = a === undefined ? '—' : a.kind === 'default' ? `default ${a.name}` : `${a.kind} ${code(a.name)}`;
    const decision = verdict.decision === 'deny' ? `**deny** (${verdict.denial})` : verdict.decision;
    return [code(`${w.kind} ${w.namespace}/${w.name}`), code(`GET ${path}`), code(String(port)), server, route, by, decision];
  });
}

/** Rate limits per Server, as Linkerd applies them (none for gRPC, opaque or TLS Servers). */
export function rateLimitRows(model: MeshModel): string[][] {
  // A ServiceAccount's identity by its account (the identities table has the string): the full one is too wide for the page.
  const who = (identity: string) => {
    const account = serviceAccountOfIdentity(identity, model.policy.cluster);
    return account ? `ServiceAccount ${code(`${account.namespace}/${account.name}`)}` : code(identity);
  };
  const perSecond = (n: number | undefined) => (n === undefined ? '—' : `${n}/s`);
  return model.serverPolicies().map(({ server, policy }) => {
    const limit = policy.rateLimit;
    if (!limit) return [code(`${server.namespace}/${server.name}`), 'none', '—', '—', '—'];
    const overrides = limit.overrides.map((o) => `${o.requestsPerSecond}/s for ${o.identities.map(who).join(', ')}`).join('<br>') || '—';
    return [code(`${server.namespace}/${server.name}`), code(limit.policy), perSecond(limit.total), perSecond(limit.identity), overrides];
  });
}

/** What Linkerd ignores or reads differently, from the evaluator. */
export function ignoredByLinkerd(model: MeshModel): string[] {
  return [
    ...model.policy.index.findings.map((f) => `${code(describeRef(f.object))} ${f.field}: [${f.rule}] ${f.message}`),
    ...model.policy.index.ignoredPolicies().map((p) => `${code(describeRef(p.ref))}: ignored by Linkerd: ${p.reason}`),
  ].sort(compare);
}
