import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { envtestSuite } from '../support/envtest';

const ROOT = path.join(__dirname, '..', '..');

// `npm run validate`'s own command: scripts/validate.ts bundled (scripts/validate.cjs), a fraction of tsx's start-up CPU per run.
function validate(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'validate.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `--server kubeconfig` against the run's envtest server, reached through a generated kubeconfig as a user's cluster
 * would be: the verdicts come back, and the cluster is left exactly as it was (only discovery GETs and dry runs).
 */
envtestSuite('validate --server kubeconfig', (envtest) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-mode-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Other suites share the server and may add their own namespaces meanwhile; this test's all start with the prefix.
  const namespaceNames = async (): Promise<string[]> => {
    const response = await envtest().client.get('/api/v1/namespaces');
    const names = ((response.body as { items: Array<{ metadata: { name: string } }> }).items).map((item) => item.metadata.name);
    return names.filter((name) => name.startsWith('kcm-')).sort();
  };

  test('reports the server\'s verdicts, missing namespaces and CRDs, and creates nothing', async () => {
    const { connection, client } = envtest();
    // Set-up, not part of the run under test: one namespace that exists in the "cluster".
    await client.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kcm-existing' } });
    const kubeconfig = path.join(dir, 'config');
    fs.writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // The current context is unreachable, so the named one below must be the one used.
      'current-context': 'unreachable',
      clusters: [
        { name: 'envtest', cluster: { server: connection.server, 'certificate-authority-data': Buffer.from(connection.ca!).toString('base64') } },
        { name: 'nowhere', cluster: { server: 'https://127.0.0.1:1' } },
      ],
      users: [{ name: 'admin', user: { token: connection.token } }],
      contexts: [
        { name: 'envtest', context: { cluster: 'envtest', user: 'admin' } },
        { name: 'unreachable', context: { cluster: 'nowhere', user: 'admin' } },
      ],
    }));
    const manifests = path.join(dir, 'app');
    fs.mkdirSync(manifests);
    const configMap = (name: string, namespace: string, data: Record<string, string>) => JSON.stringify({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data,
    });
    fs.writeFileSync(path.join(manifests, 'a-valid.yaml'), configMap('settings', 'kcm-existing', { key: 'value' }));
    fs.writeFileSync(path.join(manifests, 'b-missing-namespace.yaml'), configMap('settings', 'kcm-missing', { key: 'value' }));
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'kcm-existing' } };
    fs.writeFileSync(path.join(manifests, 'c-no-crd.yaml'), JSON.stringify(widget));
    fs.writeFileSync(path.join(manifests, 'd-invalid.yaml'), configMap('bad', 'kcm-existing', { 'a b': 'value' }));

    const before = await namespaceNames();
    const env = { ...process.env, KUBECONFIG: kubeconfig, KUBEBUILDER_ASSETS: '' };
    const { code, stdout, stderr } = validate(env, '--server', 'kubeconfig=envtest', manifests);
    expect(stderr).toBe('');
    expect(stdout.trimEnd().split('\n')).toEqual([
      'app b-missing-namespace.yaml#0 core/ConfigMap kcm-missing/settings: [apiserver/NotFound] namespace "kcm-missing" does not exist in '
        + 'context "envtest" (not created: --server kubeconfig only sends dry runs)',
      'app c-no-crd.yaml#0 example.com/Widget kcm-existing/w: [apiserver/NoKindMatch] no matches for kind "Widget" in version "example.com/v1": '
        + 'context "envtest" does not serve it (CRD not installed?)',
      'app d-invalid.yaml#0 core/ConfigMap kcm-existing/bad data[a b]: [apiserver/Invalid] Invalid value: "a b": a valid config key must '
        + 'consist of alphanumeric characters, \'-\', \'_\' or \'.\' (e.g. \'key.name\',  or \'KEY_NAME\',  or \'key-name\', '
        + 'regex used for validation is \'[-._a-zA-Z0-9]+\')',
      '4 objects in 1 target: 3 problems',
    ]);
    expect(code).toBe(1);
    expect(await namespaceNames()).toEqual(before);
    expect(before).toEqual(['kcm-existing']);
    expect((await client.get('/api/v1/namespaces/kcm-existing/configmaps/settings')).status).toBe(404);

    // Without a context the kubeconfig's current one is used: here unreachable, a clear usage error.
    const current = validate(env, '--server', 'kubeconfig', manifests);
    expect(current.code).toBe(2);
    expect(current.stderr).toContain('--server kubeconfig: cannot read the discovery documents of context "unreachable" (https://127.0.0.1:1): ');
    expect(current.stderr).toContain('ECONNREFUSED');
  }, 180_000);
});
