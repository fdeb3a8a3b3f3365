import { Size } from 'cdk8s';
import { Cpu, ConfigMap, ImagePullPolicy, Service, Volume } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PropProblems, integerProblem, serviceNameProblem } from '../common';
import { HttpRoute, HttpRouteApi } from './http-route';
import { IMeshService } from './mesh-service';
import { MeshedDeployment } from './meshed-deployment';
import { MeshedService } from './meshed-service';
import { HttpBackend, RouteParent } from './route-base';

/** Properties of a `FaultInjection`. */
export interface FaultInjectionProps {
  /** The Service whose traffic is partly answered with errors. */
  readonly service: IMeshService;
  /**
   * The Service port.
   * @default - the Service's only port
   */
  readonly port?: number;
  /** Percentage of the requests (to this port, from meshed clients) answered with an error: 1..100. */
  readonly errorPercent: number;
  /** An nginx image (official layout: config at /etc/nginx/nginx.conf) for the error backend. */
  readonly image: string;
  /**
   * HTTP status the error backend answers with: 400..599.
   * @default 500
   */
  readonly statusCode?: number;
  /**
   * Name of the error backend's ConfigMap, Deployment and Service.
   * @default `<service name>-error-injector`
   */
  readonly injectorName?: string;
  /**
   * Name of the HTTPRoute that splits the traffic.
   * @default `<service name>-error-split`
   */
  readonly routeName?: string;
  /**
   * API of the HTTPRoute.
   * @default HttpRouteApi.GATEWAY_V1
   */
  readonly api?: HttpRouteApi;
}

/** Port the error backend listens on. */
const INJECTOR_PORT = 8080;

/**
 * Fault injection (Linkerd's fault-injection task): a meshed nginx that answers every request
 * with an error status, and an outbound HTTPRoute on the Service that sends `errorPercent` of
 * the requests to it and the rest to the Service itself.
 */
export class FaultInjection extends Construct {
  public readonly configMap: ConfigMap;
  public readonly deployment: MeshedDeployment;
  public readonly injectorService: Service;
  public readonly route: HttpRoute;

  constructor(scope: Construct, id: string, props: FaultInjectionProps) {
    super(scope, id);
    const problems = new PropProblems(this);
    problems.add(integerProblem('errorPercent', props.errorPercent, 1, 100));
    const statusCode = props.statusCode ?? 500;
    problems.add(integerProblem('statusCode', statusCode, 400, 599));
    if (props.image.trim() === '') problems.invalid('image', props.image, 'an nginx image reference');
    const name = props.injectorName ?? `${props.service.name}-error-injector`;
    problems.add(serviceNameProblem('injectorName', name));
    const labels = { app: name };
    const ports = props.service.ports.map((p) => p.port);
    const port = props.port ?? (ports.length === 1 ? ports[0] : undefined);
    if (port === undefined) problems.invalid('port', '(unset)', `one of the ports of Service ${props.service.name} (${ports.join(', ')})`);
    problems.throwIfAny();

    this.configMap = new ConfigMap(this, 'Config', {
      metadata: { name },
      data: {
        'nginx.conf': [
          'events {}', 'http {', '  server {', `    listen ${INJECTOR_PORT};`, '    location / {',
          `      return ${statusCode};`, '    }', '  }', '}',
        ].join('\n'),
      },
    });
    const config = Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'nginx-config' });
    this.deployment = new MeshedDeployment(this, 'Deployment', {
      metadata: { name, labels },
      podLabels: labels,
      replicas: 1,
      // The official nginx image starts as root and writes its cache and pid file to the root filesystem.
      securityContext: { ensureNonRoot: false },
      containers: [{
        name: 'nginx',
        image: props.image,
        imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
        ports: [{ number: INJECTOR_PORT, name: 'http' }],
        volumeMounts: [{ path: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', volume: config, readOnly: true }],
        securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
        resources: {
          cpu: { request: Cpu.millis(10), limit: Cpu.millis(100) },
          memory: { request: Size.mebibytes(16), limit: Size.mebibytes(64) },
        },
      }],
    });
    this.injectorService = new MeshedService(this, 'Service', {
      metadata: { name },
      selector: this.deployment,
      ports: [{ name: 'service', port: INJECTOR_PORT, targetPort: INJECTOR_PORT }],
    });

    this.route = new HttpRoute(this, 'Route', {
      metadata: { name: props.routeName ?? `${props.service.name}-error-split` },
      api: props.api,
      parent: RouteParent.service(props.service, port!),
      rules: [{
        backends: [
          HttpBackend.service(props.service, { port, weight: 100 - props.errorPercent }),
          HttpBackend.service(this.injectorService, { port: INJECTOR_PORT, weight: props.errorPercent }),
        ],
      }],
    });
  }
}
