// A primitive, asserted or negated, as a disjunction of conjunctions of atoms (one nft/iptables match each).
// Negation follows tcpdump: `not host X` also matches the other IP version, `not port N` also matches
// packets that are neither tcp nor udp. Pure; no I/O.
import type { FlowCidr, FlowExpr, FlowToken, PortRange } from '../model/flow.js';

/** Transport protocols a match can name. */
export type L4 = 'tcp' | 'udp' | 'icmp' | 'icmp6';
export const L4_ORDER: readonly L4[] = ['tcp', 'udp', 'icmp', 'icmp6'];

/** One match; `at` is the token it came from, for "matches nothing" errors. */
export type Atom =
  | { readonly kind: 'family'; readonly version: 4 | 6; readonly at: FlowToken }
  /** l4proto is one of `protos` (or, negated, none of them). */
  | { readonly kind: 'l4'; readonly protos: readonly L4[]; readonly negated: boolean; readonly at: FlowToken }
  /** Implies the family of the address, asserted or negated (nft's `ip saddr != X` only matches IPv4). */
  | {
      readonly kind: 'addr';
      readonly dir: 'src' | 'dst';
      readonly cidr: FlowCidr;
      readonly negated: boolean;
      readonly at: FlowToken;
    }
  /** Only ever appears next to an `l4` atom limiting the protocol to tcp/udp. */
  | {
      readonly kind: 'port';
      readonly dir: 'src' | 'dst';
      readonly range: PortRange;
      readonly negated: boolean;
      readonly at: FlowToken;
    };

/** OR of ANDs. */
export type Dnf = readonly (readonly Atom[])[];

type Primitive = Extract<FlowExpr, { kind: 'primitive' }>;

/** The DNF of a primitive, or of its negation. */
export function expandPrimitive(p: Primitive, negated: boolean): Dnf {
  const at = p.value;
  const m = p.match;
  const dirs = (d: 'src' | 'dst' | 'either'): readonly ('src' | 'dst')[] => (d === 'either' ? ['src', 'dst'] : [d]);
  switch (m.kind) {
    case 'proto': {
      if (m.proto === 'ip' || m.proto === 'ip6') {
        const version = (m.proto === 'ip') !== negated ? 4 : 6;
        return [[{ kind: 'family', version, at }]];
      }
      return [[{ kind: 'l4', protos: [m.proto], negated, at }]];
    }
    case 'host':
    case 'net': {
      const cores = dirs(m.dir).map((dir): Atom => ({ kind: 'addr', dir, cidr: m.cidr, negated, at }));
      if (!negated) return cores.map((c) => [c]);
      // not (v4 and (src X or dst X)) = v6 or (v4 and src != X and dst != X)
      const other: Atom = { kind: 'family', version: m.cidr.version === 4 ? 6 : 4, at };
      return [[other], cores];
    }
    case 'port':
    case 'portrange': {
      const protos: readonly L4[] = m.proto === null ? ['tcp', 'udp'] : [m.proto];
      const guard: Atom = { kind: 'l4', protos, negated: false, at };
      const cores = dirs(m.dir).map((dir): Atom => ({ kind: 'port', dir, range: m.range, negated, at }));
      if (!negated) return cores.map((c) => [guard, c]);
      // not (tcp/udp and (sport N or dport N)) = not tcp/udp or (tcp/udp and sport != N and dport != N)
      return [[{ ...guard, negated: true }], [guard, ...cores]];
    }
  }
}
