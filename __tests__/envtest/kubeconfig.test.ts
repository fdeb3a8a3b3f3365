import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiClient, kubeconfigFiles, KubeconfigError, loadKubeconfig } from '../../lib/envtest';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const config = (extra: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Config', ...extra });

test('the kubeconfig files are $KUBECONFIG (a path list) or ~/.kube/config', () => {
  expect(kubeconfigFiles({ KUBECONFIG: `/a/config${path.delimiter}/b/config`, HOME: '/home/u' })).toEqual(['/a/config', '/b/config']);
  expect(kubeconfigFiles({ HOME: '/home/u' })).toEqual(['/home/u/.kube/config']);
});

test('the current context resolves to server, CA data and token', () => {
  const file = write('plain', config({
    'current-context': 'dev',
    clusters: [{
      name: 'dev', cluster: { server: 'https://dev.example:6443', 'certificate-authority-data': Buffer.from('CA PEM').toString('base64') },
    }],
    users: [{ name: 'me', user: { token: 'secret-token' } }],
    contexts: [{ name: 'dev', context: { cluster: 'dev', user: 'me', namespace: 'shop' } }],
  }));
  expect(loadKubeconfig(undefined, [file])).toEqual({
    context: 'dev',
    namespace: 'shop',
    files: [file],
    connection: { server: 'https://dev.example:6443', ca: 'CA PEM', token: 'secret-token' },
  });
});

test('file references are relative to the kubeconfig that names them; merged files: the first occurrence wins', () => {
  write('certs/ca.crt', 'CA FROM FILE');
  write('certs/client.crt', 'CLIENT CERT');
  write('certs/client.key', 'CLIENT KEY');
  const first = write('first', config({
    clusters: [{ name: 'prod', cluster: { server: 'https://prod.example', 'certificate-authority': 'certs/ca.crt' } }],
    users: [{ name: 'admin', user: { 'client-certificate': 'certs/client.crt', 'client-key': path.join(dir, 'certs', 'client.key') } }],
    contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'admin' } }],
  }));
  const second = write('second', config({
    'current-context': 'prod',
    clusters: [{ name: 'prod', cluster: { server: 'https://shadowed.example' } }],
  }));
  expect(loadKubeconfig(undefined, [first, second]).connection).toEqual({
    server: 'https://prod.example', ca: 'CA FROM FILE', clientCertificate: 'CLIENT CERT', clientKey: 'CLIENT KEY',
  });
});

test('an exec credential plugin is run and its token used', () => {
  const credential = '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-\'"$TOKEN_SUFFIX"\'"}}';
  const plugin = write('plugin.sh', `#!/bin/sh\necho '${credential}'\n`);
  fs.chmodSync(plugin, 0o755);
  const file = write('exec', config({
    'current-context': 'eks',
    clusters: [{ name: 'eks', cluster: { server: 'https://eks.example' } }],
    users: [{
      name: 'aws',
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, env: [{ name: 'TOKEN_SUFFIX', value: 'plugin' }] } },
    }],
    contexts: [{ name: 'eks', context: { cluster: 'eks', user: 'aws' } }],
  }));
  expect(loadKubeconfig(undefined, [file]).connection).toEqual({ server: 'https://eks.example', token: 'from-plugin' });
});

test('unusable kubeconfigs fail with what is missing', () => {
  const file = write('broken', config({
    clusters: [{ name: 'c', cluster: { server: 'https://c.example' } }],
    users: [{ name: 'u', user: { 'auth-provider': { name: 'gcp' } } }],
    contexts: [{ name: 'a', context: { cluster: 'c', user: 'u' } }, { name: 'b', context: { cluster: 'missing' } }],
  }));
  expect(() => loadKubeconfig(undefined, [file])).toThrow(`kubeconfig ${file} has no current-context; name one: --server kubeconfig=<context>`);
  expect(() => loadKubeconfig('nope', [file])).toThrow(`kubeconfig ${file} has no context "nope"; allowed: a, b`);
  expect(() => loadKubeconfig('b', [file])).toThrow(`context "b" names cluster "missing", which ${file} does not define`);
  expect(() => loadKubeconfig('a', [file])).toThrow(/user "u" uses an auth-provider plugin, which --server kubeconfig does not support/);
  expect(() => loadKubeconfig('a', [path.join(dir, 'absent')])).toThrow(KubeconfigError);
});

test('a read-only connection refuses anything but GETs and dry runs before sending it', async () => {
  const client = new ApiClient({ server: 'https://127.0.0.1:1', readOnly: true });
  try {
    await expect(client.post('/api/v1/namespaces', { metadata: { name: 'x' } })).rejects.toThrow(
      'refused POST /api/v1/namespaces: this connection only sends GETs and dry runs');
    await expect(client.request('DELETE', '/api/v1/namespaces/x?dryRun=None')).rejects.toThrow('refused DELETE');
    // A dry run is let through (and here fails only because nothing listens on port 1).
    await expect(client.post('/api/v1/namespaces?dryRun=All', {})).rejects.toThrow(/ECONNREFUSED/);
  } finally {
    client.close();
  }
});
