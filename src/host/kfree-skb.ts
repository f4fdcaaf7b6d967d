// The `skb:kfree_skb` tracepoint as tracefs shows it: one trace_pipe line → KernelDrop, the event's
// format file → the kernel's table of drop reasons, and the event filter we install. Pure.
//
// Drop reasons are an in-kernel enum, not UAPI: their numbers move between kernels (NOT_SPECIFIED was 0
// in 5.17 and is 2 since 6.0). Names ↔ numbers come only from this kernel's format file.
import type { KernelDrop } from '../model/host.js';

/** Ethertypes the trace is about: IPv4 and IPv6 (ARP and the rest are not netfilter's). */
export const ETH_P_IP = 2048;
export const ETH_P_IPV6 = 34525;

/** This kernel's drop reasons, from the format file's `__print_symbolic(REC->reason, ...)`. */
export interface ReasonTable {
  readonly byName: ReadonlyMap<string, number>;
  readonly byNumber: ReadonlyMap<number, string>;
}

/** What the kernel's kfree_skb event offers. */
export interface KfreeSkbFormat {
  /** False before Linux 5.17: the event has no reason field, so drop reasons are unavailable. */
  readonly hasReason: boolean;
  readonly hasProtocol: boolean;
  readonly reasons: ReasonTable;
}

const FIELD = /^\s*field:(.*?)\s+(\w+);/;
const SYMBOLIC = /__print_symbolic\(\s*REC->reason\s*,([\s\S]*)\)\s*$/m;
const PAIR = /\{\s*(0x[0-9a-fA-F]+|\d+)\s*,\s*"([A-Za-z0-9_]+)"\s*\}/g;

/** Reads `events/skb/kfree_skb/format`; anything it does not understand is left out, never thrown. */
export function parseKfreeSkbFormat(text: string): KfreeSkbFormat {
  const fields = new Set<string>();
  for (const line of text.split('\n')) {
    const m = FIELD.exec(line);
    if (m) fields.add(m[2]!);
  }
  const byName = new Map<string, number>();
  const byNumber = new Map<number, string>();
  const sym = SYMBOLIC.exec(text);
  if (sym) {
    for (const m of sym[1]!.matchAll(PAIR)) {
      const n = Number(m[1]);
      const name = m[2]!;
      if (!Number.isSafeInteger(n) || byName.has(name) || byNumber.has(n)) continue;
      byName.set(name, n);
      byNumber.set(n, name);
    }
  }
  return { hasReason: fields.has('reason'), hasProtocol: fields.has('protocol'), reasons: { byName, byNumber } };
}

/**
 * The event filter: IPv4 and IPv6 only, minus the reasons named in `exclude` (by their number on this
 * kernel: the filter parser takes numbers for enum fields, not names). Names this kernel does not know
 * are returned in `unknown` and left out of the filter.
 */
export function buildDropFilter(
  format: KfreeSkbFormat,
  exclude: readonly string[] = [],
): { readonly filter: string; readonly unknown: readonly string[] } {
  const parts = [`(protocol == ${ETH_P_IP} || protocol == ${ETH_P_IPV6})`];
  const unknown: string[] = [];
  for (const name of new Set(exclude)) {
    const n = format.reasons.byName.get(name);
    if (n === undefined || !format.hasReason) unknown.push(name);
    else parts.push(`reason != ${n}`);
  }
  return { filter: parts.join(' && '), unknown };
}

// `<comm>-<pid> [<cpu>] <flags> <stamp>: kfree_skb: <body>`: comm may hold spaces, flags may be absent.
const HEAD = /\s(\d+(?:\.\d+)?): kfree_skb: (.*)$/;
const PROTOCOL = /(?:^|\s)protocol=(\d+)(?:\s|$)/;
// Until ` reason: ` (a module symbol prints as `sym+0x1/0x2 [mod]`, with a space).
const LOCATION = /(?:^|\s)location=(.*?)(?: reason: |$)/;
const REASON = / reason: (\S+)\s*$/;
const SYMBOL = /^[A-Za-z_.$][\w.$]*\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[\w-]+\])?$/;

/**
 * One trace_pipe line → a drop, or null for anything else (other events, `CPU:1 [LOST 3 EVENTS]`, a
 * line of a kernel without drop reasons). The location is kept only as a symbol (`tcp_v4_rcv+0x91/0x13f0`);
 * a bare (hashed) pointer says nothing and becomes null.
 */
export function parseKfreeSkbLine(line: string): KernelDrop | null {
  const head = HEAD.exec(line);
  if (!head) return null;
  const body = head[2]!;
  const reason = REASON.exec(body);
  const protocol = PROTOCOL.exec(body);
  if (!reason || !protocol) return null;
  const stamp = Number(head[1]);
  const proto = Number(protocol[1]);
  if (!Number.isFinite(stamp) || !Number.isSafeInteger(proto)) return null;
  const loc = LOCATION.exec(body)?.[1]?.trim() ?? '';
  return {
    reason: reason[1]!.replace(/^SKB_DROP_REASON_/, ''),
    location: SYMBOL.test(loc) ? loc : null,
    protocol: proto,
    stamp,
  };
}

const LOST = /^CPU:\s*(\d+)\s+\[LOST (\d+) EVENTS\]\s*$/;

/** trace_pipe's note that the ring buffer overflowed: how many events were lost, else null. */
export function parseLostEvents(line: string): number | null {
  const m = LOST.exec(line.trim());
  return m ? Number(m[2]) : null;
}

/** The IP version of an ethertype, or null for anything else. */
export function ipVersionOf(protocol: number): 4 | 6 | null {
  return protocol === ETH_P_IP ? 4 : protocol === ETH_P_IPV6 ? 6 : null;
}
