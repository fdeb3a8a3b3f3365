import * as https from 'https';

/** How to reach and authenticate to one API server. */
export interface ApiConnection {
  /** Base URL, e.g. "https://127.0.0.1:34567" (a path prefix such as a proxy's "/k8s" is kept). */
  readonly server: string;
  /** PEM bundle the server certificate must chain to; the system roots when not given. */
  readonly ca?: string;
  /** Bearer token. */
  readonly token?: string;
  /** PEM client certificate and key (mutual TLS). */
  readonly clientCertificate?: string;
  readonly clientKey?: string;
  /**
   * Skip server certificate verification (kubeconfig `insecure-skip-tls-verify`).
   * @default false
   */
  readonly insecureSkipTlsVerify?: boolean;
  /**
   * Refuse every request but GETs and dry runs (`dryRun=All`), whatever the caller asks: for a user's cluster.
   * @default false
   */
  readonly readOnly?: boolean;
}

export interface ApiResponse {
  readonly status: number;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  readonly body: unknown;
  readonly text: string;
}

/** Per request; a loaded 2-core machine can take over a minute for one large CRD, so callers may ask for more. */
const REQUEST_TIMEOUT_MS = 60_000;

/** A minimal JSON client for the Kubernetes REST API: one keep-alive agent, no retries, no redirects. */
export class ApiClient {
  private readonly agent: https.Agent;
  private readonly base: URL;

  constructor(readonly connection: ApiConnection, maxSockets = 16) {
    this.base = new URL(connection.server);
    if (this.base.protocol !== 'https:') throw new Error(`API server URL ${connection.server} is invalid; allowed: an https:// URL`);
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets,
      ca: connection.ca,
      cert: connection.clientCertificate,
      key: connection.clientKey,
      rejectUnauthorized: connection.insecureSkipTlsVerify !== true,
    });
  }

  get(path: string): Promise<ApiResponse> {
    return this.request('GET', path);
  }

  post(path: string, body: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ApiResponse> {
    return this.request('POST', path, JSON.stringify(body), 'application/json', timeoutMs);
  }

  request(method: string, path: string, body?: string, contentType = 'application/json', timeoutMs = REQUEST_TIMEOUT_MS): Promise<ApiResponse> {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base);
    if (this.connection.readOnly === true && method !== 'GET' && url.searchParams.get('dryRun') !== 'All') {
      return Promise.reject(new Error(`refused ${method} ${url.pathname}: this connection only sends GETs and dry runs`));
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.connection.token !== undefined) headers.Authorization = `Bearer ${this.connection.token}`;
    if (body !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const request = https.request(url, { method, headers, agent: this.agent, timeout: timeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: response.statusCode ?? 0, body: parsed, text });
        });
      });
      request.on('timeout', () => request.destroy(new Error(`${method} ${url.pathname} timed out after ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  }

  /** Closes the idle keep-alive sockets so the process can exit. */
  close(): void {
    this.agent.destroy();
  }
}
