/* eslint-disable no-bitwise -- IPv4 addresses as 32-bit integers: masks and shifts are the arithmetic of CIDRs. */
/** An IPv4 or IPv6 network with exclusions, as NetworkAuthentication `networks[]` and ServerAuthorization spell it. */
export interface NetworkMatch {
  readonly cidr: string;
  readonly except: readonly string[];
}

interface ParsedNetwork {
  readonly family: 4 | 6;
  readonly address: bigint;
  readonly prefix: number;
}

/** Whether `ip` is in the network and in none of its exclusions (the proxy's `Network::contains`). */
export function networkContains(network: NetworkMatch, ip: string): boolean {
  return cidrContains(network.cidr, ip) && !network.except.some((except) => cidrContains(except, ip));
}

/** Whether `ip` is inside `cidr` (a bare address is a /32 or /128). Malformed input never matches. */
export function cidrContains(cidr: string, ip: string): boolean {
  const net = parseCidr(cidr);
  const address = parseIp(ip);
  if (!net || !address || net.family !== address.family) return false;
  const bits = net.family === 4 ? 32 : 128;
  const shift = BigInt(bits - net.prefix);
  return net.address >> shift === address.address >> shift;
}

/** A CIDR's error, or undefined when valid (`10.0.0.0/8`, `fd00::/8`, a bare address). */
export function cidrError(cidr: string): string | undefined {
  return parseCidr(cidr) ? undefined : `"${cidr}" is not a CIDR`;
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = parseCidr(inner);
  const b = parseCidr(outer);
  if (!a || !b || a.family !== b.family || a.prefix < b.prefix) return false;
  const bits = a.family === 4 ? 32 : 128;
  const shift = BigInt(bits - b.prefix);
  return a.address >> shift === b.address >> shift;
}

/** The address family of an IP, or undefined when it is not one. */
export function ipFamily(ip: string): 4 | 6 | undefined {
  return parseIp(ip)?.family;
}

function parseCidr(cidr: string): ParsedNetwork | undefined {
  const [address, prefixText, extra] = cidr.split('/');
  if (extra !== undefined) return undefined;
  const parsed = parseIp(address);
  if (!parsed) return undefined;
  const bits = parsed.family === 4 ? 32 : 128;
  if (prefixText === undefined) return { ...parsed, prefix: bits };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix > bits ? undefined : { ...parsed, prefix };
}

function parseIp(ip: string): { family: 4 | 6; address: bigint } | undefined {
  if (ip.includes(':')) {
    const address = parseIpv6(ip);
    return address === undefined ? undefined : { family: 6, address };
  }
  const address = parseIpv4(ip);
  return address === undefined ? undefined : { family: 4, address };
}

function parseIpv4(ip: string): bigint | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseIpv6(ip: string): bigint | undefined {
  // An embedded IPv4 tail (::ffff:10.0.0.1) is the last two groups.
  const lastColon = ip.lastIndexOf(':');
  let text = ip;
  if (ip.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(ip.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${ip.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const explicit = head.length + rest.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const all = [...head, ...Array<string>(8 - explicit).fill('0'), ...rest].map((g) => BigInt(parseInt(g, 16)));
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}
