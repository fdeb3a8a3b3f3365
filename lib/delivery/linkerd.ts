/**
 * The Prometheus that the linkerd-viz extension installs; it scrapes every Linkerd proxy and
 * copies each pod label onto the proxy metrics (`rollouts-pod-template-hash` becomes
 * `rollouts_pod_template_hash`), which the Linkerd analysis metrics rely on.
 */
export const LINKERD_VIZ_PROMETHEUS_ADDRESS = 'http://prometheus.linkerd-viz.svc.cluster.local:9090';
