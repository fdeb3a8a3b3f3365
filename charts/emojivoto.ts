import { Chart, ChartProps, Duration } from 'cdk8s';
import { ContainerProps, Cpu, ImagePullPolicy, Service, ServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  GrpcMethodMatch, HttpMethod, MeshedDeployment, MeshedNamespace, MeshedService, ProxyProtocol, Server, ServerPort, legacy,
} from '../lib';

const NAMESPACE = 'emojivoto';
const VERSION = 'v11';
const REGISTRY = 'docker.l5d.io/buoyantio';

/** The emojivoto containers run as upstream ships them, with its CPU requests. */
function upstreamContainer(props: ContainerProps & { cpuMillis: number }): ContainerProps {
  const { cpuMillis, ...container } = props;
  return {
    ...container,
    imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
    securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
    resources: { cpu: { request: Cpu.millis(cpuMillis) } },
  };
}

/** The gRPC services of emojivoto's protos (proto/Emoji.proto, proto/Voting.proto: package emojivoto.v1). */
const EMOJI_SERVICE = 'emojivoto.v1.EmojiService';
const VOTING_SERVICE = 'emojivoto.v1.VotingService';

const WEB_ENV = {
  WEB_PORT: { value: '8080' },
  EMOJISVC_HOST: { value: 'emoji-svc.emojivoto:8080' },
  VOTINGSVC_HOST: { value: 'voting-svc.emojivoto:8080' },
  INDEX_BUNDLE: { value: 'dist/index_bundle.js' },
};

/** Properties of the emojivoto chart. */
export interface EmojivotoChartProps extends ChartProps {
  /**
   * Whether this chart creates (and owns) the `emojivoto` namespace.
   * @default true
   */
  readonly createNamespace?: boolean;
}

/**
 * Linkerd's emojivoto demo (https://run.linkerd.io/emojivoto.yml), meshed, with seed 001's traffic
 * management and security:
 * - ServiceProfiles for web-svc and voting-svc: per-route timeouts and retries, the retry budget at
 *   spec level (seed 001 puts it in a route, which the CRD rejects);
 * - gRPC end to end: Servers `emoji-server` and `voting-server` (proxyProtocol gRPC) with per-method GRPCRoutes:
 *   `emoji-list-all` (EmojiService/ListAll), `emoji-find-by-shortcode` (EmojiService/FindByShortcode),
 *   `voting-results` (VotingService/Results) and `voting-vote` (the rest of VotingService: its Vote* methods; Linkerd
 *   refuses regex method matches, and the exact Results match takes precedence over the service-wide one). Only the
 *   `web` ServiceAccount may call any of them (one grant per route); calls no route matches are refused;
 * - Server `web-server` (and `web-canary-server`) on web's HTTP port: only `vote-bot`, which runs as its own
 *   ServiceAccount, may call web;
 * - a 90/10 canary of web (`web-canary`, running as `web` so that voting admits it). Linkerd ignores
 *   outbound HTTPRoutes on a Service that has a ServiceProfile, and the SMI extension would write
 *   a TrafficSplit into that same profile, so the split is the web-svc profile's `dstOverrides`.
 */
export class EmojivotoChart extends Chart {
  constructor(scope: Construct, id: string, props: EmojivotoChartProps = {}) {
    super(scope, id, { ...props, namespace: NAMESPACE });
    if (props.createNamespace ?? true) new MeshedNamespace(this, 'Namespace', { metadata: { name: NAMESPACE } });

    const account = (name: string): ServiceAccount => new ServiceAccount(this, `${name}-sa`, { metadata: { name } });
    const appLabels = (name: string) => ({
      'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'emojivoto', 'app.kubernetes.io/version': VERSION,
    });
    const grpcService = (name: 'emoji' | 'voting') => {
      const deployment = new MeshedDeployment(this, name, {
        metadata: { name, labels: appLabels(name) },
        podLabels: { app: `${name}-svc`, version: VERSION },
        replicas: 1,
        serviceAccount: account(name),
        securityContext: { ensureNonRoot: false },
        containers: [upstreamContainer({
          name: `${name}-svc`,
          image: `${REGISTRY}/emojivoto-${name}-svc:${VERSION}`,
          envVariables: { GRPC_PORT: { value: '8080' }, PROM_PORT: { value: '8801' } },
          ports: [{ name: 'grpc', number: 8080 }, { name: 'prom', number: 8801 }],
          cpuMillis: 100,
        })],
      });
      const service = new MeshedService(this, `${name}-svc`, {
        metadata: { name: `${name}-svc` },
        selector: deployment,
        ports: [{ name: 'grpc', port: 8080, targetPort: 8080 }, { name: 'prom', port: 8801, targetPort: 8801 }],
      });
      return { deployment, service };
    };
    const emoji = grpcService('emoji');
    const voting = grpcService('voting');

    const webAccount = account('web');
    const webDeployment = (name: string, version: string, image: string): MeshedDeployment => new MeshedDeployment(this, name, {
      metadata: { name, labels: appLabels(name) },
      podLabels: { app: 'web-svc', version },
      replicas: 1,
      serviceAccount: webAccount,
      securityContext: { ensureNonRoot: false },
      containers: [upstreamContainer({
        name: 'web-svc', image, envVariables: WEB_ENV, ports: [{ name: 'http', number: 8080 }], cpuMillis: 100,
      })],
    });
    const webService = (name: string, deployment: MeshedDeployment): Service => new MeshedService(this, `${name}-service`, {
      metadata: { name },
      selector: deployment,
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    });
    const webDeployments = {
      web: webDeployment('web', VERSION, `${REGISTRY}/emojivoto-web:${VERSION}`),
      canary: webDeployment('web-canary', 'canary', `docker.io/buoyantio/emojivoto-web:${VERSION}`),
    };
    const web = webService('web-svc', webDeployments.web);
    const canary = webService('web-canary', webDeployments.canary);

    const voteBotAccount = account('vote-bot');
    new MeshedDeployment(this, 'vote-bot', {
      metadata: { name: 'vote-bot', labels: appLabels('vote-bot') },
      podLabels: { app: 'vote-bot', version: VERSION },
      replicas: 1,
      serviceAccount: voteBotAccount,
      securityContext: { ensureNonRoot: false },
      containers: [upstreamContainer({
        name: 'vote-bot',
        image: `${REGISTRY}/emojivoto-web:${VERSION}`,
        command: ['emojivoto-vote-bot'],
        envVariables: { WEB_HOST: { value: 'web-svc.emojivoto:80' } },
        cpuMillis: 10,
      })],
    });

    // gRPC Servers: each method group is a GRPCRoute, and only web is granted on each.
    const grpcServer = (name: 'emoji' | 'voting', deployment: MeshedDeployment, routes: Record<string, GrpcMethodMatch[]>) => {
      const server = new Server(this, `${name}-server`, {
        metadata: { name: `${name}-server` }, workload: deployment, port: ServerPort.named('grpc'), proxyProtocol: ProxyProtocol.GRPC,
      });
      for (const [routeName, methods] of Object.entries(routes)) {
        server.addGrpcRoute(routeName, { metadata: { name: routeName },
          rules: [{ matches: methods.map((method) => ({ method })) }] }).grantAccess([webAccount]);
      }
    };
    grpcServer('emoji', emoji.deployment, {
      'emoji-list-all': [GrpcMethodMatch.exact(EMOJI_SERVICE, 'ListAll')],
      'emoji-find-by-shortcode': [GrpcMethodMatch.exact(EMOJI_SERVICE, 'FindByShortcode')],
    });
    grpcServer('voting', voting.deployment, {
      'voting-results': [GrpcMethodMatch.exact(VOTING_SERVICE, 'Results')],
      'voting-vote': [GrpcMethodMatch.service(VOTING_SERVICE)],
    });
    for (const [name, deployment] of [['web', webDeployments.web], ['web-canary', webDeployments.canary]] as const) {
      new Server(this, `${name}-server`, { metadata: { name: `${name}-server` }, workload: deployment, port: ServerPort.named('http') })
        .grantAccess([voteBotAccount], { policyName: `${name}-server-authz`, authenticationName: `${name}-server-authn` });
    }

    new legacy.ServiceProfile(this, 'web-svc-profile', {
      service: web,
      routes: [
        { name: 'GET /api/list', method: HttpMethod.GET, pathRegex: '/api/list', timeout: Duration.millis(500) },
        { name: 'GET /api/vote', method: HttpMethod.GET, pathRegex: '/api/vote', isRetryable: true, timeout: Duration.seconds(1) },
      ],
      dstOverrides: [{ service: web, weight: 90 }, { service: canary, weight: 10 }],
    });
    new legacy.ServiceProfile(this, 'voting-svc-profile', {
      service: voting.service,
      routes: [{
        name: 'POST /emojivoto.v1.VotingService/VoteDoughnut',
        method: HttpMethod.POST,
        pathRegex: '/emojivoto\\.v1\\.VotingService/VoteDoughnut',
        isRetryable: true,
        timeout: Duration.seconds(1),
      }],
      retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: Duration.seconds(10) },
    });
  }
}
