import { ApiObject, App, Chart } from 'cdk8s';

/** One ConfigMap per entry, each in its own chart (render target) and namespace. */
export function configMaps(data: Record<string, Record<string, string>>): (app: App) => void {
  return (app) => {
    for (const [target, values] of Object.entries(data)) {
      const chart = new Chart(app, target);
      new ApiObject(chart, 'settings', {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: target }, data: values,
      });
    }
  };
}
