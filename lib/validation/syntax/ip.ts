/** IP address and CIDR syntax as Go's net.ParseIP / net.ParseCIDR read it (k8s.io/apimachinery/pkg/util/validation IsValidIP, IsValidCIDR). */
import { isIP } from 'net';

export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  const family = isIP(address);
  if (family === 0 || !/^[0-9]{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}
