/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize, Manifest } from '../../lib/output';
import { DEFAULT_CLUSTER_SETTINGS, selectorSelects, serviceAccountIdentity } from '../../lib/policy';
import { reviewReports } from '../../lib/review';
import { buildApp } from '../../main';

/**
 * Every review report as a reviewer sees it: its Mermaid diagrams rendered by the `mermaid` package in headless
 * Chromium (Debian's, driven by puppeteer-core) and its tables laid out at pull-request width. Screenshots go to
 * node_modules/.cache/report-screenshots/ (not committed) so a person can look.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The width GitHub gives a Markdown file's content column in a pull request. */
const PAGE_WIDTH = 890;
const SCREENSHOTS = join(__dirname, '..', '..', 'node_modules', '.cache', 'report-screenshots');
const MERMAID = require.resolve('mermaid/dist/mermaid.min.js');

const { targets } = synthesize(buildApp);
const reports = reviewReports(targets);
const manifestsOf = new Map(targets.map((t) => [`${t.name}.md`, t.objects.map((o) => o.manifest)]));

const browserTests = existsSync(CHROMIUM) ? describe
  : describe.skip.bind(describe) as unknown as typeof describe;
const title = existsSync(CHROMIUM) ? `review reports in ${CHROMIUM}`
  : `SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); review reports in a real browser`;

browserTests(title, () => {

  let browser: any;

  let page: any;
  beforeAll(async () => {
    const puppeteer = await import('puppeteer-core');
    const profile = join(tmpdir(), `report-chromium-${process.pid}-${Date.now()}`);
    browser = await puppeteer.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
    });
    page = await browser.newPage();
    await page.setViewport({ width: PAGE_WIDTH + 40, height: 800 });
    await page.setContent(`<html><body style="margin:20px;font:16px -apple-system,'Segoe UI',sans-serif">
      <style>table{border-collapse:collapse;display:block;width:max-content;max-width:100%;overflow:auto}
      td,th{padding:6px 13px;border:1px solid #d0d7de} code{font:85% monospace;white-space:break-spaces;padding:.2em .4em}</style>
      <div id="page" style="width:${PAGE_WIDTH}px"></div></body></html>`);
    await page.addScriptTag({ path: MERMAID });
    await page.evaluate(() => (window as any).mermaid.initialize({ startOnLoad: false }));
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120000);
  afterAll(async () => {
    await browser?.close();
  });

  test.each([...reports.keys()])('%s: diagrams render without error, overlap or overflow; edges are manifest relations', async (file) => {
    const report = reports.get(file)!;
    const diagrams = [...report.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(report).not.toMatch(/```mermaid\nflowchart \w+\n```/);
    for (const [i, source] of diagrams.entries()) {
      const result = await page.evaluate(async (text: string, id: string) => {
        const root = document.getElementById('page')!;
        try {
          const { svg } = await (window as any).mermaid.render(id, text);
          root.innerHTML = svg;
        } catch (e) {
          return { error: String(e) };
        }
        const element = root.querySelector('svg')!;
        const boxes = Array.from(element.querySelectorAll('foreignObject')).filter((f) => (f.textContent ?? '').trim() !== '')
          .map((f) => {
            const r = (f.querySelector('span, p, div') ?? f).getBoundingClientRect();
            return { text: (f.textContent ?? '').trim(), x: r.left, y: r.top, w: r.width, h: r.height };
          });
        const overlaps: string[] = [];
        for (const [a, p] of boxes.entries()) {
          for (const q of boxes.slice(a + 1)) {
            const dx = Math.min(p.x + p.w, q.x + q.w) - Math.max(p.x, q.x);
            const dy = Math.min(p.y + p.h, q.y + q.h) - Math.max(p.y, q.y);
            if (dx > 1 && dy > 1) overlaps.push(`"${p.text}" / "${q.text}"`);
          }
        }
        return {
          width: element.viewBox.baseVal.width, overlaps, edges: element.querySelectorAll('path.flowchart-link').length,
          errors: element.textContent?.includes('Syntax error') ?? false,
        };
      }, source, `d${i}`);
      const page_ = await page.$('#page');
      await page_.screenshot({ path: join(SCREENSHOTS, `${file.replace(/\.md$/, '')}-${i + 1}.png`) });
      const fits = result.width <= PAGE_WIDTH ? 'fits' : `${Math.ceil(result.width)}px`;
      expect({ diagram: i + 1, error: result.error, syntaxError: result.errors, overlaps: result.overlaps, width: fits })
        .toEqual({ diagram: i + 1, error: undefined, syntaxError: false, overlaps: [], width: 'fits' });
      const edges = edgesOf(source);
      expect(result.edges).toBe(edges.length);
      const manifests = manifestsOf.get(file)!;
      expect(edges.filter((e) => !relationHolds(e.from, e.to, manifests)).map((e) => `${e.from} → ${e.to}`)).toEqual([]);
    }
    // Every table fits the page: no horizontal scroll.
    const tables = tablesOf(report);
    const overflowing = await page.evaluate((html: string[]) => {
      const root = document.getElementById('page')!;
      return html.flatMap((t) => {
        root.innerHTML = t;
        const table = root.querySelector('table')!;
        return table.scrollWidth > table.clientWidth + 1 ? [`${table.querySelector('tr')!.textContent} (${table.scrollWidth}px)`] : [];
      });
    }, tables);
    expect(overflowing).toEqual([]);
  }, 120000);
});

test('the browser test covers every report, and both named scenarios draw what their manifests mean', () => {
  expect(reports.size).toBeGreaterThan(10);
  const podinfo = reports.get('podinfo-dynamic-routing.md')!;
  expect(podinfo).toMatch(/n\d+ -->\|"header x-request-id: alternative"\| (n\d+)\n/);
  const [, toB] = /-->\|"header x-request-id: alternative"\| (n\d+)/.exec(podinfo)!;
  const [, toA] = /-->\|"every other request"\| (n\d+)/.exec(podinfo)!;
  expect(podinfo).toContain(`%% node ${toB} = Service test/backend-b-podinfo`);
  expect(podinfo).toContain(`%% node ${toA} = Service test/backend-a-podinfo`);
  const books = reports.get('booksapp.md')!.split('## Diagram: who may call what')[1].split('## Diagram: traffic')[0];
  const callersOf = (route: string) => {
    const id = new RegExp(`%% node (n\\d+) = HTTPRoute booksapp/${route}\\n`).exec(books)![1];
    return edgesOf(books).filter((e) => e.toId === id).map((e) => e.from);
  };
  const callers = ['authors-get-route', 'authors-modify-route', 'authors-probe-route'].flatMap(callersOf);
  expect(callers).toEqual(expect.arrayContaining(['Deployment booksapp/webapp', 'Deployment booksapp/books', 'kubelet']));
  for (const report of reports.values()) {
    expect(report).not.toMatch(/```mermaid\nflowchart \w+\n```/);
    expect(report).not.toMatch(/subgraph [^\n]*\n\s*end/);
    for (const e of edgesOf(report)) expect(e.fromId).not.toBe(e.toId);
  }
});

/** The edges of Mermaid source, with the objects their nodes stand for (from the `%% node` comments). */
function edgesOf(source: string): { from: string; to: string; fromId: string; toId: string }[] {
  const objects = new Map([...source.matchAll(/%% node (n\d+) = (.*)/g)].map((m) => [m[1], m[2]]));
  return [...source.matchAll(/^\s*(n\d+) (?:-->|-\.->|--x)(?:\|"[^"]*"\|)? (n\d+)$/gm)]
    .map((m) => ({ fromId: m[1], toId: m[2], from: objects.get(m[1]) ?? `?${m[1]}`, to: objects.get(m[2]) ?? `?${m[2]}` }));
}

/** The report's Markdown tables as HTML, code spans kept. */
function tablesOf(report: string): string[] {
  const blocks = report.split('\n\n').map((b) => b.trim()).filter((b) => b.startsWith('| '));
  const cell = (text: string) => text.trim().replace(/\\\|/g, '|').replace(/`([^`]*)`/g, '<code>$1</code>').replace(/\*\*([^*]*)\*\*/g, '<b>$1</b>');
  return blocks.map((block) => {
    const rows = block.split('\n').filter((_, i) => i !== 1).map((line) => line.slice(2, -2).split(/ (?<!\\)\| /));
    const row = (r: string[], i: number) => `<tr>${r.map((c) => (i === 0 ? `<th>${cell(c)}</th>` : `<td>${cell(c)}</td>`)).join('')}</tr>`;
    return `<table>${rows.map(row).join('')}</table>`;
  });
}

type Json = Record<string, any>;

/** Whether the manifests relate `from` to `to` the way an edge says: read from the objects, not from the report's model. */
function relationHolds(from: string, to: string, manifests: readonly Manifest[]): boolean {
  const [fromKind, fromId] = split(from);
  const [toKind, toId] = split(to);
  const find = (kind: string, id: string) =>
    manifests.find((m) => m.kind === kind && `${m.metadata.namespace ?? 'default'}/${m.metadata.name}` === id) as Json;
  const labelsOf = (kind: string, id: string) => {
    const w = find(kind, id);
    return (w?.spec?.template?.metadata?.labels ?? w?.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
  };
  const parents = (route: Json) => (route?.spec?.parentRefs ?? []) as Json[];
  // A Server selects a workload of its namespace whose pod labels its podSelector selects (lib/policy's one selector semantics).
  if (fromKind === 'Server') {
    return toId.split('/')[0] === fromId.split('/')[0] && selectorSelects(find('Server', fromId)?.spec?.podSelector ?? {}, labelsOf(toKind, toId));
  }
  if (/Route$/.test(fromKind) && toKind === 'Server') {
    return parents(find(fromKind, fromId)).some((p) => p.kind === 'Server' && p.name === toId.split('/')[1]);
  }
  if (fromKind === 'Service' && /Route$/.test(toKind)) {
    return parents(find(toKind, toId)).some((p) => (p.kind ?? 'Service') === 'Service' && p.name === fromId.split('/')[1]);
  }
  if (/Route$/.test(fromKind) && toKind === 'Service') {
    return (find(fromKind, fromId)?.spec?.rules ?? []).some((r: Json) => (r.backendRefs ?? []).some((b: Json) => b.name === toId.split('/')[1]));
  }
  if (fromKind === 'Service') {
    const selector = find('Service', fromId)?.spec?.selector ?? {};
    return Object.keys(selector).length > 0 && selectorSelects({ matchLabels: selector }, labelsOf(toKind, toId));
  }
  // A client: some policy targeting the route or Server (or its namespace) admits it.
  const namespace = toId.split('/')[0];
  const server: Json | undefined = toKind === 'Server' ? find('Server', toId) : undefined;
  const accessPolicy = server?.spec?.accessPolicy ?? '';
  if (server && from.startsWith('anyone') && /^(audit|all-unauthenticated|cluster-unauthenticated)$/.test(accessPolicy)) return true;
  if (server && from.startsWith('identity any meshed') && /^(audit|all-|cluster-)/.test(accessPolicy)) return true;
  const hasRoutes = (s: Json) => manifests.some((m) => /Route$/.test(m.kind)
    && parents(m as Json).some((p) => p.kind === 'Server' && p.name === s.metadata.name));
  if (server && (from === 'kubelet' || from.startsWith('anyone')) && !hasRoutes(server)) {
    return true; // a Server without routes: Linkerd's probe route admits the kubelet
  }
  const name = toId.split('/')[1];
  const policies = manifests.filter((m) => m.metadata.namespace === namespace && (
    (m.kind === 'AuthorizationPolicy' && ((m as Json).spec?.targetRef?.kind === 'Namespace' || ((m as Json).spec?.targetRef?.kind === toKind
      && (m as Json).spec?.targetRef?.name === name)))
    || (m.kind === 'ServerAuthorization' && server !== undefined && ((m as Json).spec?.server?.name === name
      || ((m as Json).spec?.server?.selector && selectorSelects((m as Json).spec.server.selector, server.metadata.labels ?? {})))))) as Json[];
  const authns = (p: Json) => (p.spec?.requiredAuthenticationRefs ?? [])
    .map((r: Json) => find(r.kind, `${r.namespace ?? namespace}/${r.name}`)).filter((x: Json) => x);
  const accounts = fromKind === 'ServiceAccount' ? [fromId] : from.split(', ').map((w) => {
    const [kind, id] = split(w);
    const t = find(kind, id);
    return `${id.split('/')[0]}/${(t?.spec?.template?.spec ?? t?.spec?.jobTemplate?.spec?.template?.spec)?.serviceAccountName ?? 'default'}`;
  });
  const identityText = from.startsWith('identity ') ? from.slice('identity '.length) : undefined;
  const admitsAccount = (ids: readonly string[], refs: readonly Json[], sas: readonly Json[]) => accounts.some((account) => {
    const [ns, sa] = account.split('/');
    const identity = serviceAccountIdentity(ns, sa, DEFAULT_CLUSTER_SETTINGS);
    return ids.some((i) => i === identity || i === '*' || (i.startsWith('*.') && identity.endsWith(i.slice(1))))
      || refs.some((r) => (r.kind === 'ServiceAccount' && r.name === sa && (r.namespace ?? namespace) === ns)
        || (r.kind === 'Namespace' && r.name === ns))
      || sas.some((s) => s.name === sa && (s.namespace ?? namespace) === ns);
  });
  return policies.some((p) => {
    if (p.kind === 'ServerAuthorization') {
      const client = p.spec?.client ?? {};
      if (client.unauthenticated) return !identityText || true;
      const ids: string[] = client.meshTLS?.identities ?? [];
      if (identityText) return ids.some((i) => identityText.includes(i.replace(/^\*\./, ''))) || identityText === 'any meshed identity';
      return admitsAccount(ids, [], client.meshTLS?.serviceAccounts ?? []);
    }
    const refs = authns(p);
    if (refs.length === 0 || refs.some((a: Json) => a.kind === 'NetworkAuthentication')) {
      if (!refs.some((a: Json) => a.kind === 'MeshTLSAuthentication')) {
        return !fromKind.match(/^(Deployment|StatefulSet|DaemonSet|Rollout|Job|CronJob|ServiceAccount)$/);
      }
    }
    return refs.filter((a: Json) => a.kind === 'MeshTLSAuthentication').some((a: Json) => {
      const ids: string[] = a.spec?.identities ?? [];
      if (identityText) {
        const namespaceWide = /every ServiceAccount in namespace (\S+)/.exec(identityText)?.[1];
        if (namespaceWide && ids.some((i) => i.startsWith(`*.${namespaceWide}.serviceaccount.`))) return true;
        return ids.some((i) => identityText.includes(i))
          || (a.spec?.identityRefs ?? []).some((r: Json) => identityText.includes(`\`${r.name}\``) || identityText.includes(r.name))
          || (identityText === 'any meshed identity' && ids.includes('*'));
      }
      return admitsAccount(ids, a.spec?.identityRefs ?? [], []);
    });
  });
}

function split(object: string): [string, string] {
  const i = object.indexOf(' ');
  return i < 0 ? [object, ''] : [object.slice(0, i), object.slice(i + 1).split(', ')[0]];
}
