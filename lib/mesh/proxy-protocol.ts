/** How Linkerd's inbound proxy treats connections to a Server's port. */
export enum ProxyProtocol {
  /** Detect the protocol (HTTP/1, HTTP/2 or opaque) from the first bytes; the CRD default. */
  UNKNOWN = 'unknown',
  HTTP1 = 'HTTP/1',
  HTTP2 = 'HTTP/2',
  GRPC = 'gRPC',
  /** Opaque TCP: no protocol detection, no HTTP routes or policies. */
  OPAQUE = 'opaque',
  /** TLS not terminated by the mesh. */
  TLS = 'TLS',
}
