import * as path from 'node:path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { BooksappChart } from '../../charts/booksapp';
import { CircuitBreakingDemoChart } from '../../charts/circuit-breaking-demo';
import { EmojivotoChart } from '../../charts/emojivoto';
import { PodinfoDynamicRoutingChart } from '../../charts/podinfo-dynamic-routing';
import { ApplyPhase, Manifest, SYNC_WAVE_ANNOTATION, readTree, synthesize } from '../../lib/output';

const synthesis = synthesize((app: App) => {
  new BooksappChart(app, 'booksapp');
  new CircuitBreakingDemoChart(app, 'circuit-breaking-demo');
  new EmojivotoChart(app, 'emojivoto');
  // As main.ts renders it: the rollouts-demo target owns namespace test.
  new PodinfoDynamicRoutingChart(app, 'podinfo-dynamic-routing', { createNamespace: false });
});

type Rendered = Manifest & { spec: any; data?: any; file: string };

/** The objects of a target in file (apply) order, as parsed back from the rendered YAML. */
function objectsOf(target: string): Rendered[] {
  return [...synthesis.files].filter(([file]) => file.startsWith(`${target}/`))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([file, content]) => ({ ...parse(content), file }));
}

function get(objects: Rendered[], kind: string, name: string): Rendered {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`missing ${kind} ${name}`);
  return found;
}

/** Who may call a route or Server: the identities and networks of the authentications its policies require. */
function callersOf(objects: Rendered[], kind: 'HTTPRoute' | 'Server', name: string): string[] {
  return objects.filter((o) => o.kind === 'AuthorizationPolicy' && o.spec.targetRef.kind === kind && o.spec.targetRef.name === name)
    .flatMap((policy) => policy.spec.requiredAuthenticationRefs.flatMap((ref: { kind: string; name: string }) => {
      const authn = get(objects, ref.kind, ref.name);
      return ref.kind === 'MeshTLSAuthentication' ? authn.spec.identities : authn.spec.networks.map((n: { cidr: string }) => n.cidr);
    })).sort();
}

/** The most specific GRPCRoute of a gRPC Server matching a call (exact method over whole service), as Linkerd picks it. */
function routeOfCall(objects: Rendered[], server: string, service: string, method: string): string | undefined {
  const score = (route: Rendered) => Math.max(-1, ...route.spec.rules.flatMap((rule: any) => (rule.matches ?? [{}]).map((m: any) => {
    if (m.method === undefined) return 0;
    if (m.method.type !== 'Exact' || (m.method.service ?? service) !== service) return -1;
    return m.method.method === undefined ? 1 : m.method.method === method ? 2 : -1;
  })));
  const candidates = objects.filter((o) => o.kind === 'GRPCRoute' && o.spec.parentRefs.some((p: any) => p.kind === 'Server' && p.name === server))
    .map((route) => ({ name: route.metadata.name, score: score(route) })).filter((c) => c.score >= 0).sort((a, b) => b.score - a.score);
  return candidates[0]?.name;
}

/**
 * Whether a meshed client with this identity may make the call: a policy on the matched route or on the Server whose
 * every required MeshTLSAuthentication admits the identity. A call no route matches is refused.
 */
function mayCall(objects: Rendered[], server: string, identity: string, service: string, method: string): boolean {
  const route = routeOfCall(objects, server, service, method);
  if (route === undefined) return false;
  const admits = (ref: { kind: string; name: string }) => ref.kind === 'MeshTLSAuthentication'
    && get(objects, ref.kind, ref.name).spec.identities
      .some((id: string) => id === identity || id === '*' || (id.startsWith('*.') && identity.endsWith(id.slice(1))));
  const targets = (o: Rendered, kind: string, name: string) => o.spec.targetRef.kind === kind && o.spec.targetRef.name === name;
  return objects.some((o) => o.kind === 'AuthorizationPolicy'
    && (targets(o, 'GRPCRoute', route) || targets(o, 'Server', server))
    && o.spec.requiredAuthenticationRefs.every(admits));
}

function podTemplateOf(deployment: Rendered): { labels: Record<string, string>; containers: any[]; spec: any } {
  return { labels: deployment.spec.template.metadata.labels, containers: deployment.spec.template.spec.containers,
    spec: deployment.spec.template.spec };
}

/** Servers select the intended pods (labels ⊆ pod labels of exactly that Deployment) and a declared port. */
function expectServerSelects(objects: Rendered[], serverName: string, deploymentName: string): void {
  const server = get(objects, 'Server', serverName);
  const selector: Record<string, string> = server.spec.podSelector.matchLabels;
  const selected = objects.filter((o) => o.kind === 'Deployment'
    && Object.entries(selector).every(([k, v]) => o.spec.template.metadata.labels[k] === v)).map((o) => o.metadata.name);
  expect(selected).toEqual([deploymentName]);
  const ports = podTemplateOf(get(objects, 'Deployment', deploymentName)).containers.flatMap((c) => c.ports ?? []);
  expect(ports.some((p: { name?: string; containerPort: number }) => p.name === server.spec.port || p.containerPort === server.spec.port)).toBe(true);
}

/** Authentications, routes and policies come before every Server, in file order and in sync waves. */
function expectPoliciesBeforeServers(objects: Rendered[]): void {
  const isPolicy = (o: Rendered) => ['MeshTLSAuthentication', 'NetworkAuthentication', 'HTTPRoute', 'GRPCRoute', 'AuthorizationPolicy',
    'HTTPLocalRateLimitPolicy', 'ServerAuthorization', 'ServiceProfile'].includes(o.kind);
  const servers = objects.filter((o) => o.kind === 'Server');
  const policies = objects.filter(isPolicy);
  expect(servers.length).toBeGreaterThan(0);
  expect(policies.length).toBeGreaterThan(0);
  const wave = (o: Rendered) => Number(o.metadata.annotations![SYNC_WAVE_ANNOTATION]);
  for (const server of servers) {
    expect(wave(server)).toBe(ApplyPhase.SERVERS);
    for (const policy of policies) {
      expect(objects.indexOf(policy)).toBeLessThan(objects.indexOf(server));
      expect(wave(policy)).toBeLessThan(wave(server));
    }
  }
}

test('rendered output is byte for byte what the committed dist/ holds: chart output is stored once, there', () => {
  // dist.test.ts keeps dist/ equal to a fresh `npm run synth`; this suite asserts what the output means.
  const committed = readTree(path.resolve(__dirname, '..', '..', 'dist'));
  const differing = [...synthesis.files].filter(([file, content]) => committed.get(file) !== content).map(([file]) => file);
  expect(differing).toEqual([]);
  expect(synthesis.files.size).toBeGreaterThan(0);
});

test('every pod template is meshed, keeps only its own labels, and Services select existing pods without drift', () => {
  for (const target of synthesis.targets) {
    const objects = objectsOf(target.name);
    for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
      const template = podTemplateOf(deployment);
      expect(deployment.spec.template.metadata.annotations['linkerd.io/inject']).toBe('enabled');
      expect(Object.keys(template.labels)).not.toContain('cdk8s.io/metadata.addr');
      expect(deployment.spec.selector.matchLabels).toEqual(template.labels);
    }
    for (const service of objects.filter((o) => o.kind === 'Service')) {
      const selected = objects.filter((o) => o.kind === 'Deployment'
        && Object.entries(service.spec.selector).every(([k, v]) => o.spec.template.metadata.labels[k] === v));
      expect(selected.length).toBeGreaterThan(0);
      // The API server drops an empty externalIPs list; rendering one would be drift in Argo CD forever.
      expect(service.spec).not.toHaveProperty('externalIPs');
    }
  }
});

describe('booksapp', () => {
  const objects = objectsOf('booksapp');

  test('the demo app: names, images, replicas; authors runs without FAILURE_RATE', () => {
    for (const [name, port, replicas] of [['webapp', 7000, 3], ['authors', 7001, 1], ['books', 7002, 1]] as const) {
      const template = podTemplateOf(get(objects, 'Deployment', name));
      expect(template.labels).toEqual({ app: name, project: 'booksapp' });
      expect(template.spec.serviceAccountName).toBe(name);
      expect(template.containers[0].image).toBe('buoyantio/booksapp:v0.0.5');
      expect(template.containers[0].readinessProbe.httpGet).toMatchObject({ path: '/ping', port });
      expect(get(objects, 'Deployment', name).spec.replicas).toBe(replicas);
      expect(get(objects, 'Service', name).spec.ports).toEqual([{ name: 'service', port }]);
    }
    const authorsEnv = podTemplateOf(get(objects, 'Deployment', 'authors')).containers[0].env.map((e: { name: string }) => e.name);
    expect(authorsEnv).not.toContain('FAILURE_RATE');
    expect(podTemplateOf(get(objects, 'Deployment', 'traffic')).containers[0].image).toBe('buoyantio/booksapp-traffic:v0.0.3');
  });

  test('per-route authorization: who may call which route on authors-server', () => {
    const identity = (sa: string) => `${sa}.booksapp.serviceaccount.identity.linkerd.cluster.local`;
    expect(callersOf(objects, 'HTTPRoute', 'authors-get-route')).toEqual([identity('books'), identity('webapp')]);
    expect(callersOf(objects, 'HTTPRoute', 'authors-modify-route')).toEqual([identity('webapp')]);
    expect(callersOf(objects, 'HTTPRoute', 'authors-probe-route')).toEqual(['0.0.0.0/0', '::/0']);
    expect(callersOf(objects, 'Server', 'authors-server')).toEqual([]);
    const methods = (route: string) => get(objects, 'HTTPRoute', route).spec.rules.flatMap((r: any) => r.matches)
      .map((m: any) => `${m.method} ${m.path.type} ${m.path.value}`).sort();
    expect(methods('authors-get-route')).toEqual(['GET Exact /authors.json', 'GET PathPrefix /authors/']);
    expect(methods('authors-modify-route')).toEqual(['DELETE PathPrefix /authors/', 'POST Exact /authors.json', 'PUT PathPrefix /authors/']);
    for (const route of ['authors-get-route', 'authors-modify-route', 'authors-probe-route']) {
      expect(get(objects, 'HTTPRoute', route).spec.parentRefs).toEqual([{ group: 'policy.linkerd.io', kind: 'Server', name: 'authors-server' }]);
    }
  });

  test('authors-server selects the authors pods on their named port, denies by default', () => {
    expectServerSelects(objects, 'authors-server', 'authors');
    expect(get(objects, 'Server', 'authors-server').spec).toMatchObject({ port: 'service', proxyProtocol: 'HTTP/1', accessPolicy: 'deny' });
  });

  test('probes are authorized: the probe route matches GET on exactly the readiness probe path', () => {
    const probePaths = podTemplateOf(get(objects, 'Deployment', 'authors')).containers
      .map((c) => c.readinessProbe.httpGet.path);
    const matches = get(objects, 'HTTPRoute', 'authors-probe-route').spec.rules[0].matches;
    expect(matches).toEqual(probePaths.map((probePath) => ({ method: 'GET', path: { type: 'Exact', value: probePath } })));
  });

  test('fault injection: 90/10 between books and error-injector, which answers 500', () => {
    const route = get(objects, 'HTTPRoute', 'error-split');
    expect(route.spec.parentRefs).toEqual([{ group: 'core', kind: 'Service', name: 'books', port: 7002 }]);
    expect(route.spec.rules[0].backendRefs).toEqual([
      { group: '', kind: 'Service', name: 'books', port: 7002, weight: 90 },
      { group: '', kind: 'Service', name: 'error-injector', port: 8080, weight: 10 },
    ]);
    expect(get(objects, 'ConfigMap', 'error-injector').data['nginx.conf']).toMatch(/listen 8080;[\s\S]*return 500;/);
    expect(get(objects, 'Service', 'error-injector').spec.ports[0]).toMatchObject({ name: 'service', port: 8080 });
  });

  test('timeouts on authors: backendRequest within request', () => {
    const route = get(objects, 'HTTPRoute', 'authors-timeout');
    expect(route.spec.parentRefs).toEqual([{ group: 'core', kind: 'Service', name: 'authors', port: 7001 }]);
    expect(route.spec.rules[0].timeouts).toEqual({ request: '1s', backendRequest: '500ms' });
  });

  test('ALB Ingress to webapp:7000 with the ExternalDNS host name', () => {
    const ingress = get(objects, 'Ingress', 'webapp');
    expect(ingress.metadata.annotations).toMatchObject({
      'external-dns.alpha.kubernetes.io/hostname': 'test.jnytnai.click',
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
    });
    expect(JSON.parse(ingress.metadata.annotations!['alb.ingress.kubernetes.io/listen-ports'])).toEqual([{ HTTP: 80 }]);
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'webapp', port: { number: 7000 } });
  });

  test('authentications, routes and policies come before the Server', () => expectPoliciesBeforeServers(objects));
});

describe('podinfo dynamic routing', () => {
  const objects = objectsOf('podinfo-dynamic-routing');

  test('x-request-id: alternative goes to backend-b, everything else to backend-a', () => {
    const route = get(objects, 'HTTPRoute', 'backend-router');
    expect(route.metadata.namespace).toBe('test');
    expect(route.spec.parentRefs).toEqual([{ group: 'core', kind: 'Service', name: 'backend-a-podinfo', port: 9898 }]);
    const [alternative, fallback] = route.spec.rules;
    expect(alternative.matches[0].headers).toEqual([{ name: 'x-request-id', type: 'Exact', value: 'alternative' }]);
    expect(alternative.backendRefs.map((b: any) => b.name)).toEqual(['backend-b-podinfo']);
    expect(fallback.backendRefs.map((b: any) => b.name)).toEqual(['backend-a-podinfo']);
  });

  test('the frontend calls the route\'s parent Service; backends say who they are', () => {
    const frontend = podTemplateOf(get(objects, 'Deployment', 'frontend-podinfo')).containers[0];
    expect(frontend.command).toContain('--backend-url=http://backend-a-podinfo:9898/env');
    get(objects, 'Service', 'backend-a-podinfo');
    for (const [name, message] of [['backend-a-podinfo', 'A backend'], ['backend-b-podinfo', 'B backend']]) {
      expect(podTemplateOf(get(objects, 'Deployment', name)).containers[0].env).toEqual([{ name: 'PODINFO_UI_MESSAGE', value: message }]);
    }
  });

  test('the test namespace can be left to another chart (as main.ts does), and is created by default', () => {
    expect(objects.some((o) => o.kind === 'Namespace')).toBe(false);
    const alone = synthesize((app: App) => { new PodinfoDynamicRoutingChart(app, 'podinfo'); });
    expect([...alone.files.keys()].filter((f) => f.includes('namespace_'))).toEqual(['podinfo/00-namespace_test.yaml']);
  });
});

describe('circuit breaking', () => {
  const objects = objectsOf('circuit-breaking-demo');

  test('bb balances over good and bad with consecutive failure accrual', () => {
    const bb = get(objects, 'Service', 'bb');
    expect(bb.metadata.annotations).toMatchObject({ 'balancer.linkerd.io/failure-accrual': 'consecutive' });
    const selected = objects.filter((o) => o.kind === 'Deployment' && o.spec.template.metadata.labels.app === bb.spec.selector.app);
    expect(selected.map((o) => o.metadata.name).sort()).toEqual(['bad', 'good']);
    expect(podTemplateOf(get(objects, 'Deployment', 'bad')).containers[0].args).toContain('--percent-failure=100');
    expect(get(objects, 'Namespace', 'circuit-breaking-demo').metadata.annotations).toMatchObject({ 'linkerd.io/inject': 'enabled' });
    expect(get(objects, 'Namespace', 'circuit-breaking-demo').metadata.namespace).toBeUndefined();
  });
});

describe('emojivoto', () => {
  const objects = objectsOf('emojivoto');

  const WEB = 'web.emojivoto.serviceaccount.identity.linkerd.cluster.local';
  const VOTE_BOT = 'vote-bot.emojivoto.serviceaccount.identity.linkerd.cluster.local';
  const DEFAULT = 'default.emojivoto.serviceaccount.identity.linkerd.cluster.local';
  const VOTING = 'emojivoto.v1.VotingService';
  const EMOJI = 'emojivoto.v1.EmojiService';

  test('emoji and voting are gRPC Servers whose calls are named by per-method GRPCRoutes', () => {
    for (const name of ['emoji', 'voting']) {
      expectServerSelects(objects, `${name}-server`, name);
      expect(get(objects, 'Server', `${name}-server`).spec).toMatchObject({ port: 'grpc', proxyProtocol: 'gRPC', accessPolicy: 'deny' });
    }
    expect(routeOfCall(objects, 'voting-server', VOTING, 'VoteDoughnut')).toBe('voting-vote');
    expect(routeOfCall(objects, 'voting-server', VOTING, 'VotePoop')).toBe('voting-vote');
    expect(routeOfCall(objects, 'voting-server', VOTING, 'Results')).toBe('voting-results');
    expect(routeOfCall(objects, 'emoji-server', EMOJI, 'ListAll')).toBe('emoji-list-all');
    expect(routeOfCall(objects, 'emoji-server', EMOJI, 'FindByShortcode')).toBe('emoji-find-by-shortcode');
    expect(routeOfCall(objects, 'emoji-server', EMOJI, 'DeleteAll')).toBeUndefined();
    expect(routeOfCall(objects, 'emoji-server', VOTING, 'Results')).toBeUndefined();
  });

  test.each([
    ['voting-server', VOTING, 'VoteDoughnut'], ['voting-server', VOTING, 'Results'],
    ['emoji-server', EMOJI, 'ListAll'], ['emoji-server', EMOJI, 'FindByShortcode'],
  ])('only web may call %s %s/%s', (server, service, method) => {
    expect(mayCall(objects, server, WEB, service, method)).toBe(true);
    expect(mayCall(objects, server, VOTE_BOT, service, method)).toBe(false);
    expect(mayCall(objects, server, DEFAULT, service, method)).toBe(false);
  });

  test('a method no route names is refused to web too', () => {
    expect(mayCall(objects, 'emoji-server', WEB, EMOJI, 'DeleteAll')).toBe(false);
  });

  test('only vote-bot may call web, both versions; web runs as web in both, so voting admits the canary', () => {
    for (const [server, deployment] of [['web-server', 'web'], ['web-canary-server', 'web-canary']]) {
      expectServerSelects(objects, server, deployment);
      expect(callersOf(objects, 'Server', server)).toEqual([VOTE_BOT]);
      expect(podTemplateOf(get(objects, 'Deployment', deployment)).spec.serviceAccountName).toBe('web');
    }
    expect(podTemplateOf(get(objects, 'Deployment', 'vote-bot')).spec.serviceAccountName).toBe('vote-bot');
  });

  test('ServiceProfiles: per-route timeouts and retries, the retry budget at spec level', () => {
    const voting = get(objects, 'ServiceProfile', 'voting-svc.emojivoto.svc.cluster.local');
    expect(voting.spec.retryBudget).toEqual({ retryRatio: 0.2, minRetriesPerSecond: 10, ttl: '10s' });
    for (const route of voting.spec.routes) expect(route.retryBudget).toBeUndefined();
    expect(voting.spec.routes[0]).toMatchObject({ isRetryable: true, condition: { method: 'POST' } });
    const web = get(objects, 'ServiceProfile', 'web-svc.emojivoto.svc.cluster.local');
    expect(web.spec.routes.map((r: any) => [r.name, r.timeout, r.isRetryable ?? false]))
      .toEqual([['GET /api/list', '500ms', false], ['GET /api/vote', '1s', true]]);
  });

  test('90/10 canary between web-svc and web-canary, which select disjoint pods', () => {
    const web = get(objects, 'ServiceProfile', 'web-svc.emojivoto.svc.cluster.local');
    expect(web.spec.dstOverrides).toEqual([
      { authority: 'web-svc.emojivoto.svc.cluster.local:80', weight: 90 },
      { authority: 'web-canary.emojivoto.svc.cluster.local:80', weight: 10 },
    ]);
    const selects = (service: string) => objects.filter((o) => o.kind === 'Deployment' && Object.entries(get(objects, 'Service',
      service).spec.selector)
      .every(([k, v]) => o.spec.template.metadata.labels[k] === v)).map((o) => o.metadata.name);
    expect(selects('web-svc')).toEqual(['web']);
    expect(selects('web-canary')).toEqual(['web-canary']);
    expect(objects.some((o) => o.kind === 'HTTPRoute' || o.kind === 'TrafficSplit')).toBe(false);
  });

  test('authentications and policies come before the Server', () => expectPoliciesBeforeServers(objects));
});
