/**
 * Jest-friendly assertions about Linkerd inbound policy, for a chart's tests:
 *
 *   expectRequest(manifests, { from: 'booksapp/webapp', to: 'booksapp/authors:7001', http: 'DELETE /authors/1' }).toBeAllowed();
 *
 * The failure message carries the evaluator's reason chain. No dependency on jest: the assertions throw.
 */
import { ClusterSettings } from './cluster-settings';
import { Decision, LinkerdPolicyModel, Verdict } from './evaluate';
import { Json } from './model';
import { requestOf, RequestSpec } from './request-spec';

/** What can be asked: the evaluator itself, rendered manifests, or a render target (`{ objects: [{ manifest }] }`). */
export type PolicySource = LinkerdPolicyModel | readonly Json[] | { readonly objects: readonly { readonly manifest: unknown }[] };

const models = new WeakMap<object, LinkerdPolicyModel>();

/** The evaluator of a source, built once per manifests array or render target. */
export function policyModelOf(source: PolicySource, cluster: Partial<ClusterSettings> = {}): LinkerdPolicyModel {
  if (source instanceof LinkerdPolicyModel) return source;
  const cacheable = Object.keys(cluster).length === 0;
  const cached = cacheable ? models.get(source) : undefined;
  if (cached) return cached;
  const manifests = Array.isArray(source)
    ? (source as readonly Json[])
    : (source as { objects: readonly { manifest: unknown }[] }).objects.map((o) => o.manifest as Json);
  const model = new LinkerdPolicyModel(manifests, cluster);
  if (cacheable) models.set(source, model);
  return model;
}

export interface RequestExpectation {
  /** The verdict, to assert on its parts. */
  readonly verdict: Verdict;
  /** The proxy lets the request through (an explicit authorization or an allowing default policy). */
  toBeAllowed(): Verdict;
  /** The proxy refuses it (no route, not authorized, or a refused connection). */
  toBeDenied(): Verdict;
  /** Allowed only because an `audit` policy logs instead of denying. */
  toBeAuditAllowed(): Verdict;
}

export function expectRequest(source: PolicySource, spec: RequestSpec, cluster: Partial<ClusterSettings> = {}): RequestExpectation {
  const verdict = policyModelOf(source, cluster).evaluate(requestOf(spec));
  const expect = (wanted: Decision, words: string) => (): Verdict => {
    if (verdict.decision === wanted) return verdict;
    const what = spec.http ?? (spec.grpc ? `gRPC ${spec.grpc}` : 'a connection');
    const who = spec.from ?? spec.fromIdentity ?? `unauthenticated ${spec.fromNetwork}`;
    throw new Error(
      `expected ${what} from ${who} to ${spec.to} to be ${words}, but Linkerd would ${describeDecision(verdict)}:\n  ${verdict.reasons.join('\n  ')}`,
    );
  };
  return {
    verdict,
    toBeAllowed: expect('allow', 'allowed'),
    toBeDenied: expect('deny', 'denied'),
    toBeAuditAllowed: expect('audit', 'allowed only by audit'),
  };
}

function describeDecision(verdict: Verdict): string {
  if (verdict.decision === 'allow') return 'allow it';
  if (verdict.decision === 'audit') return 'allow it only in audit mode (logged, not enforced)';
  return `deny it (${verdict.denial})`;
}
