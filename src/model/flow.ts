// The flow the user asked to trace: a tcpdump-subset filter as a syntax tree with source positions, plus
// the -i/-o interfaces. Types only.

/** One token of the filter as typed: its text and its 0-based offset in the filter (UTF-16 code units). */
export interface FlowToken {
  readonly text: string;
  readonly position: number;
}

/** `src`, `dst`, or neither written (tcpdump's default: source or destination). */
export type FlowDirection = 'src' | 'dst' | 'either';

/** The protocol words of the filter language. */
export type FlowProto = 'ip' | 'ip6' | 'tcp' | 'udp' | 'icmp' | 'icmp6';

/** An address or network, normalised: the network address (IPv6 compressed, lower case) and prefix length. */
export interface FlowCidr {
  readonly version: 4 | 6;
  readonly address: string;
  readonly prefix: number;
}

/** Inclusive port range; a single port has from === to. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** What one primitive tests. `host` is a network with a full-length prefix. */
export type FlowMatch =
  | { readonly kind: 'proto'; readonly proto: FlowProto }
  | { readonly kind: 'host' | 'net'; readonly dir: FlowDirection; readonly cidr: FlowCidr }
  | {
      readonly kind: 'port' | 'portrange';
      readonly dir: FlowDirection;
      /** null: tcp or udp (tcpdump's `port` without a protocol qualifier). */
      readonly proto: 'tcp' | 'udp' | null;
      readonly range: PortRange;
    };

/** The filter's syntax tree; `and`/`or` are binary and left-associative, as tcpdump parses them. */
export type FlowExpr =
  | { readonly kind: 'and' | 'or'; readonly op: FlowToken; readonly left: FlowExpr; readonly right: FlowExpr }
  | { readonly kind: 'not'; readonly op: FlowToken; readonly operand: FlowExpr }
  | {
      readonly kind: 'primitive';
      /** Every token of the primitive, e.g. `tcp`, `src`, `port`, `22`. */
      readonly tokens: readonly FlowToken[];
      /** The token that carries the value (address, port) or the protocol word; errors point here. */
      readonly value: FlowToken;
      readonly match: FlowMatch;
    };

/** A validated flow: the filter (null = everything) ANDed with the interfaces. */
export interface FlowSpec {
  readonly expr: FlowExpr | null;
  /** Input / output interface as the user gave it; a trailing `+` is a prefix wildcard. */
  readonly iif: string | null;
  readonly oif: string | null;
  /** The filter exactly as typed. */
  readonly text: string;
}

/** Why a filter or interface was refused, and where. */
export interface FlowError {
  /** One line, e.g. `bad filter at column 6: "10.0.0.256" is not an IPv4 address`. */
  readonly message: string;
  /** 0-based offset (UTF-16 code units) in the filter, or in the interface name for `in`/`out`. */
  readonly position: number;
  /** The offending token (for `in`/`out`: the whole interface name); '' at the end of the filter. */
  readonly token: string;
  /** Which input is wrong: the filter, `-i/--in` or `-o/--out`. */
  readonly source: 'filter' | 'in' | 'out';
}
