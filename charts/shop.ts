import { Chart, ChartProps, Duration } from 'cdk8s';
import { ContainerProps, Probe, ServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AnalysisMetric, CanaryRollout, CanaryRoute, CanaryStep, CanaryTrafficRouting, PrometheusAnalysisTemplate, AccessPolicy, CircuitBreaker,
  GrpcMethodMatch, GrpcRetryCondition, GrpcRoute, HttpLocalRateLimitPolicy, HttpMethod, HttpRetryCondition, MeshIdentity, MeshedDeployment,
  MeshedNamespace, MeshedService, PathMatch, ProxyProtocol, RetriesAndTimeouts, RouteParent, Server, ServerPort,
} from '../lib';

const NAMESPACE = 'shop';
const PAYMENTS = 'shop.payments.v1.PaymentService';

/** Properties of the shop chart. */
export interface ShopChartProps extends ChartProps {
  /**
   * Namespace of the (meshed) ingress controller whose pods may call the storefront.
   * @default 'ingress-nginx'
   */
  readonly ingressNamespace?: string;
}

/**
 * Issue 12's three-service shop, written only with the library's constructs (no escape hatches): an HTTP
 * storefront, an HTTP checkout released as a canary (Argo Rollouts, Gateway API plugin), and gRPC payments.
 * - default-deny: the namespace's default inbound policy is `deny`, and every Server denies what no policy allows;
 * - who may call what: the ingress controller's namespace → storefront; storefront → checkout's cart (GET) and
 *   order (POST) routes; checkout → payments' Charge and Authorize; backoffice's `support` → payments' Refund;
 * - probes: HTTP readiness probes, authorized on the HTTP Servers' ports by the derived probe routes; payments'
 *   probe is on its admin port, which no Server covers (a gRPC Server is served by GRPCRoutes only);
 * - resilience: retries for GET only (checkout's read route, a managed route of its own, so the retries survive
 *   the canary), request timeouts, circuit breaking on checkout's stable and canary Services, gRPC retries and a
 *   timeout on the calls to payments;
 * - a rate limit on checkout's Server: 100 requests per second in all, 20 per client identity, 60 for the storefront.
 */
export class ShopChart extends Chart {
  /** The checkout canary, whose `argoCdIgnoreDifferences` the Argo CD Application needs. */
  public readonly canary: CanaryRollout;

  constructor(scope: Construct, id: string, props: ShopChartProps = {}) {
    super(scope, id, { ...props, namespace: NAMESPACE });
    new MeshedNamespace(this, 'Namespace', { metadata: { name: NAMESPACE }, proxy: { defaultInboundPolicy: AccessPolicy.DENY } });
    const account = (name: string) => new ServiceAccount(this, `${name}-sa`, { metadata: { name } });
    const accounts = { storefront: account('storefront'), checkout: account('checkout'), payments: account('payments') };
    const httpContainer = (name: string, image: string): ContainerProps => ({
      name, image, ports: [{ name: 'http', number: 8080 }], readiness: Probe.fromHttpGet('/ready', { port: 8080 }),
    });

    // Storefront: HTTP, called by the ingress controller's pods.
    const storefront = new MeshedDeployment(this, 'storefront', {
      metadata: { name: 'storefront' }, podLabels: { app: 'storefront' }, replicas: 2, serviceAccount: accounts.storefront,
      containers: [httpContainer('storefront', 'ghcr.io/example/storefront:3.2.0')],
    });
    new MeshedService(this, 'storefront-svc', {
      metadata: { name: 'storefront' }, selector: storefront, ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    });
    new Server(this, 'storefront-server', { metadata: { name: 'storefront-http' }, workload: storefront, port: ServerPort.named('http') })
      .grantIdentityAccess([MeshIdentity.anyInNamespace(props.ingressNamespace ?? 'ingress-nginx')],
        { policyName: 'storefront-http-authz', authenticationName: 'storefront-http-authn' });

    // Checkout: HTTP, released as a canary; reads (GET) and writes are separate managed routes.
    const successRate = new PrometheusAnalysisTemplate(this, 'checkout-success-rate', {
      metadata: { name: 'checkout-success-rate' },
      metrics: [AnalysisMetric.linkerdSuccessRate({ minimum: 0.99, interval: Duration.seconds(30), failureLimit: 1 })],
    });
    this.canary = new CanaryRollout(this, 'checkout', {
      selectorLabels: { app: 'checkout' },
      replicas: 3,
      serviceAccount: accounts.checkout,
      containers: [httpContainer('checkout', 'ghcr.io/example/checkout:5.0.1')],
      servicePort: 80,
      trafficRouting: CanaryTrafficRouting.gatewayApiPlugin({ routes: [
        CanaryRoute.http({ name: 'checkout-reads', matches: [{ method: HttpMethod.GET }] }),
        CanaryRoute.http({ name: 'checkout-writes' }),
      ] }),
      steps: [10, 30, 60].flatMap((weight) => [CanaryStep.setWeight(weight), CanaryStep.pause(Duration.minutes(2))]),
      backgroundAnalysis: { template: successRate },
    });
    const [reads, writes] = this.canary.httpRoutes;
    new RetriesAndTimeouts(this, 'checkout-reads-resilience', {
      target: reads,
      retries: { http: [HttpRetryCondition.gatewayErrors()], limit: 2, timeout: Duration.millis(300) },
      requestTimeout: Duration.seconds(2),
    });
    new RetriesAndTimeouts(this, 'checkout-writes-timeout', { target: writes, requestTimeout: Duration.seconds(5) });
    for (const [name, service] of [['stable', this.canary.stableService!], ['canary', this.canary.canaryService!]] as const) {
      new CircuitBreaker(this, `checkout-${name}-breaker`, { service, maxFailures: 5, maxPenalty: Duration.seconds(30) });
    }
    const checkoutServer = new Server(this, 'checkout-server', { metadata: { name: 'checkout-http' }, workload: this.canary,
      port: ServerPort.named('http') });
    for (const [name, method, path] of [['cart', HttpMethod.GET, '/api/cart'], ['orders', HttpMethod.POST, '/api/orders']] as const) {
      const match = { method, path: PathMatch.prefix(path) };
      checkoutServer.addHttpRoute(`checkout-${name}`, { metadata: { name: `checkout-${name}` }, rules: [{ matches: [match] }] })
        .grantAccess([accounts.storefront], { policyName: `checkout-${name}-authz`, authenticationName: `checkout-${name}-authn` });
    }
    new HttpLocalRateLimitPolicy(this, 'checkout-rate-limit', {
      metadata: { name: 'checkout-rate-limit' }, server: checkoutServer, totalRequestsPerSecond: 100, requestsPerSecondPerIdentity: 20,
      // The storefront carries every user's requests: it gets more than any other single client.
      overrides: [{ requestsPerSecond: 60, clients: [accounts.storefront] }],
    });

    // Payments: gRPC; the readiness probe is on the admin port, outside the gRPC Server.
    const payments = new MeshedDeployment(this, 'payments', {
      metadata: { name: 'payments' }, podLabels: { app: 'payments' }, replicas: 2, serviceAccount: accounts.payments,
      containers: [{
        name: 'payments', image: 'ghcr.io/example/payments:1.9.0',
        ports: [{ name: 'grpc', number: 9090 }, { name: 'admin', number: 8081 }], readiness: Probe.fromHttpGet('/ready', { port: 8081 }),
      }],
    });
    const paymentsService = new MeshedService(this, 'payments-svc', {
      metadata: { name: 'payments' }, selector: payments, ports: [{ name: 'grpc', port: 9090, targetPort: 9090 }],
    });
    const paymentsServer = new Server(this, 'payments-server', {
      metadata: { name: 'payments-grpc' }, workload: payments, port: ServerPort.named('grpc'), proxyProtocol: ProxyProtocol.GRPC,
    });
    paymentsServer.addGrpcRoute('payments-charge', {
      metadata: { name: 'payments-charge' },
      rules: [{ matches: ['Charge', 'Authorize'].map((method) => ({ method: GrpcMethodMatch.exact(PAYMENTS, method) })) }],
    }).grantAccess([accounts.checkout]);
    paymentsServer.addGrpcRoute('payments-refund', {
      metadata: { name: 'payments-refund' },
      rules: [{ matches: [{ method: GrpcMethodMatch.exact(PAYMENTS, 'Refund') }] }],
    }).grantIdentityAccess([MeshIdentity.serviceAccountIn('support', 'backoffice')]);
    const paymentsCalls = new GrpcRoute(this, 'payments-calls', {
      metadata: { name: 'payments-calls' }, parent: RouteParent.service(paymentsService, 9090),
      rules: [{ matches: [{ method: GrpcMethodMatch.service(PAYMENTS) }] }],
    });
    new RetriesAndTimeouts(this, 'payments-calls-resilience', {
      target: paymentsCalls, retries: { grpc: [GrpcRetryCondition.UNAVAILABLE], limit: 1 }, requestTimeout: Duration.seconds(3),
    });
  }
}
