import { parseAllDocuments } from 'yaml';
import { fileNameOf, layoutFiles, RenderTarget } from '../../lib/output';

const object = (apiVersion: string, kind: string, name: string, namespace?: string) => ({
  manifest: { apiVersion, kind, metadata: { name, namespace } },
  constructPath: `chart/${kind}/${name}`,
});

describe('file layout', () => {
  test('names carry wave, kind, group, namespace and name', () => {
    expect(fileNameOf(object('policy.linkerd.io/v1beta3', 'Server', 'authors-server', 'booksapp').manifest))
      .toBe('04-server.policy.linkerd.io_booksapp_authors-server.yaml');
    expect(fileNameOf(object('v1', 'Namespace', 'booksapp').manifest)).toBe('00-namespace_booksapp.yaml');
  });

  test('objects sharing kind and name in different API groups or namespaces get different files', () => {
    const target: RenderTarget = {
      name: 'demo',
      objects: [
        object('policy.linkerd.io/v1beta3', 'HTTPRoute', 'books', 'a'),
        object('gateway.networking.k8s.io/v1', 'HTTPRoute', 'books', 'a'),
        object('gateway.networking.k8s.io/v1', 'HTTPRoute', 'books', 'b'),
      ],
    };
    const files = [...layoutFiles([target]).keys()];
    expect(new Set(files).size).toBe(3);
    expect(files).toEqual([
      'demo/03-httproute.policy.linkerd.io_a_books.yaml',
      'demo/03-httproute.gateway.networking.k8s.io_a_books.yaml',
      'demo/03-httproute.gateway.networking.k8s.io_b_books.yaml',
    ]);
  });

  test('file names sort in apply order, as kubectl apply -f <folder> reads them', () => {
    const names = [
      object('apps/v1', 'Deployment', 'authors', 'booksapp'),
      object('policy.linkerd.io/v1beta3', 'Server', 'authors-server', 'booksapp'),
      object('policy.linkerd.io/v1alpha1', 'AuthorizationPolicy', 'authors-get-policy', 'booksapp'),
      object('policy.linkerd.io/v1alpha1', 'MeshTLSAuthentication', 'authors-get-authn', 'booksapp'),
    ].map((o) => fileNameOf(o.manifest));
    expect([...names].sort()).toEqual([names[3], names[2], names[1], names[0]]);
  });

  test('a colliding file is an error naming the construct', () => {
    const twice = object('v1', 'Service', 'web', 'ns');
    expect(() => layoutFiles([{ name: 't', objects: [twice, twice] }]))
      .toThrow('[chart/Service/web] would overwrite t/05-service_ns_web.yaml');
  });
});

test('every file opens a YAML document, so the files of a folder concatenate into one valid stream', () => {
  const files = [...layoutFiles([{ name: 't', objects: [object('v1', 'Service', 'a', 'ns'), object('v1', 'Service', 'b', 'ns')] }]).values()];
  const documents = parseAllDocuments(files.join('')).map((d) => d.toJS());
  expect(documents.map((d) => d.metadata.name)).toEqual(['a', 'b']);
});
