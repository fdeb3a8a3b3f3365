import { Chart, ChartProps, Duration } from 'cdk8s';
import { ImagePullPolicy, Probe, Service, ServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AlbIngress, AlbListenPort, AlbScheme, AlbTargetType, FaultInjection, HttpMethod, HttpRoute, HttpRouteApi, MeshedDeployment, MeshedNamespace,
  MeshedService, PathMatch, ProxyProtocol, RouteParent, Server, ServerPort,
} from '../lib';

const NAMESPACE = 'booksapp';
const IMAGE = 'buoyantio/booksapp:v0.0.5';
const DATABASE_URL = 'sqlite3:db/db.sqlite3';
/** Seeds 000 and 002 write the booksapp routes as Linkerd's policy.linkerd.io HTTPRoute; kept so (v1beta3, the served version). */
const SEED_ROUTE_API = HttpRouteApi.POLICY_V1BETA3;

/** The booksapp containers run as upstream ships them: as the image's user, with a writable filesystem (sqlite). */
const AS_UPSTREAM = {
  imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
  securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
  resources: {},
} as const;

/** The three booksapp services of https://run.linkerd.io/booksapp.yml; authors without FAILURE_RATE (the seeds patch it out). */
const SERVICES = [
  { name: 'webapp', port: 7000, replicas: 3, env: { DATABASE_URL, AUTHORS_SITE: 'http://authors:7001', BOOKS_SITE: 'http://books:7002' } },
  { name: 'authors', port: 7001, replicas: 1, env: { DATABASE_URL, BOOKS_SITE: 'http://books:7002' } },
  { name: 'books', port: 7002, replicas: 1, env: { DATABASE_URL, AUTHORS_SITE: 'http://authors:7001' } },
] as const;

/** Properties of the booksapp chart. */
export interface BooksappChartProps extends ChartProps {
  /**
   * Whether this chart creates (and owns) the `booksapp` namespace.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Host name of the ALB Ingress to webapp (seed 000).
   * @default 'test.jnytnai.click'
   */
  readonly hostname?: string;
}

/**
 * Linkerd's booksapp demo, meshed, with the scenarios of seeds 000 and 002:
 * - fault injection: 10% of the requests to books:7002 answered 500 by `error-injector` (route `error-split`);
 * - timeouts on authors:7001 (route `authors-timeout`): authors answers within ~100 ms at p99
 *   (seed 002), so a 500 ms budget per backend attempt and 1 s per request only cut off a hung
 *   authors; lower them to watch webapp's success rate drop as in seed 002;
 * - per-route authorization on authors (Linkerd's "configuring per-route policy" task): Server
 *   `authors-server`, GETs for books and webapp, modifications for webapp only, probes authorized;
 * - an internet-facing ALB Ingress to webapp with an ExternalDNS host name.
 */
export class BooksappChart extends Chart {
  constructor(scope: Construct, id: string, props: BooksappChartProps = {}) {
    super(scope, id, { ...props, namespace: NAMESPACE });
    if (props.createNamespace ?? true) new MeshedNamespace(this, 'Namespace', { metadata: { name: NAMESPACE } });

    const accounts: Record<string, ServiceAccount> = {};
    const deployments: Record<string, MeshedDeployment> = {};
    const services: Record<string, Service> = {};
    for (const app of SERVICES) {
      const labels = { app: app.name, project: 'booksapp' };
      accounts[app.name] = new ServiceAccount(this, `${app.name}-sa`, { metadata: { name: app.name } });
      deployments[app.name] = new MeshedDeployment(this, app.name, {
        metadata: { name: app.name, labels },
        podLabels: labels,
        replicas: app.replicas,
        serviceAccount: accounts[app.name],
        securityContext: { ensureNonRoot: false },
        containers: [{
          ...AS_UPSTREAM,
          name: 'service',
          image: IMAGE,
          args: [`prod:${app.name}`],
          envVariables: Object.fromEntries(Object.entries(app.env).map(([k, v]) => [k, { value: v }])),
          ports: [{ name: 'service', number: app.port }],
          readiness: Probe.fromHttpGet('/ping', { port: app.port }),
        }],
      });
      services[app.name] = new MeshedService(this, `${app.name}-svc`, {
        metadata: { name: app.name, labels },
        selector: deployments[app.name],
        ports: [{ name: 'service', port: app.port }],
      });
    }
    const trafficLabels = { app: 'traffic', project: 'booksapp' };
    new MeshedDeployment(this, 'traffic', {
      metadata: { name: 'traffic', labels: trafficLabels },
      podLabels: trafficLabels,
      replicas: 1,
      serviceAccount: new ServiceAccount(this, 'traffic-sa', { metadata: { name: 'traffic' } }),
      securityContext: { ensureNonRoot: false },
      containers: [{ ...AS_UPSTREAM, name: 'traffic', image: 'buoyantio/booksapp-traffic:v0.0.3', args: ['-sleep=100ms', 'webapp:7000'] }],
    });

    new FaultInjection(this, 'fault-injection', {
      service: services.books, port: 7002, errorPercent: 10, image: 'nginx:alpine',
      injectorName: 'error-injector', routeName: 'error-split', api: SEED_ROUTE_API,
    });

    new HttpRoute(this, 'authors-timeout', {
      metadata: { name: 'authors-timeout' },
      api: SEED_ROUTE_API,
      parent: RouteParent.service(services.authors, 7001),
      rules: [{ timeouts: { request: Duration.seconds(1), backendRequest: Duration.millis(500) } }],
    });

    const authorsServer = new Server(this, 'authors-server', {
      metadata: { name: 'authors-server' },
      workload: deployments.authors,
      port: ServerPort.named('service'),
      proxyProtocol: ProxyProtocol.HTTP1,
      probeAuthorization: {
        routeName: 'authors-probe-route', authenticationName: 'authors-probe-authn', policyName: 'authors-probe-policy', api: SEED_ROUTE_API,
      },
    });
    const getRoute = authorsServer.addHttpRoute('authors-get-route', {
      metadata: { name: 'authors-get-route' },
      api: SEED_ROUTE_API,
      rules: [{
        matches: [
          { method: HttpMethod.GET, path: PathMatch.exact('/authors.json') },
          { method: HttpMethod.GET, path: PathMatch.prefix('/authors/') },
        ],
      }],
    });
    getRoute.grantAccess([accounts.books, accounts.webapp], { policyName: 'authors-get-policy', authenticationName: 'authors-get-authn' });
    const modifyRoute = authorsServer.addHttpRoute('authors-modify-route', {
      metadata: { name: 'authors-modify-route' },
      api: SEED_ROUTE_API,
      rules: [{
        matches: [
          { method: HttpMethod.DELETE, path: PathMatch.prefix('/authors/') },
          { method: HttpMethod.PUT, path: PathMatch.prefix('/authors/') },
          { method: HttpMethod.POST, path: PathMatch.exact('/authors.json') },
        ],
      }],
    });
    modifyRoute.grantAccess([accounts.webapp], { policyName: 'authors-modify-policy', authenticationName: 'authors-modify-authn' });

    new AlbIngress(this, 'webapp-ingress', {
      metadata: { name: 'webapp' },
      service: services.webapp,
      port: 7000,
      hostname: props.hostname ?? 'test.jnytnai.click',
      scheme: AlbScheme.INTERNET_FACING,
      targetType: AlbTargetType.IP,
      listenPorts: [AlbListenPort.http(80)],
    });
  }
}
