/**
 * `ExternalServiceAccount`: a chart declares a ServiceAccount that lives outside its target, the pipeline (lib/output)
 * collects the declaration and validates that target with it; undeclared, an identity nobody in the namespace has fails.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { BooksappChart } from '../../charts/booksapp';
import { ExternalServiceAccount, MeshIdentity, MeshTlsAuthentication, Server } from '../../lib/mesh';
import { synthesize } from '../../lib/output';
import { expectRequest } from '../../lib/policy';

function authorsServer(chart: Construct): Server {
  const found = chart.node.findAll().find((c): c is Server => c instanceof Server && c.name === 'authors-server');
  if (!found) throw new Error('no Server authors-server');
  return found;
}

function synthesisError(build: (app: App) => void): string {
  try {
    synthesize(build);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the construct', () => {
  test('declares an account of a namespace once per chart, renders nothing, and offers it as ServiceAccount and identity', () => {
    const chart = new Chart(Testing.app(), 'booksapp', { namespace: 'booksapp' });
    const prometheus = ExternalServiceAccount.declare(chart, 'linkerd-viz', 'prometheus');
    expect(ExternalServiceAccount.declare(new Construct(chart, 'nested'), 'linkerd-viz', 'prometheus')).toBe(prometheus);
    expect(prometheus.node.path).toBe('booksapp/External-linkerd-viz.prometheus');
    expect(prometheus.declaredExternalServiceAccount).toBe('linkerd-viz/prometheus');
    expect(prometheus.serviceAccount.toSubjectConfiguration())
      .toMatchObject({ kind: 'ServiceAccount', name: 'prometheus', namespace: 'linkerd-viz' });
    expect(prometheus.identity._identity(chart, 'cluster.local')).toBe('prometheus.linkerd-viz.serviceaccount.identity.linkerd.cluster.local');
    expect(chart.node.findAll().filter((c) => c instanceof ApiObject)).toEqual([]);
    const authn = new MeshTlsAuthentication(chart, 'authn', { serviceAccounts: [prometheus.serviceAccount] });
    expect(authn.identities).toEqual(['prometheus.linkerd-viz.serviceaccount.identity.linkerd.cluster.local']);
  });

  test.each<[string, (app: App) => unknown, RegExp]>([
    ['outside a chart', (app) => ExternalServiceAccount.declare(app, 'ops', 'prometheus'),
      /^\[\] scope of external ServiceAccount "ops\/prometheus" is invalid; allowed: a construct inside a Chart/],
    ['a namespace that is no DNS label', (app) => ExternalServiceAccount.declare(new Chart(app, 'c'), 'ops.prod', 'prometheus'),
      /^\[c\] external ServiceAccount namespace "ops\.prod" is invalid; allowed: a DNS-1123 label/],
    ['a name that is no object name', (app) => ExternalServiceAccount.declare(new Chart(app, 'c'), 'ops', 'Prometheus'),
      /^\[c\] external ServiceAccount name "Prometheus" is invalid; allowed: a DNS-1123 subdomain/],
  ])('refuses a declaration %s', (_name, declare, message) => {
    expect(() => declare(Testing.app())).toThrow(message);
  });
});

describe('in the pipeline', () => {
  const grantPrometheus = (chart: BooksappChart) =>
    authorsServer(chart).grantIdentityAccess([MeshIdentity.serviceAccountIn('prometheus', 'booksapp')],
      { policyName: 'authors-prometheus-authz', authenticationName: 'authors-prometheus-authn' });

  test('an identity of a ServiceAccount the namespace does not have fails synthesis, with the construct path and the way to declare it', () => {
    const message = synthesisError((app) => grantPrometheus(new BooksappChart(app, 'booksapp')));
    expect(message).toContain(
      'booksapp booksapp/authors-server/Grant-authors-prometheus-authn/Resource policy.linkerd.io/MeshTLSAuthentication '
      + 'booksapp/authors-prometheus-authn spec.identities[0]: [semantic/meshtls-unknown-identity] identity '
      + '"prometheus.booksapp.serviceaccount.identity.linkerd.cluster.local" names ServiceAccount booksapp/prometheus, which namespace '
      + 'booksapp of this target does not have',
    );
    expect(message.split('\n').pop()).toBe(
      '  (a ServiceAccount that exists outside the target is declared in its chart: '
      + 'ExternalServiceAccount.declare(chart, namespace, name) of lib/mesh)');
  });

  test('declared in the chart, it synthesizes, the target carries the declaration, and the evaluator admits that client', () => {
    const { targets } = synthesize((app) => {
      const chart = new BooksappChart(app, 'booksapp');
      ExternalServiceAccount.declare(chart, 'booksapp', 'prometheus');
      grantPrometheus(chart);
    });
    expect(targets.map((t) => [t.name, t.externalServiceAccounts])).toEqual([['booksapp', ['booksapp/prometheus']]]);
    expectRequest(targets[0], { from: 'booksapp/prometheus', to: 'booksapp/authors:7001', http: 'GET /authors.json' }).toBeAllowed();
    expectRequest(targets[0], { from: 'booksapp/traffic', to: 'booksapp/authors:7001', http: 'GET /authors.json' }).toBeDenied();
  });

  test('a declaration holds for its own chart\'s target only', () => {
    const message = synthesisError((app) => {
      ExternalServiceAccount.declare(new Chart(app, 'other', { namespace: 'booksapp' }), 'booksapp', 'prometheus');
      grantPrometheus(new BooksappChart(app, 'booksapp'));
    });
    expect(message).toContain('booksapp booksapp/authors-server/Grant-authors-prometheus-authn/Resource');
    expect(message).toContain('[semantic/meshtls-unknown-identity]');
  });

  test('a target without declarations has none, and other problems get no declaration hint', () => {
    const { targets } = synthesize((app) => new BooksappChart(app, 'booksapp'));
    expect(targets[0].externalServiceAccounts).toBeUndefined();
    const message = synthesisError((app) => {
      const chart = new BooksappChart(app, 'booksapp');
      authorsServer(chart).grantIdentityAccess([MeshIdentity.anyMeshed()], { policyName: 'p', authenticationName: 'a' });
      chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Server')[0].metadata.addLabel('bad label', 'x');
    });
    expect(message).toContain('Validation found');
    expect(message).not.toContain('ExternalServiceAccount');
  });
});
