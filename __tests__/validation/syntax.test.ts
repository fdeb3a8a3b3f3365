import { parseGatewayDuration, parseGoDuration } from '../../lib/validation/syntax/durations';
import { dns1035LabelError, dns1123SubdomainError, ianaServiceNameError, labelValueError, qualifiedNameError } from '../../lib/validation/syntax/names';
import { isQuantity } from '../../lib/validation/syntax/quantity';
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
  ['(?=a)', 'lookaround'], ['(?<!a)b', 'lookaround'], ['(a)\\1', 'backreferences'], ['(?>a)', 'atomic'], ['a++', 'possessive'], ['[a-', 'does not compile'],
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
