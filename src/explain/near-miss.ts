// Near misses: the accepting rules of the chains that let a packet fall to a drop, compared with the packet
// condition by condition. Ranked by fewest failed conditions (then most met); a rule with a condition that
// cannot be compared is `uncertain` and comes after every certain one. Rules that only accept replies
// (ct state established/related) are no near miss of a connection's first packet, and rules for the other
// IP family (an inet table holds both) or for loopback traffic (`-i lo`, for a packet from the network) are no near
// miss at all. Pure; no I/O.
import type { RuleInfo, RuleMatch } from '../model/ruleset.js';
import type { CannotCompare, FailedCondition, NearMiss, RuleRef, ViaRule } from '../model/trace.js';
import type { Blocker, Candidate } from './candidates.js';
import type { PacketView } from './compare.js';
import { compareMatch } from './compare.js';
import { describeNearMiss } from './describe.js';

const KEEP = 3;
const MAX_UNCOMPARED = 10;
const REPLY_STATES = new Set(['ESTABLISHED', 'RELATED']);

interface Scored {
  readonly c: Candidate;
  /** An earlier rule that stops this packet before the accepting one, which it matches in full (shadowed). */
  readonly shadowedBy?: Blocker;
  /** Every condition holds but one of the other IP family's (`ip daddr` for an IPv6 packet): the family it is for. */
  readonly onlyFor?: 'IPv4' | 'IPv6';
  readonly order: number;
  readonly failed: FailedCondition[];
  /** How many conditions failed, those restating a protocol condition included (they rank, not show). */
  readonly misses: number;
  readonly unknown: string[];
  readonly met: number;
  /** Conditions met that say more than the protocol or family (a port, an address, an ICMP type). */
  readonly metNarrow: number;
  /**
   * Conditions of the rules on the way that fwtrace cannot compare at all (not those whose packet value the trace
   * does not show, nor the earlier rules that may stop it first).
   */
  readonly unknownOwn: number;
  /** Conditions not compared because the trace does not show the packet's value (its protocol, its state). */
  readonly unknownAbsent: number;
}

/** The best near misses (at most 3) and every accepting rule that could not be compared (at most 10). */
export function nearMisses(
  candidates: readonly Candidate[],
  p: PacketView,
  decidingChain: string,
): { nearMisses: NearMiss[]; cannotCompare: CannotCompare[] } {
  const scored: Scored[] = [];
  candidates.forEach((c, order) => {
    const s = score(c, p, order);
    if (s !== null) scored.push(s);
  });
  // A rule with a condition that fails, and nothing else unknown but what the trace does not show of the packet,
  // ranks with the certain ones (xtables-monitor shows no protocol for UDP: `udp dport 53` against port 161).
  const firm = (s: Scored): boolean => s.failed.length > 0 && s.unknown.length === s.unknownAbsent;
  const certain = scored.filter(firm).sort(byCloseness);
  const open = scored.filter((s) => s.unknown.length > 0 && !firm(s)).sort(byCloseness);
  // A rule the trace shows the packet passed did not accept it: with no condition that fails, what fwtrace cannot
  // compare kept the packet out (a rate limit spent, a source not on a recent list), when only the rule's own
  // conditions are unknown (had it jumped, the trace would show it) and one it compares holds. Such a rule is as
  // close as one with a condition that fails; otherwise it is no near miss (it stays among those not compared).
  const keptOut = open.filter(
    (s) => s.c.passed && s.failed.length === 0 && s.met > 0 && s.unknownOwn === s.unknown.length,
  );
  const uncertain = open.filter((s) => !(s.c.passed && s.failed.length === 0));
  // A packet in the middle of a TCP connection that a rule for established connections passed, nothing else unknown:
  // conntrack had no entry for its connection. That is the likeliest answer of all.
  const lost = p.midStream === true ? open.filter((s) => s.c.passed && s.failed.length === 0 && forEstablished(s)) : [];
  const shadowed = scored.filter((s) => s.shadowedBy !== undefined).sort((a, b) => a.order - b.order);
  const familyOnly = scored.filter((s) => s.onlyFor !== undefined).sort((a, b) => a.order - b.order);
  const best = [
    ...shadowed.map((s) => ({ s, keptOut: false as const })),
    ...lost.map((s) => ({ s, keptOut: 'conntrack' as const })),
    ...familyOnly.map((s) => ({ s, keptOut: false as const })),
    ...withKeptOut(certain, keptOut),
    ...uncertain.filter((s) => !lost.includes(s)).map((s) => ({ s, keptOut: false as const })),
  ]
    .slice(0, KEEP)
    .map((x) => toNearMiss(x.s, decidingChain, x.keptOut));
  // A rule with a condition that fails did not take the packet, whatever the others: it is no open question.
  const cannotCompare = open
    .filter((s) => s.failed.length === 0)
    .sort((a, b) => a.order - b.order)
    .slice(0, MAX_UNCOMPARED)
    .map((s) => ({ chain: s.c.chain, rule: ref(s.c.rule), via: via(s.c), matches: s.unknown }));
  // A rule whose every comparable condition holds, yet the kernel did not take it: say so, do not rank it.
  for (const s of scored) {
    if (
      s.unknown.length === 0 &&
      s.failed.length === 0 &&
      !s.c.passed &&
      s.shadowedBy === undefined &&
      s.onlyFor === undefined &&
      cannotCompare.length < MAX_UNCOMPARED
    ) {
      cannotCompare.push({
        chain: s.c.chain,
        rule: ref(s.c.rule),
        via: via(s.c),
        matches: ['every condition fwtrace compares holds for this packet, yet the kernel did not accept it here'],
      });
    }
  }
  return { nearMisses: best, cannotCompare };
}

/**
 * The certain near misses in their order, with each rule that kept the packet out placed before the first that
 * fails more than one condition, or fails one and holds fewer (narrow ones first: a port or address says more
 * than the protocol).
 */
function withKeptOut(certain: readonly Scored[], keptOut: readonly Scored[]): { s: Scored; keptOut: boolean }[] {
  const out: { s: Scored; keptOut: boolean }[] = certain.map((s) => ({ s, keptOut: false }));
  for (const k of [...keptOut].sort((a, b) => b.metNarrow - a.metNarrow || b.met - a.met || a.order - b.order)) {
    const at = out.findIndex(
      (x) =>
        !x.keptOut &&
        (x.s.misses > 1 || x.s.metNarrow < k.metNarrow || (x.s.metNarrow === k.metNarrow && x.s.met < k.met)),
    );
    out.splice(at < 0 ? out.length : at, 0, { s: k, keptOut: true });
  }
  return out;
}

function byCloseness(a: Scored, b: Scored): number {
  // Among equally close ones, the way the packet went (the jump or goto the trace shows it took) first.
  const taken = (s: Scored): number => (s.c.taken === true ? 0 : 1);
  return (
    // A rule for another protocol is never what the engineer meant for this packet (`-p icmp -j ACCEPT` was the
    // closest of every TCP drop, lab 58): it comes after every rule for the packet's own.
    protoMiss(a) - protoMiss(b) ||
    a.misses - b.misses ||
    // A port off by a few says more than one far away (`8000-8079` for 8080 before `80`, lab 58).
    nearPort(a, b) ||
    a.unknown.length - b.unknown.length ||
    taken(a) - taken(b) ||
    b.met - a.met ||
    a.order - b.order
  );
}

/** Ports at most this far from a rule's are a typo or an off-by-one range (8080 for 8000-8079). */
const NEAR_PORT = 10;

/** Between two rules that both fail on a port: the one whose port is near the packet's first; else 0. */
function nearPort(a: Scored, b: Scored): number {
  const da = portDistance(a);
  const db = portDistance(b);
  if (da === 0 || db === 0) return 0;
  return (da <= NEAR_PORT ? 0 : 1) - (db <= NEAR_PORT ? 0 : 1);
}

function protoMiss(s: Scored): number {
  return s.failed.some((f) => f.field === 'proto') ? 1 : 0;
}

/** How far the packet's ports are from the failed port conditions' (0 for none). */
function portDistance(s: Scored): number {
  let sum = 0;
  for (const f of s.failed) {
    if ((f.field !== 'dport' && f.field !== 'sport') || f.want.startsWith('!')) continue;
    const got = Number(f.got);
    if (!Number.isInteger(got)) continue;
    let best = Infinity;
    for (const part of f.want.split(/[,{} ]+/)) {
      const [lo, high] = part.split(/[-:]/).map(Number);
      const hi = high ?? lo;
      if (lo === undefined || hi === undefined || !Number.isInteger(lo) || !Number.isInteger(hi)) continue;
      best = Math.min(best, got < lo ? lo - got : got > hi ? got - hi : 0);
    }
    if (Number.isFinite(best)) sum += best;
  }
  return sum;
}

/** Compares every condition; null when the rule cannot apply (a stopper surely runs first, or replies only). */
function score(c: Candidate, p: PacketView, order: number): Scored | null {
  const failed: FailedCondition[] = [];
  /** Failures that only restate a failed protocol condition (`-p icmp --icmp-type 8` against TCP: one miss). */
  const restated: FailedCondition[] = [];
  const unknown: string[] = [];
  let met = 0;
  let familyOnly = false;
  let metNarrow = 0;
  let unknownOwn = 0;
  let unknownAbsent = 0;
  for (const m of dedupe(c.matches)) {
    const o = compareMatch(m, p);
    if (o.kind === 'pass') {
      met++;
      if (m.field !== 'proto' && m.field !== 'family') metNarrow++;
    } else if (o.kind === 'unknown') {
      unknown.push(o.text);
      if (o.absent !== true) unknownOwn++;
      else unknownAbsent++;
    } else {
      if (repliesOnly(m, p) || loopbackOnly(m, p)) return null;
      // A condition of the other IP family: kept aside, said only when all else holds (IPv6 forgotten, lab 58).
      if (otherFamily(m, p)) {
        // ICMP against ICMPv6 is a rule for another protocol, never what the engineer meant for this packet.
        if (m.field === 'proto') return null;
        familyOnly = true;
        continue;
      }
      (o.otherProto ? restated : failed).push(o.failed);
    }
  }
  const misses = failed.length + restated.length;
  if (!failed.some((f) => f.field === 'proto')) failed.push(...restated);
  if (familyOnly && (failed.length > 0 || unknown.length > 0)) return null;
  let shadowedBy: Blocker | undefined;
  for (const b of c.blockers) {
    const outcomes = dedupe(b.rule.matches ?? []).map((m) => compareMatch(m, p));
    if (outcomes.some((o) => o.kind === 'fail')) continue;
    const texts = outcomes.flatMap((o) => (o.kind === 'unknown' ? [o.text] : []));
    if (texts.length === 0 && !b.jumps && b.rule.matches !== undefined) {
      // A rule that takes this packet in full, but an earlier one surely stops it first (a RETURN above it, lab
      // 58): the likeliest mistake of all, said as such; any other such rule is no near miss.
      if (failed.length > 0 || unknown.length > 0 || shadowedBy !== undefined || c.passed === true) return null;
      shadowedBy = b;
      continue;
    }
    const what = b.jumps ? `jumps to ${b.rule.target ?? '?'} first` : `may stop it first`;
    unknown.push(`${b.chain} ${label(ref(b.rule))} ${what}${texts.length > 0 ? ` (${texts.join('; ')})` : ''}`);
  }
  if (shadowedBy !== undefined && (unknown.length > 0 || familyOnly)) return null;
  if (familyOnly && unknown.length > 0) return null;
  const scored = {
    c,
    order,
    failed,
    misses,
    unknown: [...new Set(unknown)],
    met,
    metNarrow,
    unknownOwn,
    unknownAbsent,
  };
  if (familyOnly) return { ...scored, onlyFor: p.ipVersion === 6 ? 'IPv4' : 'IPv6' };
  return shadowedBy === undefined ? scored : { ...scored, shadowedBy };
}

/** A failed `ct state established,related` for a connection's first packet (NEW, or maybe RELATED: then it failed on ESTABLISHED). */
function repliesOnly(m: RuleMatch, p: PacketView): boolean {
  const first = p.ctStates?.has('NEW') === true || p.ctUnknown.has('NEW');
  return m.field === 'ctstate' && !m.negate && first && m.values.every((v) => REPLY_STATES.has(v));
}

/**
 * A failed `-i lo` / `iifname "lo"` (or out-interface) for a packet on another interface: a rule for this host's
 * own traffic over loopback, which a packet from the network never is (the `closest` of every INPUT drop else).
 */
function loopbackOnly(m: RuleMatch, p: PacketView): boolean {
  if (m.negate || (m.field !== 'iif' && m.field !== 'oif')) return false;
  const got = m.field === 'iif' ? p.iif : p.oif;
  return got !== undefined && got !== '' && got !== 'lo' && m.values.every((v) => v === 'lo');
}

/** A failed condition that only packets of the other IP family could meet (`ip daddr` for an IPv6 packet). */
function otherFamily(m: RuleMatch, p: PacketView): boolean {
  if (m.negate || p.ipVersion === undefined) return false;
  const v6 = p.ipVersion === 6;
  if (m.field === 'family') return true;
  if (m.field === 'src' || m.field === 'dst') return m.values.every((v) => v.includes(':') !== v6);
  if (m.field === 'proto') return m.values.every((v) => v === (v6 ? 'icmp' : 'icmpv6'));
  return false;
}

/** The same condition written twice (`meta l4proto tcp` and `tcp dport`'s own) counts once. */
export function dedupe(matches: readonly RuleMatch[]): RuleMatch[] {
  const seen = new Set<string>();
  const out: RuleMatch[] = [];
  for (const m of matches) {
    const key = m.field === 'unknown' ? `?${m.text}` : `${m.field}${m.negate ? '!' : '='}${m.values.join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}

/**
 * Its only unknown is the conntrack state, which it wants ESTABLISHED (a rule for replies and later packets).
 */
function forEstablished(s: Scored): boolean {
  if (s.unknown.length !== s.unknownAbsent || s.unknown.length === 0) return false;
  const states = s.c.matches.filter((m) => m.field === 'ctstate');
  return (
    states.length > 0 &&
    s.unknown.length === states.length &&
    states.some((m) => !m.negate && m.values.includes('ESTABLISHED'))
  );
}

/**
 * keptOut: the trace shows the rule did not take the packet, every condition compared holding (`true`: what it
 * cannot compare kept the packet out; `conntrack`: it wants an established connection, which conntrack did not know).
 */
function toNearMiss(s: Scored, decidingChain: string, keptOut: boolean | 'conntrack'): NearMiss {
  const base = {
    chain: s.c.chain,
    rule: ref(s.c.rule),
    via: via(s.c),
    verdict: s.unknown.length === 0 ? ('would-accept' as const) : ('uncertain' as const),
    failed: s.failed,
    unknown: s.unknown,
  };
  const text = describeNearMiss(base, dedupe(s.c.matches), decidingChain, keptOut);
  if (s.onlyFor !== undefined)
    return {
      ...base,
      text: `${text}, but only ${s.onlyFor} packets, and this one is ${s.onlyFor === 'IPv4' ? 'IPv6' : 'IPv4'}`,
    };
  const b = s.shadowedBy;
  if (b === undefined) return { ...base, text };
  return {
    ...base,
    text: `${text}, and this packet matches it, but ${b.chain} ${label(ref(b.rule))} (${b.rule.text}) ${stops(b.rule)} first`,
  };
}

/** What a rule that stops a packet does to it. */
function stops(r: RuleInfo): string {
  switch (r.action) {
    case 'return':
      return 'returns it';
    case 'drop':
      return 'drops it';
    case 'reject':
      return 'rejects it';
    case 'goto':
      return `sends it to ${r.target ?? 'another chain'}`;
    case 'queue':
      return 'queues it';
    case 'accept':
    case 'stolen':
    case 'jump':
    case 'continue':
    case 'break':
    case 'unknown':
      return 'stops it';
  }
}

export function ref(r: RuleInfo): RuleRef {
  return { position: r.position, handle: r.handle, text: r.text };
}

function via(c: Candidate): ViaRule[] {
  return c.via.map((v) => ({ chain: v.chain, rule: ref(v.rule) }));
}

/** `rule 3`, `rule handle 12`. */
export function label(r: RuleRef): string {
  if (r.position !== null) return `rule ${r.position}`;
  return r.handle !== null ? `rule handle ${r.handle}` : 'a rule';
}
