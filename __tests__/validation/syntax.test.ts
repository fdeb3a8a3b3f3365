import { isOpenApiDuration, parseGatewayDuration, parseGoDuration } from '../../lib/validation/syntax/durations';
import { isCidr } from '../../lib/validation/syntax/ip';
import {
  configMapKeyError, dns1035LabelError, dns1123SubdomainError, envVarNameError, ianaServiceNameError, labelValueError, pathSegmentNameError,
  qualifiedNameError,
  wildcardDns1123SubdomainError,
} from '../../lib/validation/syntax/names';
import { compareQuantities, isQuantity, isWholeQuantity, parseQuantity } from '../../lib/validation/syntax/quantity';
import { re2Error } from '../../lib/validation/syntax/re2';

test.each([
  ['0', 0], ['1h30m', 5_400_000], ['250ms', 250], ['1.5s', 1500], ['-2m', -120_000], ['10', undefined], ['1d', undefined], ['', undefined],
])('Go duration %p', (text, ms) => expect(parseGoDuration(text)).toBe(ms));

test.each([
  ['10s', 10_000], ['1h30m', 5_400_000], ['0s', 0], ['1.5s', undefined], ['123456s', undefined], ['1h1m1s1ms1s', undefined],
])('Gateway API duration %p', (text, ms) => expect(parseGatewayDuration(text)).toBe(ms));

test.each([['100m', true], ['1.5Gi', true], ['1e3', true], ['128Mi', true], ['-1', true], ['1GB', false], ['Mi', false], ['', false]])(
  'quantity %p', (text, valid) => expect(isQuantity(text)).toBe(valid),
);

test.each([
  ['^/books/[0-9]+$', undefined], ['(?P<id>[0-9]+)', undefined], ['(?i)books', undefined], ['a\\\\1', undefined],
  ['(?=a)', 'lookaround'], ['(?<!a)b', 'lookaround'], ['(a)\\1', 'backreferences'], ['(?>a)', 'atomic'], ['a++', 'possessive'],
    ['[a-', 'does not compile'],
])('RE2 %p', (pattern, error) => {
  const result = re2Error(pattern);
  if (error === undefined) expect(result).toBeUndefined();
  else expect(result).toContain(error);
});

test('name syntaxes', () => {
  expect(dns1123SubdomainError('a.b-c')).toBeUndefined();
  expect(dns1123SubdomainError('A')).toContain('DNS-1123 subdomain');
  expect(dns1035LabelError('9lives')).toContain('starting with a letter');
  expect(qualifiedNameError('app.kubernetes.io/name')).toBeUndefined();
  expect(qualifiedNameError('Example.com/x')).toContain('prefix');
  expect(labelValueError('')).toBeUndefined();
  expect(labelValueError('a b')).toContain('invalid');
  expect(ianaServiceNameError('http')).toBeUndefined();
  expect(ianaServiceNameError('a--b')).toContain('doubling');
  expect(ianaServiceNameError('-ab')).toContain('invalid');
});

test.each([
  ['1500m', '1.2', 1], ['1Gi', '1024Mi', 0], ['1G', '953Mi', 1], ['0.1', '100m', 0], ['1e3', '1k', 0], ['128Mi', '1Gi', -1], [2, '1', 1],
])('quantity %p compared with %p', (a, b, sign) => {
  const [qa, qb] = [parseQuantity(a), parseQuantity(b)];
  expect(qa && qb && compareQuantities(qa, qb)).toBe(sign);
});

test('whole and negative quantities', () => {
  expect(isWholeQuantity(parseQuantity('2')!)).toBe(true);
  expect(isWholeQuantity(parseQuantity('500m')!)).toBe(false);
  expect(isWholeQuantity(parseQuantity('1000m')!)).toBe(true);
  expect(parseQuantity('1 core')).toBeUndefined();
});

// strfmt.IsDuration of k8s.io/kube-openapi (pkg/validation/strfmt/duration.go) accepts these.
test.each([['10s', true], ['10 seconds', true], ['2 minutes', true], ['3d', true], ['1 fortnight', false], ['soon', false], ['10', false]])(
  'CRD duration format %p', (text, valid) => expect(isOpenApiDuration(text)).toBe(valid),
);

test('env var names, config keys, RBAC names, wildcard hosts, CIDRs', () => {
  expect(envVarNameError('my.var-1')).toBeUndefined();
  expect(envVarNameError('1VAR')).toContain('invalid');
  expect(configMapKeyError('.env')).toBeUndefined();
  expect(configMapKeyError('..data')).toContain("starts with '..'");
  expect(configMapKeyError('a/b')).toContain('invalid');
  expect(pathSegmentNameError('system:viewer')).toBeUndefined();
  expect(pathSegmentNameError('a/b')).toContain("'/'");
  expect(wildcardDns1123SubdomainError('*.example.com')).toBeUndefined();
  expect(wildcardDns1123SubdomainError('web.*.example.com')).toContain('wildcard');
  expect(isCidr('10.0.0.0/8')).toBe(true);
  expect(isCidr('10.0.0.1')).toBe(false);
  expect(isCidr('::/0')).toBe(true);
  expect(isCidr('10.0.0.0/33')).toBe(false);
});
