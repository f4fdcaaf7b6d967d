// Interfaces and local addresses from `ip -d -j addr show` output. Pure; no I/O.
import { parseAddress } from '../flow/address.js';

export interface HostAddress {
  readonly family: 4 | 6;
  /** Normalised (IPv6 compressed, lower case). */
  readonly local: string;
  readonly prefixlen: number;
}

export interface HostInterface {
  readonly name: string;
  readonly up: boolean;
  /** `bridge`, `veth`, `vrf`, ... (`linkinfo.info_kind`, with -d); null when not shown. */
  readonly kind: string | null;
  /** The bridge, bond or VRF this interface is enslaved to; null when none. */
  readonly master: string | null;
  /** True for a port of a Linux bridge (`linkinfo.info_slave_kind` is `bridge`). */
  readonly bridgePort: boolean;
  readonly addrs: readonly HostAddress[];
}

/** Parses the JSON; null when it is not `ip -j addr` output. Never throws. */
export function parseIpAddr(text: string): HostInterface[] | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(data)) return null;
  const out: HostInterface[] = [];
  for (const item of data as unknown[]) {
    const link = record(item);
    const name = link && str(link['ifname']);
    if (!link || name === null) continue;
    const flags = Array.isArray(link['flags']) ? (link['flags'] as unknown[]) : [];
    const info = record(link['linkinfo']);
    const master = str(link['master']);
    out.push({
      name,
      up: flags.includes('UP'),
      kind: info ? str(info['info_kind']) : null,
      master,
      bridgePort: info ? str(info['info_slave_kind']) === 'bridge' : false,
      addrs: addresses(link['addr_info']),
    });
  }
  return out;
}

function addresses(value: unknown): HostAddress[] {
  if (!Array.isArray(value)) return [];
  const out: HostAddress[] = [];
  for (const item of value as unknown[]) {
    const a = record(item);
    const local = a && str(a['local']);
    if (!a || local === null) continue;
    const parsed = parseAddress(local);
    const prefixlen =
      typeof a['prefixlen'] === 'number' ? a['prefixlen'] : parsed.ok && parsed.value.version === 4 ? 32 : 128;
    if (parsed.ok) out.push({ family: parsed.value.version, local: parsed.value.address, prefixlen });
  }
  return out;
}

function record(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
