/* eslint-disable no-bitwise -- IPv4 addresses as 32-bit integers: masks and shifts are the arithmetic of CIDRs. */
import { PropProblems } from '../common';

/**
 * A client network, for NetworkAuthentication and (legacy) ServerAuthorization:
 * a CIDR, optionally with sub-networks excluded.
 */
export class Network {
  /** A network in CIDR notation (`10.0.0.0/8`, `fd00::/8`), optionally excluding sub-networks of it. */
  public static cidr(cidr: string, except: string[] = []): Network {
    return new Network(cidr, except);
  }

  /** Every IPv4 address (`0.0.0.0/0`). */
  public static anyIpv4(): Network {
    return new Network('0.0.0.0/0', []);
  }

  /** Every IPv6 address (`::/0`). */
  public static anyIpv6(): Network {
    return new Network('::/0', []);
  }

  private constructor(public readonly cidr: string, public readonly except: readonly string[]) {}

  /**
   * The network as Linkerd's `networks` entry, after validating it: CIDRs must parse, have no
   * host bits set, and every exception must lie inside the network.
   * @internal
   */
  public _render(problems: PropProblems): { cidr: string; except?: string[] } {
    const network = parseCidr(problems, 'network CIDR', this.cidr);
    for (const text of this.except) {
      const excluded = parseCidr(problems, `exception of ${this.cidr}`, text);
      // Linkerd's admission refuses an exception that negates the whole network, as well as one outside it.
      if (network === undefined || excluded === undefined) continue;
      if (excluded.bits !== network.bits || excluded.prefix <= network.prefix || !sameNetwork(network, excluded.address, network.prefix)) {
        problems.invalid(`exception of ${this.cidr}`, text, `a sub-network of ${this.cidr} of the same IP family, smaller than it`);
      }
    }
    return this.except.length > 0 ? { cidr: this.cidr, except: [...this.except] } : { cidr: this.cidr };
  }
}

interface ParsedCidr {
  readonly address: bigint;
  readonly prefix: number;
  /** 32 for IPv4, 128 for IPv6. */
  readonly bits: number;
}

const CIDR_ALLOWED = 'an IPv4 or IPv6 network in CIDR notation with no host bits set, e.g. "10.0.0.0/8" or "fd00::/8"';

/** The parsed network, or `undefined` after recording the problem. */
function parseCidr(problems: PropProblems, what: string, text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  const prefixText = slash === -1 ? '' : text.slice(slash + 1);
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = addressText.includes(':') ? parseIpv6(addressText) : parseIpv4(addressText);
  const bits = addressText.includes(':') ? 128 : 32;
  if (address === undefined || !/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
    problems.invalid(what, text, CIDR_ALLOWED);
    return undefined;
  }
  const prefix = Number(prefixText);
  if ((address & hostMask(bits, prefix)) !== 0n) {
    problems.invalid(what, text, CIDR_ALLOWED);
    return undefined;
  }
  return { address, prefix, bits };
}

function hostMask(bits: number, prefix: number): bigint {
  return (1n << BigInt(bits - prefix)) - 1n;
}

function sameNetwork(network: ParsedCidr, address: bigint, prefix: number): boolean {
  const shift = BigInt(network.bits - Math.min(prefix, network.prefix));
  return (network.address >> shift) === (address >> shift);
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): string[] => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
