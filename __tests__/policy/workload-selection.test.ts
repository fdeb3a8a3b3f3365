import { LinkerdPolicyModel, serverPolicies, WorkloadSelection } from '../../lib/policy';
import { reviewReport } from '../../lib/review';
import { NAMESPACE, PODS, SELECTOR_CASES } from '../support/fixtures/label-selector-cases';

const selection = new WorkloadSelection(PODS);

test.each(SELECTOR_CASES)('$name: selects exactly the pods Kubernetes selects, only in its namespace', ({ selector, selects }) => {
  expect(selection.selectedBy(NAMESPACE, selector).map((p) => p.name)).toEqual(selects);
});

test('an unknown operator selects nothing (the API server refuses it)', () => {
  expect(selection.selectedBy(NAMESPACE, { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] })).toEqual([]);
});

/** The pods of the fixture as Deployments, and a Server with `podSelector` on port 8080. */
function withServer(podSelector: object): object[] {
  const deployments = PODS.map((p) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: p.name, namespace: p.namespace },
    spec: { template: {
      metadata: { labels: p.labels, annotations: { 'linkerd.io/inject': 'enabled' } },
      spec: { containers: [{ name: 'main', image: 'example/main:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
    } },
  }));
  const server = {
    apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'selected', namespace: NAMESPACE },
    spec: { podSelector, port: 8080, proxyProtocol: 'HTTP/1' },
  };
  return [...deployments, server];
}

test.each(SELECTOR_CASES.filter((c) => c.selects.length > 0))(
  '$name: the policy model and the review report put the Server on the same workloads',
  ({ selector, selects }) => {
    const manifests = withServer(selector);
    // The workloads the policy controller serves the Server's policy to (lib/policy) ...
    const [server] = serverPolicies(new LinkerdPolicyModel(manifests)).filter((s) => s.entry.ref.name === 'selected');
    expect(server.workloads.map((w) => w.name).sort()).toEqual([...selects].sort());
    // ... and the report's Servers table.
    const report = reviewReport('selection', manifests as never);
    const row = report.split('\n').find((l) => l.startsWith(`| \`${NAMESPACE}/selected\` |`));
    // (by name: the report lists objects sorted)
    expect(row?.split(' | ')[2]).toBe([...selects].sort().map((name) => `\`Deployment ${name}\``).join(', '));
  },
);
