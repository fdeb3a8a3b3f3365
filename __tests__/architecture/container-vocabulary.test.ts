import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Raw workload classes of cdk8s-plus' `k8s` namespace: their containers would bypass cdk8s-plus' defaults and port words. */
const RAW_WORKLOAD = /\bk8s\.Kube(Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob|Pod|PodTemplate)\b/;

/** The construct libraries (ARCHITECTURE.md's layers 3–4), whose props users write. */
const CONSTRUCT_AREAS = /^lib\/(mesh|delivery|platform|gitops)\//;

function sourcesUnder(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.posix.join(dir, f));
}

/**
 * One container vocabulary, cdk8s-plus': charts and lib/ build workloads with cdk8s-plus (or the library's constructs on it),
 * charts never spell a port `containerPort`, and no prop of the construct libraries is named so (cdk8s-plus says
 * `ports: [{ number }]`, and `targetPort` for the port a Service sends to). The areas that read rendered objects (policy,
 * review, validation) model them in Kubernetes' own words, `containerPort` included.
 */
function containerVocabularyProblems(root: string): string[] {
  const problems: string[] = [];
  for (const file of [...sourcesUnder(root, 'charts'), ...sourcesUnder(root, 'lib')]) {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const where = `${file}:${i + 1}`;
      const code = line.replace(/\/\/.*$/, '');
      const raw = RAW_WORKLOAD.exec(code);
      if (raw) problems.push(`${where} uses ${raw[0]}; build workloads with cdk8s-plus (MeshedDeployment, Deployment, ...)`);
      if (file.startsWith('charts/') && /\bcontainerPort\b/.test(code)) {
        problems.push(`${where} spells a port containerPort; use cdk8s-plus' ports: [{ number }] (or targetPort on a Service)`);
      }
      if (CONSTRUCT_AREAS.test(file) && /\breadonly containerPort\??:/.test(code)) {
        problems.push(`${where} names a prop containerPort; use cdk8s-plus' words (targetPort, ports: [{ number }])`);
      }
    });
  }
  return problems;
}

test('charts and lib/ speak cdk8s-plus\' container vocabulary: no raw k8s workloads, no containerPort in charts or props', () => {
  expect(sourcesUnder(ROOT, 'charts').length).toBeGreaterThan(5);
  expect(containerVocabularyProblems(ROOT)).toEqual([]);
});

test('the vocabulary check fails on deliberate violations, and not on models of rendered objects', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vocabulary-'));
  try {
    fs.mkdirSync(path.join(root, 'charts'));
    fs.mkdirSync(path.join(root, 'lib', 'delivery'), { recursive: true });
    fs.mkdirSync(path.join(root, 'lib', 'review'), { recursive: true });
    fs.writeFileSync(path.join(root, 'charts', 'raw.ts'), [
      "new k8s.KubeDeployment(this, 'web', { spec: { template: { spec: { containers: [{ ports: [{ containerPort: 80 }] }] } } } });",
      '// k8s.KubeDeployment in a comment is no violation',
    ].join('\n'));
    fs.writeFileSync(path.join(root, 'lib', 'delivery', 'props.ts'), [
      'export interface Props { readonly containerPort?: number }',
      'const read = (p: { containerPort: number }) => p.containerPort;',
    ].join('\n'));
    fs.writeFileSync(path.join(root, 'lib', 'review', 'model.ts'), 'export interface RenderedPort { readonly containerPort: number }\n');
    expect(containerVocabularyProblems(root)).toEqual([
      'charts/raw.ts:1 uses k8s.KubeDeployment; build workloads with cdk8s-plus (MeshedDeployment, Deployment, ...)',
      'charts/raw.ts:1 spells a port containerPort; use cdk8s-plus\' ports: [{ number }] (or targetPort on a Service)',
      'lib/delivery/props.ts:1 names a prop containerPort; use cdk8s-plus\' words (targetPort, ports: [{ number }])',
    ]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
