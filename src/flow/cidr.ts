// Arithmetic on validated networks: as bigint intervals (for containment) and first/last address (for
// iptables' iprange). Pure; no I/O.
import ipaddr from 'ipaddr.js';
import type { FlowCidr } from '../model/flow.js';

/** Bits in an address of this version. */
export function addressBits(version: 4 | 6): number {
  return version === 4 ? 32 : 128;
}

/** The address as an unsigned integer. */
function toBigInt(address: string): bigint {
  return ipaddr
    .parse(address)
    .toByteArray()
    .reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/** The address for an unsigned integer, in the normal text form of its version. */
function fromBigInt(version: 4 | 6, value: bigint): string {
  const bytes: number[] = [];
  for (let i = 0; i < addressBits(version) / 8; i++) bytes.unshift(Number((value >> BigInt(8 * i)) & 0xffn));
  const ip = ipaddr.fromByteArray(bytes);
  return ip.kind() === 'ipv6' ? (ip as ipaddr.IPv6).toRFC5952String() : ip.toString();
}

/** The first and last address of `address/prefix`, as integers. */
export function cidrInterval(version: 4 | 6, address: string, prefix: number): { lo: bigint; hi: bigint } {
  const hostBits = BigInt(addressBits(version) - prefix);
  const lo = (toBigInt(address) >> hostBits) << hostBits;
  return { lo, hi: lo + (1n << hostBits) - 1n };
}

/** The network address of `address/prefix` (host bits cleared), in normal text form. */
export function networkAddress(version: 4 | 6, address: string, prefix: number): string {
  return fromBigInt(version, cidrInterval(version, address, prefix).lo);
}

/** `first-last` of a network, as iptables' iprange wants it. */
export function cidrRangeText(cidr: FlowCidr): string {
  const { lo, hi } = cidrInterval(cidr.version, cidr.address, cidr.prefix);
  return `${fromBigInt(cidr.version, lo)}-${fromBigInt(cidr.version, hi)}`;
}

/** The network covering exactly [lo, hi]; only called with an interval that is one (nested networks). */
export function cidrFromInterval(version: 4 | 6, lo: bigint, hi: bigint): FlowCidr {
  const size = hi - lo + 1n;
  const hostBits = size.toString(2).length - 1;
  return { version, address: fromBigInt(version, lo), prefix: addressBits(version) - hostBits };
}
