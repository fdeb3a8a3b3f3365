import { ApiObject, App, JsonPatch } from 'cdk8s';
import { BooksappChart } from '../../charts/booksapp';
import {
  diffExitCode, diffRender, formatRenderDiff, formatRenderDiffAs, parseRenderArgs, publishRender, WIDENED_ACCESS_EXIT_CODE,
} from '../../lib/gitops';
import { run, useRepoFixture } from '../support/git-fixture';

const repo = useRepoFixture();

const WIDENED_LINE = '+ booksapp/books → Server booksapp/authors-server route authors-modify-route (Deployment booksapp/authors:7001): '
  + 'DELETE PathPrefix /authors/, PUT PathPrefix /authors/, POST Exact /authors.json [widened]';

/** The booksapp, optionally edited so that books may also modify authors (its identity added to the modify authentication). */
function booksapp(booksMayModify: boolean): (app: App) => void {
  return (app) => {
    const chart = new BooksappChart(app, 'booksapp');
    if (!booksMayModify) return;
    const authn = chart.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.name === 'authors-modify-authn')!;
    authn.addJsonPatch(JsonPatch.add('/spec/identities/0', 'books.booksapp.serviceaccount.identity.linkerd.cluster.local'));
  };
}

test('books may also modify authors: npm run diff reports one widened access line before the object list, and exits 4 when gated', () => {
  publishRender({ repoDir: repo.dir, build: booksapp(false) });
  const diff = diffRender({ repoDir: repo.dir, build: booksapp(true) });

  expect(diff.access.widened).toBe(true);
  expect(diff.access.access).toHaveLength(1);
  expect(diff.access.enforcement).toEqual([]);
  expect(diff.access.traffic).toEqual([]);
  const text = formatRenderDiff(diff).replace(diff.base!.slice(0, 12), '<base>').split('\n');
  expect(text.slice(0, 6)).toEqual([
    'Rendered branch rendered at <base>:',
    '  Access and traffic (from the Linkerd policy evaluator; ACCESS WIDENED):',
    '    booksapp/',
    `      ${WIDENED_LINE}`,
    '  Objects:',
    '  booksapp/',
  ]);
  expect(text).toContain('    ~ policy.linkerd.io/MeshTLSAuthentication booksapp/authors-modify-authn  '
    + '(booksapp/02-meshtlsauthentication.policy.linkerd.io_booksapp_authors-modify-authn.yaml)');

  const json = JSON.parse(formatRenderDiffAs(diff, 'json'));
  expect(json.access).toEqual({ ...diff.access, access: [{ ...diff.access.access[0] }] });
  expect(json.access.access[0]).toMatchObject({ change: 'gained', clients: ['booksapp/books'], route: 'authors-modify-route' });

  const markdown = formatRenderDiffAs(diff, 'markdown');
  expect(markdown).toContain(`- **gained** ${WIDENED_LINE.slice(2)}`);
  expect(markdown.indexOf('### Access and traffic')).toBeLessThan(markdown.indexOf('<details>'));

  expect(diffExitCode(diff, true)).toBe(WIDENED_ACCESS_EXIT_CODE);
  expect(diffExitCode(diff, false)).toBe(1);
});

test('an unchanged render has an empty access diff, and no access section', () => {
  publishRender({ repoDir: repo.dir, build: booksapp(false) });
  const diff = diffRender({ repoDir: repo.dir, build: booksapp(false) });

  expect(diff.access).toEqual({ access: [], enforcement: [], traffic: [], widened: false });
  expect(formatRenderDiff(diff)).not.toContain('Access');
  expect(diffExitCode(diff, true)).toBe(0);
  expect(formatRenderDiffAs(diff, 'markdown')).toContain(': no changes.');
});

test('the render commit message body carries the access summary; a render without access change carries none', () => {
  publishRender({ repoDir: repo.dir, build: booksapp(false) });
  expect(run(repo.dir, 'log', '-1', '--format=%B', 'rendered')).not.toContain('Access');

  publishRender({ repoDir: repo.dir, build: booksapp(true) });
  const message = run(repo.dir, 'log', '-1', '--format=%B', 'rendered').split('\n');
  expect(message.slice(1, 6)).toEqual([
    '', 'Access and traffic (from the Linkerd policy evaluator; ACCESS WIDENED):', '  booksapp/', `    ${WIDENED_LINE}`, '',
  ]);
  expect(message[6]).toMatch(/^Source-Commit: [0-9a-f]{40}$/);
});

test('diff takes --format and --fail-on-widened-access; render does not', () => {
  expect(parseRenderArgs('diff', ['--format', 'markdown', '--fail-on-widened-access']))
    .toMatchObject({ format: 'markdown', failOnWidenedAccess: true });
  expect(parseRenderArgs('diff', ['--format=json'])).toMatchObject({ format: 'json' });
  expect(() => parseRenderArgs('diff', ['--format', 'xml'])).toThrow('--format "xml" is invalid; allowed: text, json, markdown');
  expect(() => parseRenderArgs('render', ['--fail-on-widened-access'])).toThrow('unknown argument "--fail-on-widened-access"');
});
