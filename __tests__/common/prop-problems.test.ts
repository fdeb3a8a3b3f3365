import { Chart, Duration, Testing } from 'cdk8s';
import { PropProblems, throwIfProblems } from '../../lib/common';
import { CanaryRollout, CanaryStep } from '../../lib/delivery';
import { ArgoCdProject } from '../../lib/gitops';
import { HttpBackend, HttpRoute, PathMatch, RouteParent } from '../../lib/mesh';
import { fixture } from '../support/mesh-fixture';

// The one validation mechanism of construct props (lib/common/input-validation.ts): every problem of a construct's
// props in one error, one line per problem, each `[<path>] <what> <value> is invalid; allowed: <…>`.

test('PropProblems lists every recorded problem, in order, each with the construct path, and throws nothing when empty', () => {
  const chart = new Chart(Testing.app(), 'shop');
  const problems = new PropProblems(chart);
  expect(() => problems.throwIfAny()).not.toThrow();
  expect(problems.add(undefined)).toBe(false);
  problems.invalid('port', 70000, 'integers 1..65535');
  expect(problems.add('name "A" is invalid; allowed: lowercase', undefined)).toBe(true);
  problems.invalid('timeout', Duration.millis(1500.5), 'whole milliseconds');
  problems.invalid('ports', [1, 'x'], 'numbers');
  expect(() => problems.throwIfAny()).toThrow(new Error([
    '[shop] port 70000 is invalid; allowed: integers 1..65535',
    '[shop] name "A" is invalid; allowed: lowercase',
    '[shop] timeout 1500.5ms is invalid; allowed: whole milliseconds',
    '[shop] ports [1, "x"] is invalid; allowed: numbers',
  ].join('\n')));
  expect(() => throwIfProblems('shop/later', [undefined,
    'x 1 is invalid; allowed: 2'])).toThrow(new Error('[shop/later] x 1 is invalid; allowed: 2'));
});

test('a mesh construct reports all its problems at once (HttpRoute: name, path, weight)', () => {
  const f = fixture();
  expect(() => new HttpRoute(f.chart, 'route', {
    metadata: { name: 'Route' },
    parent: RouteParent.service(f.service, 80),
    rules: [{ matches: [{ path: PathMatch.prefix('api') }], backends: [HttpBackend.service(f.service, { weight: -1 })] }],
  })).toThrow(new RegExp([
    '^\\[shop/route\\] metadata\\.name "Route" is invalid; allowed: a DNS-1123 subdomain .*',
    '\\[shop/route\\] PathPrefix path "api" is invalid; allowed: an absolute path starting with "/".*',
    '\\[shop/route\\] rules\\[0\\] weight of backend api -1 is invalid; allowed: integers 0\\.\\.1000000',
    '\\[shop/route\\] rules\\[0\\] weights \\[-1\\] is invalid; allowed: integers 0\\.\\.1000000, at least one > 0$',
  ].join('\n')));
});

test('a delivery construct reports all its problems at once (CanaryRollout: replicas, revisionHistoryLimit)', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
  expect(() => new CanaryRollout(chart, 'web', {
    metadata: { name: 'web' },
    selectorLabels: { app: 'web' },
    containers: [{ name: 'web', image: 'nginx', ports: [{ number: 8080 }] }],
    replicas: -1,
    revisionHistoryLimit: 1.5,
    steps: [CanaryStep.setWeight(20)],
  })).toThrow(new Error('[c/web] replicas -1 is invalid; allowed: integers >= 0\n'
    + '[c/web] revisionHistoryLimit 1.5 is invalid; allowed: integers >= 0'));
});

test('a gitops construct reports all its problems at once (ArgoCdProject)', () => {
  const chart = new Chart(Testing.app(), 'argocd', { namespace: 'argocd' });
  expect(() => new ArgoCdProject(chart, 'project', {
    metadata: { name: 'team' }, description: 'd', sourceRepos: [], destinations: [], clusterResources: [], namespacedResources: [],
  })).toThrow(new Error([
    '[argocd/project] sourceRepos [] is invalid; allowed: at least one repository URL',
    '[argocd/project] namespacedResources [] is invalid; allowed: at least one group/kind (Argo CD reads an empty list as "every kind")',
  ].join('\n')));
});
