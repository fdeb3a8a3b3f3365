import { selectorSelects } from './workloads';

/** A Kubernetes label selector (metav1.LabelSelector); a Service's `spec.selector` is its `matchLabels`. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** What a selector is matched against: the pod labels of a workload and its namespace. */
export interface SelectableWorkload {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Which workloads a Server's `podSelector` (or a Service's selector) selects: the workloads of its namespace whose pod
 * labels the selector selects (`selectorSelects`). Indexed by namespace and by label, so that one selection reads only
 * candidates (the workloads with the selector's rarest required label): selecting for every Server of a target stays
 * linear in the target's size, however many workloads share a namespace.
 */
export class WorkloadSelection<W extends SelectableWorkload> {
  /** `<namespace>\0<label>=<value>` → workloads with that pod label. */
  private readonly byLabel = new Map<string, W[]>();
  private readonly byNamespace = new Map<string, W[]>();

  constructor(workloads: readonly W[]) {
    for (const w of workloads) {
      for (const [name, value] of Object.entries(w.labels)) appendTo(this.byLabel, `${w.namespace}\0${name}=${value}`, w);
      appendTo(this.byNamespace, w.namespace, w);
    }
  }

  /** The workloads of `namespace` that `selector` selects, in the order given to the constructor. An empty selector selects all. */
  public selectedBy(namespace: string, selector: LabelSelector | undefined): W[] {
    // Every selected workload has each required label, so the shortest of their lists holds them all.
    const required = Object.entries(selector?.matchLabels ?? {}).map(([name, value]) => this.byLabel.get(`${namespace}\0${name}=${value}`) ?? []);
    const candidates = required.length > 0 ? required.reduce((a, b) => (b.length < a.length ? b : a)) : (this.byNamespace.get(namespace) ?? []);
    return candidates.filter((w) => selectorSelects(selector, w.labels));
  }
}

/** Adds a value to the list at `key` in place (copying the list on every add would make building an index quadratic). */
function appendTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
