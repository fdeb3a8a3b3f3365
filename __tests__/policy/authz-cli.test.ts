import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { authz as runAuthz } from '../../scripts/authz';

const ROOT = path.join(__dirname, '..', '..');
const BOOKSAPP = path.join(ROOT, 'dist', 'booksapp');
const SCRIPT = path.join(ROOT, 'scripts', 'authz.ts');
/** `node --import tsx <entry>`, bundled and code-cached (support/run-bundled.cjs): a fraction of tsx's start-up CPU. */
const RUN = path.join(ROOT, '__tests__', 'support', 'run-bundled.cjs');

/** The command's answer, called in-process (the questions are logic; the process cases below run it as a process). */
function authz(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runAuthz(args, { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; } });
  return { code, stdout, stderr, first: stdout.split(/\s/)[0] };
}

/** The command as a process, bundled; `npm run authz`'s own command (tsx) for the first case. */
function authzProcess(args: readonly string[], command: readonly string[] = [RUN, SCRIPT]) {
  const result = spawnSync(process.execPath, [...command, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, first: result.stdout.split(/\s/)[0] };
}

describe('npm run authz answers the booksapp questions from dist/booksapp', () => {
  test('webapp may DELETE /authors/1 on authors:7001 (exit 0)', () => {
    const args = [BOOKSAPP, '--from', 'booksapp/webapp', '--to', 'booksapp/authors:7001', '--request', 'DELETE /authors/1'];
    const { code, stdout } = authzProcess(args, ['--import', 'tsx', SCRIPT]);
    expect(stdout).toBe(
      [
        'allow',
        '  client identity webapp.booksapp.serviceaccount.identity.linkerd.cluster.local → Deployment booksapp/authors port 7001',
        '  Server booksapp/authors-server selects port 7001 (port name "service"), proxyProtocol HTTP/1',
        '  DELETE /authors/1 matches route policy.linkerd.io/HTTPRoute booksapp/authors-modify-route (rule 0: DELETE PathPrefix /authors/)',
        '  AuthorizationPolicy authors-modify-policy (targets HTTPRoute authors-modify-route) admits the client; ' +
          'it requires MeshTLSAuthentication authors-modify-authn (webapp.booksapp.serviceaccount.identity.linkerd.cluster.local)',
        '',
      ].join('\n'),
    );
    expect(code).toBe(0);
  });

  test('books may not (exit 1, 403)', () => {
    const { code, first, stdout } = authzProcess([
      BOOKSAPP, '--from', 'booksapp/books', '--to', 'booksapp/authors:7001', '--request', 'DELETE /authors/1']);
    expect([first, code]).toEqual(['deny', 1]);
    expect(stdout).toContain('no authorization admits the client; tried AuthorizationPolicy authors-modify-policy');
    expect(stdout).toContain('the proxy answers 403');
  });

  test('the kubelet, unauthenticated, may GET /ping (port by name)', () => {
    const { code, first, stdout } = authz(BOOKSAPP, '--from-network', '172.18.0.2', '--to', 'booksapp/authors:service', '--request', 'GET /ping');
    expect([first, code]).toEqual(['allow', 0]);
    expect(stdout).toContain('AuthorizationPolicy authors-probe-policy (targets HTTPRoute authors-probe-route) admits the client');
  });

  test('traffic may not call authors, on any of its routes', () => {
    for (const request of ['GET /authors.json', 'DELETE /authors/1', 'GET /ping']) {
      const { code, first } = authz(BOOKSAPP, '--from', 'booksapp/traffic', '--to', 'booksapp/authors:7001', '--request', request);
      expect([request, first, code]).toEqual([request, request === 'GET /ping' ? 'allow' : 'deny', request === 'GET /ping' ? 0 : 1]);
    }
  });

  test('a path no route matches is denied as 404', () => {
    const { code, stdout } = authz(BOOKSAPP, '--from', 'booksapp/webapp', '--to', 'booksapp/authors:7001', '--request', 'GET /admin');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^deny\n[\s\S]*matches no HTTP route of the server[\s\S]*404/);
  });

  test('--format json prints the verdict', () => {
    const { code, stdout } = authz(
      BOOKSAPP,
      '--from',
      'booksapp/books',
      '--to',
      'booksapp/authors:7001',
      '--request',
      'GET /authors.json',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      decision: 'allow',
      authorization: { kind: 'AuthorizationPolicy', name: 'authors-get-policy' },
      route: { group: 'policy.linkerd.io', kind: 'HTTPRoute', namespace: 'booksapp', name: 'authors-get-route' },
    });
  });
});

describe('npm run authz on hand-written YAML', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authz-'));
    fs.writeFileSync(
      path.join(dir, 'shop.yaml'),
      `
apiVersion: v1
kind: Namespace
metadata: { name: shop, annotations: { linkerd.io/inject: enabled } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: payments, namespace: shop }
spec:
  selector: { matchLabels: { app: payments } }
  template:
    metadata: { labels: { app: payments } }
    spec:
      serviceAccountName: payments
      containers: [{ name: app, image: payments, ports: [{ name: grpc, containerPort: 9090 }] }]
---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: { name: payments, namespace: shop }
spec: { podSelector: { matchLabels: { app: payments } }, port: grpc, proxyProtocol: gRPC, accessPolicy: audit }
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: { name: charge, namespace: shop }
spec:
  parentRefs: [{ group: policy.linkerd.io, kind: Server, name: payments }]
  rules: [{ matches: [{ method: { service: payments.v1.Payments, method: Charge } }] }]
`,
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a gRPC call only an audit Server admits exits 3 with "audit"', () => {
    const { code, first, stdout } = authzProcess([
      dir, '--from', 'shop/checkout', '--to', 'shop/payments:grpc', '--grpc', 'payments.v1.Payments/Charge']);
    expect([first, code]).toEqual(['audit', 3]);
    expect(stdout).toContain('gRPC payments.v1.Payments/Charge matches route gateway.networking.k8s.io/GRPCRoute shop/charge');
  });

  test('a method no GRPCRoute matches is denied', () => {
    const { code, first } = authz(dir, '--from', 'shop/checkout', '--to', 'shop/payments:9090', '--grpc', 'payments.v1.Payments/Refund');
    expect([first, code]).toEqual(['deny', 1]);
  });

  test.each([
    [['--to', 'shop/payments:grpc', '--request', 'GET /'], 'client (none) is invalid'],
    [['--from', 'shop/checkout', '--request', 'GET /'], '--to is required'],
    [
      ['--from', 'shop/checkout', '--to', 'shop/payments', '--request', 'GET /'],
      'destination "shop/payments" is invalid; allowed: namespace/workload:port',
    ],
    [
      ['--from', 'shop/checkout', '--to', 'shop/payments:http', '--request', 'GET /'],
      'port "http" of Deployment shop/payments is invalid; allowed: a port number, or a named container port (grpc)',
    ],
    [['--from', 'shop/checkout', '--to', 'shop/orders:80', '--request', 'GET /'], 'workload "shop/orders" is invalid; allowed: shop/payments'],
    [['--from', 'shop/checkout', '--to', 'shop/payments:9090', '--request', 'GET'], 'HTTP request "GET" is invalid; allowed: "METHOD /path"'],
    [['--bogus'], 'unknown option --bogus'],
  ])('usage errors exit 2: %j', (args, message) => {
    const { code, stderr, stdout } = authz(dir, ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  test('a usage error, as a process: exit status 2, the message and the usage on stderr, nothing on stdout', () => {
    const { code, stderr, stdout } = authzProcess([dir, '--bogus']);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toContain('unknown option --bogus\nusage: authz.ts ');
  });
});
