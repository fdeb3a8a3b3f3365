import { envtestSuite } from '../support/envtest';
import { NAMESPACE, OTHER_NAMESPACE, PODS, SELECTOR_CASES, selectorQuery } from '../support/fixtures/label-selector-cases';

/**
 * The label-selector cases lib/policy's WorkloadSelection is tested with (__tests__/policy/workload-selection.test.ts),
 * asked of the real API server: objects with the fixture's pod labels, listed with each selector. ConfigMaps stand for
 * the pods (label selection is the same for every kind, and pods would need a ServiceAccount controller).
 */
envtestSuite('label selectors against the real API server', (envtest) => {
  beforeAll(async () => {
    const client = envtest().client;
    for (const name of [NAMESPACE, OTHER_NAMESPACE]) {
      await client.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
    for (const pod of PODS) {
      const created = await client.post(`/api/v1/namespaces/${pod.namespace}/configmaps`, {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: pod.name, namespace: pod.namespace, labels: pod.labels },
      });
      expect(created.status).toBe(201);
    }
  }, 60_000);

  test.each(SELECTOR_CASES)('$name: the API server selects what the fixture says', async ({ selector, selects }) => {
    const query = encodeURIComponent(selectorQuery(selector));
    const response = await envtest().client.get(`/api/v1/namespaces/${NAMESPACE}/configmaps?labelSelector=${query}`);
    expect(response.status).toBe(200);
    const names = ((response.body as { items: { metadata: { name: string } }[] }).items).map((i) => i.metadata.name);
    expect(names.sort()).toEqual([...selects].sort());
  });
});
