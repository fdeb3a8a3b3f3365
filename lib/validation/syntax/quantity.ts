/** resource.Quantity syntax: a signed decimal number with a binary-SI, decimal-SI or exponent suffix ("500m", "128Mi", "1e3"). */
const QUANTITY = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

export const QUANTITY_SYNTAX = 'a quantity like 100m, 0.5, 128Mi, 1Gi or 1e3';
