// Turns one AND of atoms into its canonical form: one family, one allowed protocol set, one positive match
// and the remaining negations per field, or the contradiction that makes it match nothing. Pure; no I/O.
import type { Result } from '../model/common.js';
import type { FlowCidr, FlowToken, PortRange } from '../model/flow.js';
import { L4_ORDER, type Atom, type L4 } from './atoms.js';
import { addressBits, cidrFromInterval, cidrInterval } from './cidr.js';
import { quote, ref } from './flow-error.js';
import { narrow, type Conflict, type Item, type Narrowed } from './intervals.js';

/** One rule's worth of matches. Every field is AND-ed; `null` / empty means "no constraint". */
export interface Conjunct {
  readonly family: 4 | 6 | null;
  /** l4proto must be one of these (in L4_ORDER); ports are present only when this is tcp and/or udp. */
  readonly l4: readonly L4[] | null;
  /** l4proto must be none of these; empty whenever `l4` is set. */
  readonly notL4: readonly L4[];
  readonly src: Narrowed<FlowCidr>;
  readonly dst: Narrowed<FlowCidr>;
  readonly sport: Narrowed<PortRange>;
  readonly dport: Narrowed<PortRange>;
}

const NONE = { is: null, not: [] } as const;

/** A conjunct with no constraint: matches every packet. */
export const MATCH_ALL: Conjunct = {
  family: null,
  l4: null,
  notL4: [],
  src: NONE,
  dst: NONE,
  sport: NONE,
  dport: NONE,
};

interface State {
  family: { readonly version: 4 | 6; readonly at: FlowToken } | null;
  l4: { readonly protos: readonly L4[]; readonly at: FlowToken } | null;
  readonly notL4: Map<L4, FlowToken>;
  readonly addr: Record<'src' | 'dst', { pos: Item<FlowCidr>[]; neg: Item<FlowCidr>[] }>;
  readonly port: Record<'src' | 'dst', { pos: Item<PortRange>[]; neg: Item<PortRange>[] }>;
}

/** The canonical form of `atoms`, or why no packet can satisfy all of them. */
export function simplify(atoms: readonly Atom[]): Result<Conjunct, Conflict> {
  const s: State = {
    family: null,
    l4: null,
    notL4: new Map(),
    addr: { src: { pos: [], neg: [] }, dst: { pos: [], neg: [] } },
    port: { src: { pos: [], neg: [] }, dst: { pos: [], neg: [] } },
  };
  for (const a of atoms) {
    const clash = add(s, a);
    if (clash !== null) return { ok: false, error: clash };
  }
  const version = s.family?.version ?? null;
  let l4: readonly L4[] | null = null;
  let notL4: readonly L4[] = [];
  if (s.l4 !== null) {
    const kept = s.l4.protos.filter((p) => !s.notL4.has(p));
    const by = s.notL4.get(s.l4.protos[0] ?? 'tcp');
    if (kept.length === 0 && by !== undefined) {
      return {
        ok: false,
        error: { at: by, reason: `${ref(s.l4.at)} needs a protocol that ${quote(by.text)} excludes` },
      };
    }
    l4 = kept;
  } else {
    // icmp never occurs in IPv6 packets nor icmp6 in IPv4: excluding it there is a no-op.
    notL4 = L4_ORDER.filter(
      (p) => s.notL4.has(p) && !(p === 'icmp' && version === 6) && !(p === 'icmp6' && version === 4),
    );
  }
  const bits = BigInt(addressBits(version ?? 4));
  const addrFull = { lo: 0n, hi: (1n << bits) - 1n };
  const portFull = { lo: 0n, hi: 65535n };
  const makeCidr = (lo: bigint, hi: bigint): FlowCidr => cidrFromInterval(version ?? 4, lo, hi);
  const makeRange = (lo: bigint, hi: bigint): PortRange => ({ from: Number(lo), to: Number(hi) });
  const src = narrow(s.addr.src.pos, s.addr.src.neg, addrFull, makeCidr);
  if (!src.ok) return src;
  const dst = narrow(s.addr.dst.pos, s.addr.dst.neg, addrFull, makeCidr);
  if (!dst.ok) return dst;
  const sport = narrow(s.port.src.pos, s.port.src.neg, portFull, makeRange);
  if (!sport.ok) return sport;
  const dport = narrow(s.port.dst.pos, s.port.dst.neg, portFull, makeRange);
  if (!dport.ok) return dport;
  const value = { family: version, l4, notL4, src: src.value, dst: dst.value, sport: sport.value, dport: dport.value };
  return { ok: true, value };
}

/** Folds one atom into the state; returns the contradiction it causes, if any. */
function add(s: State, a: Atom): Conflict | null {
  switch (a.kind) {
    case 'family':
      return needFamily(s, a.version, a.at);
    case 'addr': {
      const { lo, hi } = cidrInterval(a.cidr.version, a.cidr.address, a.cidr.prefix);
      const side = s.addr[a.dir];
      (a.negated ? side.neg : side.pos).push({ value: a.cidr, lo, hi, at: a.at });
      return needFamily(s, a.cidr.version, a.at);
    }
    case 'port': {
      const side = s.port[a.dir];
      (a.negated ? side.neg : side.pos).push({
        value: a.range,
        lo: BigInt(a.range.from),
        hi: BigInt(a.range.to),
        at: a.at,
      });
      return null;
    }
    case 'l4': {
      if (a.negated) {
        for (const p of a.protos) if (!s.notL4.has(p)) s.notL4.set(p, a.at);
        return null;
      }
      const before = s.l4;
      const protos = before === null ? a.protos : before.protos.filter((p) => a.protos.includes(p));
      if (before !== null && protos.length === 0) {
        return { at: a.at, reason: `${ref(before.at)} and ${quote(a.at.text)} need different protocols` };
      }
      s.l4 = { protos, at: a.at };
      if (protos.length === 1 && protos[0] === 'icmp') return needFamily(s, 4, a.at);
      if (protos.length === 1 && protos[0] === 'icmp6') return needFamily(s, 6, a.at);
      return null;
    }
  }
}

function needFamily(s: State, version: 4 | 6, at: FlowToken): Conflict | null {
  if (s.family === null) s.family = { version, at };
  if (s.family.version === version) return null;
  return { at, reason: `${ref(s.family.at)} and ${quote(at.text)} ask for different IP versions` };
}

/** A string equal for equal conjuncts, to drop duplicates. */
export function conjunctKey(c: Conjunct): string {
  return JSON.stringify(c);
}
