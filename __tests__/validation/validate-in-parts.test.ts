/**
 * Large targets are validated in parts (lib/validation/validate-files.ts): namespaces that mention each other, with
 * the cluster-scoped objects as context. The problems must be exactly those of the whole target, in the same order:
 * checked here on every corpus file and folder of __tests__/validation and every folder of dist/, with parts forced.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { explainYaml11Readings, loadManifestFiles, PartsReport, validateManifestFiles, validateTargets } from '../../lib/validation';

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

/** The corpus validated in parts, once per list of paths: the first two tests read the same result. */
const inPartsResults = new Map<readonly string[], ReturnType<typeof validateManifestFiles>>();
function corpusInParts(paths: readonly string[]): ReturnType<typeof validateManifestFiles> {
  let result = inPartsResults.get(paths);
  if (result === undefined) inPartsResults.set(paths, result = validateManifestFiles(paths, { partsAboveBytes: 0 }));
  return result;
}

test('the corpus is there, with problems to compare', () => {
  expect(files.length).toBeGreaterThan(500);
  expect(directories.length).toBeGreaterThan(20);
  expect(corpusInParts(directories).problems.length).toBeGreaterThan(500);
});

test.each([['every corpus folder as one target', directories], ['every corpus file as its own target', files]])(
  '%s: in parts, the same problems in the same order as whole',
  (_, paths) => {
    const inParts = corpusInParts(paths);
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

describe('complete parts checked together in batches: the same problems as whole', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-batches-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, annotations: {linkerd.io/inject: enabled}}\n`;
  const service = (ns: string) => `apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
`;
  const route = (ns: string, parentNamespace: string) => `apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata: {name: web, namespace: ${ns}}
spec: {parentRefs: [{group: policy.linkerd.io, kind: Server, name: web, namespace: ${parentNamespace}}]}
`;
  const server = (ns: string) => `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: web, namespace: ${ns}}
spec: {podSelector: {matchLabels: {app: web}}, port: 8080}
`;
  const binding = (ns: string, role: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read, namespace: ${ns}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role}}
subjects: [{kind: ServiceAccount, name: web, namespace: ${ns}}]
`;
  const namespacePolicy = (ns: string, target: string) => `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: all, namespace: ${ns}}
spec: {targetRef: {kind: Namespace, name: ${target}}, requiredAuthenticationRefs: []}
`;
  const rolloutWithClusterTemplate = (ns: string, template: string) => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: "web:1"}]}}
  strategy: {canary: {analysis: {templates: [{templateName: ${template}, clusterScope: true}]}}}
`;
  const clusterRole = (name: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: ${name}}\nrules: []\n`;
  const clusterTemplate = (name: string) => `apiVersion: argoproj.io/v1alpha1
kind: ClusterAnalysisTemplate
metadata: {name: ${name}}
spec: {metrics: [{name: ok, provider: {job: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: "c:1"}]}}}}}}]}
`;
  const withoutNamespace = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {a: b}\n';
  const names = Array.from({ length: 12 }, (_, i) => `team-${String.fromCharCode(97 + i)}`);
  // Namespaces interleaved (each one's objects spread over the file), a route into the next namespace, a ClusterRole
  // bound from every part, references to missing cluster-scoped objects (their hints list the whole target's names),
  // an object without a namespace, and problems in many parts.
  const interleaved = [
    clusterRole('reader'),
    ...names.map((ns) => namespace(ns)),
    ...names.map((ns, i) => route(ns, names[(i + 1) % names.length])),
    withoutNamespace,
    ...names.map((ns) => service(ns)),
    ...names.map((ns, i) => binding(ns, i % 3 === 0 ? 'missing-role' : 'reader')),
    ...names.filter((_, i) => i % 2 === 0).map((ns) => server(ns)),
    namespacePolicy(names[0], 'nowhere'),
    rolloutWithClusterTemplate(names[5], 'nope'),
    clusterTemplate('smoke'),
    clusterTemplate('load'),
  ];

  const cases: [string, string[]][] = [
    ['namespaces interleaved, references across them and to cluster-scoped objects', interleaved],
    ['namespaces one after another', names.flatMap((ns, i) => [namespace(ns), service(ns), server(ns), binding(ns, 'reader'),
      route(ns, i % 4 === 0 ? ns : 'elsewhere')]).concat([clusterRole('reader'), namespacePolicy(names[3], 'missing')])],
  ];
  test.each(cases)('%s: every batch size, with and without the spill file', (_, documents) => {
    const file = path.join(dir, `${documents.length}.yaml`);
    fs.writeFileSync(file, documents.join('---\n'));
    const whole = validateManifestFiles([file], { partsAboveBytes: Infinity });
    expect(whole.objects).toBe(documents.length);
    expect(whole.problems.length).toBeGreaterThan(5);
    expect(whole.problems.map((p) => p.message).join('\n')).toMatch(/allowed: team-a, team-b, .*team-l/);
    for (const partsBatchObjects of [1, 4, 10, 1000]) {
      for (const spillDirectory of [dir, path.join(dir, 'no-such-folder')]) {
        const reports: PartsReport[] = [];
        const inParts = validateManifestFiles([file], { partsAboveBytes: 0, partsBatchObjects, spillDirectory, partsReport: (r) => reports.push(r) });
        expect(inParts).toEqual(whole);
        expect(reports).toHaveLength(1);
        expect(reports[0].spilled).toBe(spillDirectory === dir);
        if (partsBatchObjects === 1) expect(reports[0].batches).toBe(reports[0].parts);
        if (partsBatchObjects === 1000) expect(reports[0].batches).toBe(1);
      }
    }
    expect(fs.readdirSync(dir).filter((name) => !name.endsWith('.yaml'))).toEqual([]); // the spill is gone
  });

  test('a document longer than a chunk of the spill, and a name that JSON escapes', () => {
    const file = path.join(dir, 'long-and-escaped.yaml');
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: team-a}\ndata: {blob: "${'x'.repeat(3 * 2 ** 20)}"}\n`;
    const documents = [big, rolloutWithClusterTemplate('team-b', '"\\\\bc"'), clusterTemplate('"\\\\bc"'), service('team-b'),
      rolloutWithClusterTemplate('team-c', '"b\\\\c"')];
    fs.writeFileSync(file, documents.join('---\n'));
    const whole = validateManifestFiles([file], { partsAboveBytes: Infinity });
    expect(whole.objects).toBe(5);
    // The Rollout of team-b finds the template named \bc; the one of team-c does not find b\c, and its hint names \bc.
    expect(whole.problems.filter((p) => p.rule === 'ref/rollout-analysis').map((p) => p.object)).toEqual(['argoproj.io/Rollout team-c/web']);
    expect(whole.problems.find((p) => p.rule === 'ref/rollout-analysis')?.message).toMatch(/allowed: \\bc$/);
    expect(validateManifestFiles([file], { partsAboveBytes: 0, partsBatchObjects: 1 })).toEqual(whole);
  });

  test('a file of independent namespaces holds one batch and one part at a time, not the file', () => {
    const file = path.join(dir, 'independent.yaml');
    const namespaces = Array.from({ length: 60 }, (_, i) => `ns-${i}`);
    fs.writeFileSync(file, namespaces.flatMap((ns) => [namespace(ns), service(ns), server(ns), binding(ns, 'reader')]).join('---\n'));
    const reports: PartsReport[] = [];
    const inParts = validateManifestFiles([file], { partsAboveBytes: 0, partsBatchObjects: 10, partsReport: (r) => reports.push(r) });
    expect(inParts).toEqual(validateManifestFiles([file], { partsAboveBytes: Infinity }));
    expect(inParts.objects).toBe(240);
    expect(reports[0]).toMatchObject({ parts: 60, keptWhole: 0, spilled: true });
    // A batch closes at 10 objects or more (3 parts of 4), and the next part is being read: at most 12 + 4.
    expect(reports[0].mostObjectsHeld).toBeLessThanOrEqual(16);
    expect(reports[0].batches).toBe(20);
  });

  test('a file of a directory target that turns out unreadable drops what it gave, from the spill too', () => {
    const folder = path.join(dir, 'with-binary');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'a.yaml'), [namespace('first'), service('first')].join('---\n'));
    fs.writeFileSync(path.join(folder, 'b.yaml'), Buffer.concat([Buffer.from(`${service('second')}---\n${server('second')}---\n`),
      Buffer.from([0xff, 0xfe, 0x00, 0x01])]));
    fs.writeFileSync(path.join(folder, 'c.yaml'), [service('third'), route('third', 'second')].join('---\n'));
    const whole = validateManifestFiles([folder], { partsAboveBytes: Infinity });
    expect(whole.objects).toBe(4);
    expect(whole.problems.some((p) => p.source === 'b.yaml' && p.rule === 'yaml/parse')).toBe(true);
    for (const spillDirectory of [dir, path.join(dir, 'no-such-folder')]) {
      expect(validateManifestFiles([folder], { partsAboveBytes: 0, partsBatchObjects: 1, spillDirectory })).toEqual(whole);
    }
  });
});
