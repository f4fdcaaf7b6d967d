// The sender's protocol: its one argument (a JSON object), validated (it runs as root inside a
// namespace and trusts nothing it is given), and its one line of output. Pure; no I/O.
import type { Result } from '../model/common.js';
import type { ProbeAnswer } from '../model/probe.js';
import { parseAddress } from '../flow/address.js';

/** A TCP SYN or a UDP datagram to send (ICMP goes through ping). */
export interface SocketProbe {
  readonly proto: 'tcp' | 'udp';
  readonly dst: string;
  readonly dport: number;
  readonly src: string | null;
  readonly sport: number | null;
  /** How long to wait for an answer (TCP: SYN/ACK or RST) before giving up. */
  readonly waitMs: number;
}

/**
 * Below the kernel's first SYN retransmission (1 s), so exactly one SYN leaves; and short, so the probe's
 * report usually comes before its trace (a trace is complete after 1 s of quiet).
 */
export const TCP_WAIT_MS = 500;

const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;

/** The JSON text the sender is run with. */
export function encodeSendArgs(p: SocketProbe): string {
  return JSON.stringify({ proto: p.proto, dst: p.dst, dport: p.dport, src: p.src, sport: p.sport, waitMs: p.waitMs });
}

/** A SocketProbe from the sender's argument, or why it is not one. */
export function decodeSendArgs(text: string | undefined): Result<SocketProbe, string> {
  if (text === undefined) return { ok: false, error: 'usage: fwtrace __probe-send JSON' };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, error: 'the argument is not JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { ok: false, error: 'the argument is not an object' };
  const o = v as Record<string, unknown>;
  if (o['proto'] !== 'tcp' && o['proto'] !== 'udp') return { ok: false, error: 'proto must be tcp or udp' };
  const dst = typeof o['dst'] === 'string' ? parseAddress(o['dst']) : null;
  if (!dst?.ok) return { ok: false, error: 'dst must be an IP address' };
  if (!isPort(o['dport'])) return { ok: false, error: 'dport must be a port from 1 to 65535' };
  let src: string | null = null;
  if (o['src'] !== null && o['src'] !== undefined) {
    const s = typeof o['src'] === 'string' ? parseAddress(o['src']) : null;
    if (!s?.ok || s.value.version !== dst.value.version)
      return { ok: false, error: 'src must be an address of the same IP version as dst' };
    src = s.value.address;
  }
  const sportRaw = o['sport'] ?? null;
  let sport: number | null = null;
  if (sportRaw !== null) {
    if (!isPort(sportRaw)) return { ok: false, error: 'sport must be null or a port from 1 to 65535' };
    sport = sportRaw;
  }
  const waitMs = o['waitMs'] ?? TCP_WAIT_MS;
  if (typeof waitMs !== 'number' || !Number.isInteger(waitMs) || waitMs < 0 || waitMs > 10_000)
    return { ok: false, error: 'waitMs must be an integer from 0 to 10000' };
  return {
    ok: true,
    value: { proto: o['proto'], dst: dst.value.address, dport: o['dport'], src, sport, waitMs },
  };
}

/** The sender's report (src/app/probe-sender.ts prints it as one JSON line). */
export interface SenderReport {
  readonly sent: boolean;
  readonly src: string | null;
  readonly sport: number | null;
  readonly answer: ProbeAnswer;
  readonly error: string | null;
}

const ANSWERS: readonly ProbeAnswer[] = ['syn-ack', 'refused', 'unreachable', 'echo-reply', 'none', null];

/** The report in the sender's stdout (its last JSON line), or null when there is none. */
export function decodeSenderReport(stdout: string): SenderReport | null {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))
    .pop();
  if (line === undefined) return null;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);
  const answer = ANSWERS.find((a) => a === o['answer']) ?? null;
  return {
    sent: o['sent'] === true,
    src: str(o['src']),
    sport: isPort(o['sport']) ? o['sport'] : null,
    answer,
    error: str(o['error']),
  };
}
