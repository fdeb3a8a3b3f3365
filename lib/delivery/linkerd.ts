/**
 * The pod-template annotation that makes Linkerd's proxy injector add the sidecar.
 * One constant for the whole delivery area, so the mesh area can take it over in one place.
 */
export const LINKERD_INJECT_ANNOTATION = 'linkerd.io/inject';

/** The value of {@link LINKERD_INJECT_ANNOTATION} that requests injection. */
export const LINKERD_INJECT_ENABLED = 'enabled';

/**
 * The Prometheus that the linkerd-viz extension installs; it scrapes every Linkerd proxy and
 * copies each pod label onto the proxy metrics (`rollouts-pod-template-hash` becomes
 * `rollouts_pod_template_hash`), which the Linkerd analysis metrics rely on.
 */
export const LINKERD_VIZ_PROMETHEUS_ADDRESS = 'http://prometheus.linkerd-viz.svc.cluster.local:9090';
