// `--probe`: one real packet that matches the filter, sent once the trace is armed. Types only.

export type ProbeProto = 'tcp' | 'udp' | 'icmp' | 'icmpv6';

/** The packet to send: a TCP SYN, a UDP datagram or an ICMP echo request. Addresses normalised. */
export interface ProbeSpec {
  readonly proto: ProbeProto;
  readonly ipVersion: 4 | 6;
  readonly dst: string;
  /** TCP/UDP only. */
  readonly dport: number | null;
  /** null: the kernel picks the source address (the route's). */
  readonly src: string | null;
  /** TCP/UDP only; null: an ephemeral port. */
  readonly sport: number | null;
}

/** What a live run does with the probe (LiveConfig.probe). */
export interface ProbeRun {
  readonly spec: ProbeSpec;
  /** Network namespace it is sent from; null: fwtrace's own (the host's). */
  readonly from: string | null;
  /** When no trace shows up this many seconds after the probe: say so, and stop the run if `stop`. */
  readonly noTrace: { readonly afterSec: number; readonly stop: boolean };
}

/**
 * What came back, as far as the sender can tell: `syn-ack` (a listener), `refused` (a TCP RST or an ICMP
 * port unreachable, e.g. a REJECT rule), `unreachable` (ICMP host/net unreachable), `echo-reply`, `none`
 * (nothing within the wait: dropped somewhere, or nobody there), null (not waited for: UDP; or not sent).
 */
export type ProbeAnswer = 'syn-ack' | 'refused' | 'unreachable' | 'echo-reply' | 'none' | null;

/** What was sent (NDJSON `probe`). */
export interface ProbeResult {
  readonly sent: boolean;
  readonly proto: ProbeProto;
  /** The source address/port the packet left with, when known (the kernel may pick them). */
  readonly src: string | null;
  readonly sport: number | null;
  readonly dst: string;
  readonly dport: number | null;
  /** The network namespace it was sent from; null: the host's. */
  readonly from: string | null;
  readonly answer: ProbeAnswer;
  /** Why it was not sent (or what went wrong after), one line; null when all went well. */
  readonly error: string | null;
}
