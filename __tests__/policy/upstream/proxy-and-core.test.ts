/**
 * Cases of the matching rules the evaluator shares with Linkerd: identity strings (policy-controller core), the
 * admission webhook's identity validation (policy-controller runtime), and the proxy's authorization and route
 * precedence (linkerd/linkerd2-proxy release/v2.366.0, the proxy of edge-26.8.3). Each names its upstream file and test function.
 */
import { HttpMatch, identityError, identityMatches, InboundRoute, parseIdentityMatch, findRoute, networkContains } from '../../../lib/policy';

describe('linkerd2 policy-controller/core/src/identity_match.rs parse_star', () => {
  test.each([
    ['*', { kind: 'suffix', parts: [] }],
    ['*.example.com', { kind: 'suffix', parts: ['example', 'com'] }],
    ['*.*.example.com', { kind: 'suffix', parts: ['*', 'example', 'com'] }],
    ['x.example.com', { kind: 'exact', identity: 'x.example.com' }],
    ['**.example.com', { kind: 'exact', identity: '**.example.com' }],
    ['foo.*.example.com', { kind: 'exact', identity: 'foo.*.example.com' }],
  ])('%s parses as %j', (text, expected) => {
    expect(parseIdentityMatch(text)).toEqual(expected);
  });
});

describe('linkerd2-proxy linkerd/app/inbound/src/policy.rs tests (is_tls_authorized)', () => {
  const authorized = (identity: string, identities: string[], suffixes: string[]) =>
    [...identities.map((i) => parseIdentityMatch(i)), ...suffixes.map((s) => parseIdentityMatch(`*.${s}`))].some((m) => identityMatches(m, identity));
  test.each([
    ['is_authorized_for_matching_spiffe_ids', 'spiffe://some-root/some-workload', ['spiffe://some-root/some-workload'], [], true],
    ['is_not_authorized_for_non_matching_spiffe_ids', 'spiffe://some-root/some-workload-1', ['spiffe://some-root/some-workload-2'], [], false],
    ['is_authorized_for_matching_dns_ids', 'some.id.local', ['some.id.local'], [], true],
    ['is_not_authorized_for_non_matching_dns_ids', 'some.id.local.one', ['some.id.local.two'], [], false],
    ['is_authorized_for_matching_dns_suffixes_ids', 'some.id.local', [], ['id.local'], true],
    ['is_not_authorized_for_non_matching_suffixes_ids', 'some.id.local', [], ['another-id.local'], false],
    ['is_not_authorized_for_suffixes_and_spiffe_id', 'spiffe://some-root/some-workload-1', [], ['some-workload-1'], false],
    [
      'is_authorized_for_one_matching_spiffe_id',
      'spiffe://some-root/some-workload-1',
      ['spiffe://some-root/some-workload-1', 'some.workload.one', 'some.workload.two'],
      [],
      true,
    ],
    [
      'is_authorized_for_one_matching_dns_id',
      'some.workload.one',
      ['spiffe://some-root/some-workload-1', 'some.workload.one', 'some.workload.two'],
      [],
      true,
    ],
  ])('%s', (_name, identity, identities, suffixes, expected) => {
    expect(authorized(identity as string, identities as string[], suffixes as string[])).toBe(expected);
  });
});

describe('linkerd2 policy-controller/runtime/src/validation.rs tests (admission of identity strings)', () => {
  test.each([
    ['valid_dns', 'system.local', undefined],
    ['valid_dns_all', '*', undefined],
    ['valid_dns_prefix', '*.system.local', undefined],
    ['invalid_dns_suffix', 'system.local.*', 'identity must be'],
    ['invalid_dns_trailing_dot', 'system.local.', 'identity must be'],
    ['invalid_dns_leading_dot', '.system.local', 'identity must be'],
    ['invalid_dns_double_dots', 'system..local', 'identity must be'],
    ['valid_spiffe_no_path', 'spiffe://trustdomain', undefined],
    ['valid_spiffe_with_path', 'spiffe://trustdomain/path/element', undefined],
    ['invalid_spiffe_scheme', 'http://domain.test/path/element', 'identity must be'],
    ['invalid_spiffe_wrong_scheme', 'spiffe:/path/element', 'identity must be'],
    ['invalid_spiffe_empty_trust_domain', 'spiffe:///path/element', 'SPIFFE trust domain is missing'],
    ['invalid_spiffe_no_slashes_in_scheme', 'spiffe:path/element', 'identity must be'],
    ['invalid_spiffe_uri_with_query', 'spiffe://domain.test/path/element?query=', 'SPIFFE path segment characters'],
    ['invalid_spiffe_uri_with_fragment', 'spiffe://domain.test/path/element#fragment-1', 'SPIFFE path segment characters'],
    ['invalid_spiffe_uri_with_str_port', 'spiffe://domain.test:8080/path/element', 'SPIFFE trust domain characters'],
    ['invalid_spiffe_uri_with_user_info', 'spiffe://user:password@test.org/path/element', 'SPIFFE trust domain characters'],
    ['invalid_spiffe_uri_with_trailing_slash', 'spiffe://test.org/', 'SPIFFE path cannot have a trailing slash'],
    ['invalid_spiffe_uri_with_empty_segment', 'spiffe://test.org//', 'SPIFFE path cannot contain empty segments'],
    ['invalid_spiffe_uri_str_with_path_with_trailing_slash', 'spiffe://test.org/path/other/', 'SPIFFE path cannot have a trailing slash'],
    ['invalid_spiffe_uri_str_with_dot_segment', 'spiffe://test.org/./other', 'SPIFFE path cannot contain dot segments'],
    ['invalid_spiffe_uri_str_with_double_dot_segment', 'spiffe://test.org/../other', 'SPIFFE path cannot contain dot segments'],
  ])('%s: %s', (_name, identity, expected) => {
    const error = identityError(identity as string);
    if (expected === undefined) expect(error).toBeUndefined();
    else expect(error).toContain(expected);
  });
});

describe('linkerd2-proxy linkerd/proxy/server-policy/src/authz/network.rs Network::contains', () => {
  test.each([
    [{ cidr: '10.0.0.0/8', except: [] }, '10.1.2.3', true],
    [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }, '10.1.2.3', false],
    [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }, '10.2.0.1', true],
    [{ cidr: '0.0.0.0/0', except: [] }, '::1', false],
    [{ cidr: '::/0', except: [] }, 'fd00::1', true],
    [{ cidr: 'fd00::/8', except: ['fd00:1::/32'] }, 'fd00:1::5', false],
    [{ cidr: '192.0.2.7', except: [] }, '192.0.2.7', true],
  ])('%j contains %s: %s', (network, ip, expected) => {
    expect(networkContains(network, ip as string)).toBe(expected);
  });
});

describe('linkerd2-proxy linkerd/http/route/src/http/tests.rs (route precedence)', () => {
  const route = (name: string, rules: HttpMatch[][], hostnames: string[] = []): InboundRoute<HttpMatch> => ({
    ref: { group: 'policy.linkerd.io', kind: 'HTTPRoute', namespace: 'ns', name },
    hostnames,
    authorizations: [],
    rules: rules.map((matches) => ({ matches, filters: [] })),
  });
  const m = (fields: Partial<HttpMatch>): HttpMatch => ({ headers: [], queryParams: [], ...fields });
  const winner = (routes: InboundRoute<HttpMatch>[], request: { path: string; headers?: Record<string, string>; host?: string }) =>
    findRoute(routes, { method: 'GET', headers: {}, ...request }, 'http')?.route.ref;
  const named = (name: string) => ({ group: 'policy.linkerd.io', kind: 'HTTPRoute', namespace: 'ns', name });

  test('hostname_precedence: the exact hostname beats the wildcard', () => {
    const routes = [
      route('unexpected', [[m({ path: { type: 'Exact', value: '/foo' } })]], ['*.example.com']),
      route('expected', [[m({ path: { type: 'Exact', value: '/foo' } })]], ['foo.example.com']),
    ];
    expect(winner(routes, { path: '/foo', host: 'foo.example.com' })).toEqual(named('expected'));
  });

  test('hostnames are case-sensitive in proxy v2.366.0 (edge-26.8.3); host.rs exact_case_insensitive came later', () => {
    const routes = [route('expected', [[]], ['example.com'])];
    expect(winner(routes, { path: '/', host: 'example.com' })).toEqual(named('expected'));
    expect(winner(routes, { path: '/', host: 'EXAMPLE.com' })).toBeUndefined();
  });

  test('path_length_precedence: the longer path match wins', () => {
    const routes = [
      route('unexpected', [[m({ path: { type: 'PathPrefix', value: '/foo' } })]]),
      route('expected', [[m({ path: { type: 'Exact', value: '/foo/bar' } })]]),
    ];
    expect(winner(routes, { path: '/foo/bar' })).toEqual(named('expected'));
  });

  test('header_count_precedence: more matched headers win', () => {
    const h = (name: string, value: string) => ({ type: 'Exact' as const, name, value });
    const routes = [
      route('unexpected', [[m({ headers: [h('x-foo', 'bar'), h('x-baz', 'qux')] })]]),
      route('expected', [[m({ headers: [h('x-foo', 'bar'), h('x-baz', 'qux'), h('x-biz', 'qyx')] })]]),
    ];
    expect(winner(routes, { path: '/', headers: { 'x-foo': 'bar', 'x-baz': 'qux', 'x-biz': 'qyx' } })).toEqual(named('expected'));
  });

  test('first_identical_wins: of identical rules and routes the first wins', () => {
    const found = findRoute([route('expected', [[], []]), route('redundant', [[]])], { method: 'GET', path: '/', headers: {} }, 'http');
    expect([found?.route.ref, found?.score.rule]).toEqual([named('expected'), 0]);
  });
});

describe('linkerd2-proxy linkerd/http/route/src/http/match/tests.rs', () => {
  const score = (match: HttpMatch, request: { method?: string; path: string; headers?: Record<string, string> }) =>
    findRoute(
      [{ ref: { kind: 'default', name: 'default' }, hostnames: [], authorizations: [], rules: [{ matches: [match], filters: [] }] }],
      { method: 'GET', headers: {}, ...request },
      'http',
    ) !== undefined;
  const m = (fields: Partial<HttpMatch>): HttpMatch => ({ headers: [], queryParams: [], ...fields });
  test('method: a method match refuses other methods', () => {
    expect(score(m({ method: 'GET' }), { path: '/foo' })).toBe(true);
    expect(score(m({ method: 'GET' }), { method: 'POST', path: '/' })).toBe(false);
  });
  test('path: Exact /foo/bar matches only that path', () => {
    expect(score(m({ path: { type: 'Exact', value: '/foo/bar' } }), { path: '/foo' })).toBe(false);
    expect(score(m({ path: { type: 'Exact', value: '/foo/bar' } }), { path: '/foo/bar' })).toBe(true);
  });
  test('headers: every header match must hold, exact or by regular expression', () => {
    const match = m({
      headers: [
        { type: 'Exact', name: 'x-foo', value: 'bar' },
        { type: 'RegularExpression', name: 'x-baz', value: 'qu+x' },
      ],
    });
    expect(score(match, { path: '/foo' })).toBe(false);
    expect(score(match, { path: '/', headers: { 'x-foo': 'bar', 'x-baz': 'zab' } })).toBe(false);
    expect(score(match, { path: '/', headers: { 'x-foo': 'bar', 'x-baz': 'quuuux' } })).toBe(true);
    // Regex must be anchored.
    expect(score(match, { path: '/', headers: { 'x-foo': 'bar', 'x-baz': 'quxa' } })).toBe(false);
  });
  test('multiple: path, header, query parameter and method together; one wrong field invalidates the match', () => {
    const match = m({
      path: { type: 'Exact', value: '/foo/bar' },
      headers: [{ type: 'Exact', name: 'x-foo', value: 'bar' }],
      queryParams: [{ type: 'Exact', name: 'foo', value: 'bar' }],
      method: 'GET',
    });
    expect(score(match, { path: '/foo/bar?foo=bar', headers: { 'x-foo': 'bar' } })).toBe(true);
    expect(score(match, { method: 'HEAD', path: '/foo/bar?foo=bar', headers: { 'x-foo': 'bar' } })).toBe(false);
  });
  test('PathPrefix matches whole segments only (path.rs match_length)', () => {
    expect(score(m({ path: { type: 'PathPrefix', value: '/foo' } }), { path: '/foo/bar' })).toBe(true);
    expect(score(m({ path: { type: 'PathPrefix', value: '/foo' } }), { path: '/foobar' })).toBe(false);
    expect(score(m({ path: { type: 'PathPrefix', value: '/foo/' } }), { path: '/foo' })).toBe(true);
  });
});
