import { App, Chart, Duration, Testing } from 'cdk8s';
import { LinkerdIdentityChart } from '../../charts/linkerd-identity';
import { PLATFORM_RELEASES, PlatformChart, PlatformChartProps } from '../../charts/platform';
import { SYNC_WAVE_ANNOTATION } from '../../lib/output';
import { LinkerdIdentity, PlatformApplication, PlatformSource, linkerdControlPlaneHelmValues } from '../../lib/platform';
import { validatedSynth } from '../support/validated-synth';

const REPO = 'https://github.com/example-org/mesh.git';

interface ApplicationJson {
  kind: string;
  metadata: { name: string; annotations: Record<string, string> };
  spec: {
    project: string;
    destination: { namespace: string; server: string };
    source: { repoURL: string; targetRevision: string; chart?: string; path?: string; helm?: { valuesObject?: Record<string, any> } };
  };
}

function platform(props: Partial<PlatformChartProps> = {}): ApplicationJson[] {
  const app = Testing.app();
  const identityChart = new LinkerdIdentityChart(app, 'linkerd-identity');
  const chart = new PlatformChart(app, 'platform', { repoUrl: REPO, identityChart, ...props });
  return validatedSynth(chart) as unknown as ApplicationJson[];
}

function application(manifests: ApplicationJson[], name: string): ApplicationJson {
  const found = manifests.find((m) => m.kind === 'Application' && m.metadata.name === name);
  if (found === undefined) throw new Error(`no Application ${name}`);
  return found;
}

const wave = (a: ApplicationJson) => Number(a.metadata.annotations[SYNC_WAVE_ANNOTATION]);

describe('PlatformChart', () => {
  test('every component is an Application of a pinned release in the platform project', () => {
    const manifests = platform();
    const apps = manifests.filter((m) => m.kind === 'Application');
    expect(apps.map((a) => a.metadata.name).sort()).toEqual([
      'argo-rollouts', 'cert-manager', 'gateway-api-crds', 'linkerd-control-plane', 'linkerd-crds', 'linkerd-identity', 'linkerd-viz',
      'trust-manager',
    ]);
    for (const a of apps) {
      expect(a.spec.project).toBe('platform');
      expect(a.spec.source.targetRevision).toMatch(/^(v?\d+\.\d+\.\d+|rendered)$/);
    }
    expect(application(manifests, 'linkerd-crds').spec.source).toMatchObject({
      repoURL: 'https://helm.linkerd.io/edge', chart: 'linkerd-crds', targetRevision: PLATFORM_RELEASES.linkerd,
      helm: { valuesObject: { installGatewayAPI: false } },
    });
    expect(application(manifests, 'gateway-api-crds').spec.source).toEqual({
      repoURL: 'https://github.com/kubernetes-sigs/gateway-api.git', targetRevision: 'v1.1.1', path: 'config/crd/experimental',
    });
    // The plugin registration (argo-rollouts-config) has one owner: the argo-rollouts-platform target.
    expect(application(manifests, 'argo-rollouts').spec.source.helm?.valuesObject?.controller.createConfigmap).toBe(false);
    expect(application(manifests, 'linkerd-identity').spec.source).toEqual({ repoURL: REPO, targetRevision: 'rendered', path: 'linkerd-identity' });
  });

  test('sync waves: CRDs and cert-manager, then trust-manager, identity, control plane, extensions', () => {
    const manifests = platform({ flagger: {} });
    const order = ['linkerd-crds', 'trust-manager', 'linkerd-identity', 'linkerd-control-plane', 'linkerd-viz']
      .map((n) => wave(application(manifests, n)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(order.length);
    for (const crds of ['gateway-api-crds', 'cert-manager', 'argo-rollouts']) expect(wave(application(manifests, crds))).toBe(order[0]);
    expect(wave(application(manifests, 'flagger'))).toBeGreaterThan(wave(application(manifests, 'linkerd-crds')));
    expect(application(manifests, 'flagger').spec.source).toMatchObject({ repoURL: 'https://flagger.app', targetRevision: '1.44.0' });
  });

  test('the control plane takes its identity from outside the chart: externalCA, kubernetes.io/tls issuer, no keys in values', () => {
    const values = application(platform(), 'linkerd-control-plane').spec.source.helm!.valuesObject!;
    expect(values).toEqual({ controllerReplicas: 1, identity: { externalCA: true, issuer: { scheme: 'kubernetes.io/tls' } } });
    expect(JSON.stringify(values)).not.toMatch(/identityTrustAnchorsPEM|tls\.key|crtPEM|keyPEM/);
  });

  test('HA values: the chart\'s HA profile with 3 replicas', () => {
    const manifests = platform({ linkerdControlPlane: { highAvailability: true } });
    const values = application(manifests, 'linkerd-control-plane').spec.source.helm!.valuesObject!;
    expect(values).toMatchObject({
      controllerReplicas: 3, highAvailability: true, enablePodAntiAffinity: true, enablePodDisruptionBudget: true, webhookFailurePolicy: 'Fail',
    });
  });

  test('the platform project lists exact repositories and namespaces, no wildcards', () => {
    const project = (platform() as unknown as Array<{ kind: string; spec: any }>).find((m) => m.kind === 'AppProject')!;
    expect(project.spec.sourceRepos).toEqual([
      'https://argoproj.github.io/argo-helm', 'https://charts.jetstack.io', REPO, 'https://github.com/kubernetes-sigs/gateway-api.git',
      'https://helm.linkerd.io/edge',
    ].sort());
    expect(project.spec.destinations.map((d: any) => d.namespace))
      .toEqual(['gateway-system', 'cert-manager', 'linkerd', 'linkerd-viz', 'argo-rollouts']);
    expect(JSON.stringify(project.spec)).not.toMatch(/\*/);
  });

  test.each([
    [{ linkerdControlPlane: { highAvailability: true, controllerReplicas: 2 } },
      '[platform/linkerd-control-plane] controllerReplicas with highAvailability 2 is invalid; allowed: at least 3 (a quorum survives one node)'],
    [{ linkerdControlPlane: { controllerReplicas: 0 } },
      '[platform/linkerd-control-plane] controllerReplicas 0 is invalid; allowed: integers 1..100'],
    [{ linkerdControlPlane: { replicas: 3 } as never },
      '[platform/linkerd-control-plane] values key "replicas" is invalid; '
        + 'allowed: highAvailability, controllerReplicas, logLevel, clusterDomain, issuanceLifetime'],
    [{ linkerdViz: { replicas: 0 } }, '[platform/linkerd-viz] replicas 0 is invalid; allowed: integers 1..100'],
    [{ argoRollouts: { replica: 2 } as never }, '[platform/argo-rollouts] values key "replica" is invalid; allowed: replicas'],
  ])('invalid values are refused at synth time: %j', (props, message) => {
    expect(() => platform(props as Partial<PlatformChartProps>)).toThrow(message);
  });

  test('linkerdControlPlaneHelmValues renders the issuance lifetime and log level it is given', () => {
    expect(linkerdControlPlaneHelmValues('p', { logLevel: 'debug', issuanceLifetime: Duration.hours(12) })).toMatchObject({
      controllerLogLevel: 'debug', identity: { issuer: { issuanceLifetime: '43200s' } },
    });
  });
});

describe('PlatformApplication', () => {
  const make = (source: PlatformSource, syncWave = 10) => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'argocd' });
    new PlatformApplication(chart, 'a', { metadata: { name: 'a' }, project: 'platform', namespace: 'a', syncWave, source });
    return chart;
  };
  test.each([
    [PlatformSource.helmChart({ repoUrl: 'https://charts.example.org', chart: 'x', version: '^1.2.0' }),
      '[c/a] chart version "^1.2.0" is invalid; allowed: an exact release such as 1.2.3 or v1.2.3 (no ranges, branches or "latest")'],
    [PlatformSource.gitTag({ repoUrl: 'https://github.com/x/y.git', tag: 'main', path: 'crds' }),
      '[c/a] tag "main" is invalid; allowed: an exact release such as 1.2.3 or v1.2.3 (no ranges, branches or "latest")'],
    [PlatformSource.helmChart({ repoUrl: 'http://charts.example.org', chart: 'x', version: '1.2.0' }),
      '[c/a] repoUrl "http://charts.example.org" is invalid; allowed: an https:// URL without wildcards'],
    [PlatformSource.gitTag({ repoUrl: 'https://github.com/x/y.git', tag: 'v1.0.0', path: '../secrets' }),
      '[c/a] path "../secrets" is invalid; allowed: a relative folder without ".."'],
  ])('refuses an unpinned or unsafe source (%#)', (source, message) => {
    expect(() => make(source)).toThrow(message);
  });
  test('refuses a sync wave outside 0..99', () => {
    expect(() => make(PlatformSource.helmChart({ repoUrl: 'https://c.example.org', chart: 'x', version: '1.0.0' }), 100))
      .toThrow('[c/a] syncWave 100 is invalid; allowed: integers 0..99');
  });
});

describe('LinkerdIdentity', () => {
  test('a CA Issuer from the trust anchor Secret, the issuer Certificate and the trust-roots Bundle, as Linkerd documents them', () => {
    const chart = new LinkerdIdentityChart(new App(), 'linkerd-identity');
    const manifests = validatedSynth(chart) as unknown as Array<{ kind: string; metadata: { name: string; namespace?: string }; spec: any }>;
    expect(manifests.map((m) => `${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`).sort()).toEqual([
      'Bundle /linkerd-identity-trust-roots', 'Certificate linkerd/linkerd-identity-issuer', 'Issuer linkerd/linkerd-trust-anchor',
    ]);
    const byKind = Object.fromEntries(manifests.map((m) => [m.kind, m]));
    expect(byKind.Issuer.spec).toEqual({ ca: { secretName: 'linkerd-trust-anchor' } });
    expect(byKind.Certificate.spec).toMatchObject({
      secretName: LinkerdIdentity.ISSUER_SECRET_NAME, isCA: true, duration: '48h', renewBefore: '25h', privateKey: { algorithm: 'ECDSA' },
      commonName: 'identity.linkerd.cluster.local', issuerRef: { kind: 'Issuer', name: 'linkerd-trust-anchor' },
    });
    expect(byKind.Bundle.spec.sources).toEqual([{ secret: { name: 'linkerd-trust-anchor', key: 'ca.crt' } }]);
    // Only references: no Secret object, no key material.
    expect(JSON.stringify(manifests)).not.toMatch(/BEGIN|tls\.key|"data"|stringData/);
  });

  test('refuses a renewal window that is not inside the lifetime', () => {
    expect(() => new LinkerdIdentityChart(new App(), 'i', { issuerLifetime: Duration.hours(24), issuerRenewBefore: Duration.hours(24) }))
      .toThrow('[i/Identity] issuerRenewBefore 86400000ms is invalid; allowed: whole seconds, more than 0 and less than issuerLifetime');
  });
});
