/**
 * Large targets are validated in parts (lib/validation/validate-files.ts): namespaces that mention each other, with
 * the cluster-scoped objects as context. The problems must be exactly those of the whole target, in the same order:
 * checked here on every corpus file and folder of __tests__/validation and every folder of dist/, with parts forced.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { explainYaml11Readings, loadManifestFiles, validateManifestFiles, validateTargets } from '../../lib/validation';

const ROOT = path.join(__dirname, '..', '..');
const CORPUS = path.join(__dirname);

function corpusPaths(): { files: string[]; directories: string[] } {
  const entries = fs.readdirSync(CORPUS, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => path.join(e.parentPath, e.name)).sort();
  const directories = [...new Set(files.map((file) => path.dirname(file)))].sort();
  const dist = fs.readdirSync(path.join(ROOT, 'dist'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(ROOT, 'dist', e.name));
  return { files, directories: [...directories, ...dist] };
}

/** What `npm run validate` printed before targets could be validated in parts: read everything, then validateTargets. */
function wholeTargets(paths: readonly string[]) {
  const loaded = loadManifestFiles(paths);
  return explainYaml11Readings([...loaded.problems, ...validateTargets(loaded.targets)], loaded.yaml11Readings);
}

const { files, directories } = corpusPaths();

test('the corpus is there, with problems to compare', () => {
  expect(files.length).toBeGreaterThan(500);
  expect(directories.length).toBeGreaterThan(20);
  expect(validateManifestFiles(directories, { partsAboveBytes: 0 }).problems.length).toBeGreaterThan(500);
});

test.each([['every corpus folder as one target', directories], ['every corpus file as its own target', files]])(
  '%s: in parts, the same problems in the same order as whole',
  (_, paths) => {
    const inParts = validateManifestFiles(paths, { partsAboveBytes: 0 });
    const whole = validateManifestFiles(paths, { partsAboveBytes: Infinity });
    expect(inParts).toEqual(whole);
    expect(whole.problems).toEqual(wholeTargets(paths));
  },
);

describe('references across namespaces and to cluster-scoped objects hold in parts', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-parts-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const server = (namespace: string) => `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: web, namespace: ${namespace}}
spec: {podSelector: {matchLabels: {app: web}}, port: 8080}
`;
  const route = (namespace: string, parentNamespace: string) => `apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata: {name: web, namespace: ${namespace}}
spec: {parentRefs: [{group: policy.linkerd.io, kind: Server, name: web, namespace: ${parentNamespace}}]}
`;
  const binding = (namespace: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read, namespace: ${namespace}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: ServiceAccount, name: web, namespace: other-${namespace}}]
`;
  const clusterRole = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: []\n';

  test.each([
    ['a route whose parent Server is in another namespace, later in the file', [route('a', 'b'), server('c'), server('b')]],
    ['a route whose parent Server is missing from the other namespace', [route('a', 'b'), server('c'), server('a')]],
    ['bindings to a ClusterRole written last', [binding('a'), binding('b'), clusterRole]],
  ])('%s', (_, documents) => {
    const file = path.join(dir, `case-${documents.length}-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, documents.join('---\n'));
    const inParts = validateManifestFiles([file], { partsAboveBytes: 0 });
    expect(inParts).toEqual(validateManifestFiles([file], { partsAboveBytes: Infinity }));
    expect(inParts.objects).toBe(documents.length);
  });
});
