// The words of the host checks: one sentence per finding, naming the namespace, and the command that
// would change it. Pure; no I/O.
import type { HostCheckId, HostFinding } from '../model/host.js';
import { displayCommand } from '../sys/command.js';

/** `netns fw`, or `this host` for the root namespace. */
export function place(netns: string | null): string {
  return netns === null ? 'this host' : `netns ${netns}`;
}

/** `in netns fw`, or `on this host`. */
export function inPlace(netns: string | null): string {
  return netns === null ? 'on this host' : `in netns ${netns}`;
}

/** `ip netns exec fw sysctl -w k=v ...` (or without the wrapper for the root namespace). */
export function sysctlFix(netns: string | null, settings: readonly string[]): string {
  return displayCommand({ argv: ['sysctl', '-w', ...settings], netns });
}

/** The sysctl name of an interface setting: dots in interface names (VLANs) are slashes there. */
export function confKey(version: 'ipv4' | 'ipv6', iface: string, param: string): string {
  return `net.${version}.conf.${iface.replaceAll('.', '/')}.${param}`;
}

export function cause(check: HostCheckId, text: string, fix: string | null = null): HostFinding {
  return { check, severity: 'cause', text, fix };
}

export function warning(check: HostCheckId, text: string, fix: string | null = null): HostFinding {
  return { check, severity: 'warning', text, fix };
}

const RP_MODE: Record<number, string> = { 1: 'strict', 2: 'loose' };

/** `rp_filter=1, strict`. */
export function rpMode(value: number): string {
  return `rp_filter=${value}${RP_MODE[value] ? `, ${RP_MODE[value]}` : ''}`;
}

/** `tcp [SYN,ACK]`, `udp`, `icmp`, `proto 47`. */
export function protoText(proto: string | number | null, flags: readonly string[] | null): string {
  const name = proto === null ? 'packet' : typeof proto === 'number' ? `proto ${proto}` : proto;
  return flags !== null && flags.length > 0 ? `${name} [${flags.join(',')}]` : name;
}
