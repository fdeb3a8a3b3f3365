/**
 * Hand-written policies whose authentication list is not a list of references: the validator reports what the API
 * server refuses (the CRD's schema) and the Linkerd model does not crash on them (it threw "refs is not iterable",
 * and `npm run validate` exited 3 instead of 1). That the API server refuses these policies is recorded in the
 * differential corpus (validation/differential/cases/linkerd/authorizationpolicy-auth-refs-*.yaml).
 */
import { validateTargets, ValidationProblem } from '../../lib/validation';

const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', annotations: { 'linkerd.io/inject': 'enabled' } } };
const server = {
  apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'api', namespace: 'shop' },
  spec: { podSelector: { matchLabels: { app: 'api' } }, port: 'http', proxyProtocol: 'HTTP/1' },
};
const identities = {
  apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'MeshTLSAuthentication', metadata: { name: 'web', namespace: 'shop' },
  spec: { identities: ['web.shop.serviceaccount.identity.linkerd.cluster.local'] },
};

function problemsWith(requiredAuthenticationRefs: unknown): ValidationProblem[] {
  const policy = {
    apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'AuthorizationPolicy', metadata: { name: 'api-authz', namespace: 'shop' },
    spec: { targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api' }, requiredAuthenticationRefs },
  };
  if (requiredAuthenticationRefs === undefined) delete policy.spec.requiredAuthenticationRefs; // absent, as YAML can only say it
  const subjects = [namespace, server, identities, policy].map((manifest, index) => ({ manifest, source: `policies.yaml#${index}` }));
  return validateTargets([{ name: 'shop', subjects }]).filter((p) => p.object.includes('api-authz'));
}

const reference = { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'web' };

test.each([
  ['null', null],
  ['a string', 'web'],
  ['a mapping', reference],
  ['absent', undefined],
])('requiredAuthenticationRefs %s: a schema problem, no crash, no claim that everyone is admitted', (_, value) => {
  const problems = problemsWith(value);
  expect(problems.some((p) => p.rule.startsWith('schema/') && p.field.startsWith('spec'))).toBe(true);
  expect(problems.map((p) => p.rule)).not.toContain('semantic/authorization-allows-everyone');
});

test('an item that is not a mapping: a schema problem at that item, and the other references still count', () => {
  const problems = problemsWith([null, reference]);
  expect(problems.some((p) => p.rule.startsWith('schema/') && p.field === 'spec.requiredAuthenticationRefs[0]')).toBe(true);
  expect(problems.map((p) => p.rule)).not.toContain('semantic/authorization-allows-everyone');
});

test('the well-formed policy has no problem (the cases above fail for their malformed list alone)', () => {
  expect(problemsWith([reference])).toEqual([]);
});
