/** resource.Quantity syntax: a signed decimal number with a binary-SI, decimal-SI or exponent suffix ("500m", "128Mi", "1e3"). */
const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

export const QUANTITY_SYNTAX = 'a quantity like 100m, 0.5, 128Mi, 1Gi or 1e3';

const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENTS: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** An exact quantity value: digits × 10^exponent10 × 2^exponent2. */
export interface QuantityValue {
  readonly digits: bigint;
  readonly exponent10: number;
  readonly exponent2: number;
}

/** Parses a quantity (string, or a JSON number as YAML gives it); undefined when it is not a quantity. */
export function parseQuantity(value: unknown): QuantityValue | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const [number, suffix = ''] = [match[1], match[2]];
  const negative = number.startsWith('-');
  const unsigned = number.replace(/^[+-]/, '');
  const [whole, fraction = ''] = unsigned.split('.');
  const magnitude = BigInt(`${whole}${fraction}` || '0');
  let exponent10 = -fraction.length;
  let exponent2 = 0;
  if (suffix in BINARY_EXPONENTS) exponent2 = BINARY_EXPONENTS[suffix];
  else if (suffix in DECIMAL_EXPONENTS) exponent10 += DECIMAL_EXPONENTS[suffix];
  else if (suffix !== '') exponent10 += Number(suffix.slice(1));
  return { digits: negative ? -magnitude : magnitude, exponent10, exponent2 };
}

/** Compares two quantities exactly: negative when a < b, 0 when equal, positive when a > b. */
export function compareQuantities(a: QuantityValue, b: QuantityValue): number {
  const exponent10 = Math.min(a.exponent10, b.exponent10);
  const exponent2 = Math.min(a.exponent2, b.exponent2);
  const scale = (q: QuantityValue) => q.digits * 10n ** BigInt(q.exponent10 - exponent10) * 2n ** BigInt(q.exponent2 - exponent2);
  const difference = scale(a) - scale(b);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

export function isNegativeQuantity(q: QuantityValue): boolean {
  return q.digits < 0n;
}

/** Whether a quantity is a whole number (extended resources must be). */
export function isWholeQuantity(q: QuantityValue): boolean {
  if (q.exponent10 >= 0) return true;
  return q.digits * 2n ** BigInt(q.exponent2) % 10n ** BigInt(-q.exponent10) === 0n;
}
