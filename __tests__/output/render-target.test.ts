import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { renderTargets } from '../../lib/output';

function objectIn(scope: Construct, id: string, apiVersion: string, kind: string, name: string, namespace = 'ns') {
  return new ApiObject(scope, id, { apiVersion, kind, metadata: { name, namespace } });
}

describe('render targets', () => {
  test('each top-level chart is one target, nested charts included, objects in apply order', () => {
    const app = new App();
    const chart = new Chart(app, 'booksapp');
    objectIn(chart, 'deploy', 'apps/v1', 'Deployment', 'authors');
    objectIn(chart, 'server', 'policy.linkerd.io/v1beta3', 'Server', 'authors-server');
    const nested = new Chart(chart, 'policies');
    objectIn(nested, 'policy', 'policy.linkerd.io/v1alpha1', 'AuthorizationPolicy', 'authors-get-policy');
    objectIn(nested, 'authn', 'policy.linkerd.io/v1alpha1', 'MeshTLSAuthentication', 'authors-get-authn');
    new Chart(app, 'other');

    const targets = renderTargets(app);

    expect(targets.map((t) => t.name)).toEqual(['booksapp', 'other']);
    expect(targets[0].objects.map((o) => o.manifest.kind))
      .toEqual(['MeshTLSAuthentication', 'AuthorizationPolicy', 'Server', 'Deployment']);
    expect(targets[0].objects.map((o) => o.manifest.metadata.annotations?.['argocd.argoproj.io/sync-wave']))
      .toEqual(['2', '3', '4', '5']);
    expect(targets[0].objects[0].constructPath).toBe('booksapp/policies/authn');
  });

  test('a target carries the external ServiceAccounts its chart declares, found by the declaring property alone', () => {
    const app = new App();
    const chart = new Chart(app, 'booksapp');
    const declare = (scope: Construct, id: string, account: string) =>
      Object.assign(new Construct(scope, id), { declaredExternalServiceAccount: account });
    declare(chart, 'viz', 'linkerd-viz/prometheus');
    declare(new Chart(chart, 'nested'), 'ops', 'ops/scraper');
    declare(chart, 'again', 'linkerd-viz/prometheus');
    Object.assign(new Construct(chart, 'not-a-declaration'), { declaredExternalServiceAccount: 7 });
    declare(new Chart(app, 'other'), 'elsewhere', 'ops/other');
    new Chart(app, 'plain');

    expect(renderTargets(app).map((t) => [t.name, t.externalServiceAccounts])).toEqual([
      ['booksapp', ['linkerd-viz/prometheus', 'ops/scraper']], ['other', ['ops/other']], ['plain', undefined],
    ]);
  });

  test('two objects with one identity in a target are refused, naming both constructs', () => {
    const app = new App();
    const chart = new Chart(app, 'demo');
    objectIn(chart, 'first', 'v1', 'Service', 'podinfo', 'test');
    objectIn(chart, 'second', 'v1', 'Service', 'podinfo', 'test');
    expect(() => renderTargets(app)).toThrow(
      '[demo] two objects have the identity core/Service test/podinfo: demo/first and demo/second');
  });

  test('the same identity in two targets is allowed: targets are alternatives', () => {
    const app = new App();
    objectIn(new Chart(app, 'rollouts-demo'), 's', 'v1', 'Service', 'podinfo', 'test');
    objectIn(new Chart(app, 'flagger-podinfo'), 's', 'v1', 'Service', 'podinfo', 'test');
    expect(renderTargets(app)).toHaveLength(2);
  });

  test('every construct validation error is reported with its path, not just the first', () => {
    const app = new App();
    const chart = new Chart(app, 'demo');
    for (const id of ['a', 'b']) {
      const c = new Construct(chart, id);
      c.node.addValidation({ validate: () => [`${id} is broken`] });
    }
    expect(() => renderTargets(app)).toThrow(/2 error\(s\):\n {2}\[demo\/a\] a is broken\n {2}\[demo\/b\] b is broken/);
  });

  test.each(['Booksapp', 'books_app', '-x'])('chart id "%s" is refused: it names a folder and an Application', (id) => {
    const app = new App();
    new Chart(app, id);
    expect(() => renderTargets(app)).toThrow(`chart id "${id}" names the folder dist/${id}/`);
  });

  test('an app without charts renders nothing and says so', () => {
    expect(() => renderTargets(new App()))
      .toThrow('The app has no charts: there is nothing to render; allowed: one or more Charts directly under the App');
  });
});
