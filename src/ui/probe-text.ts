// The probe in one line for people (plain output, the TUI status line). Pure.
import type { ProbeAnswer, ProbeProto, ProbeResult } from '../model/probe.js';

const KIND: Record<ProbeProto, string> = {
  tcp: 'TCP SYN',
  udp: 'UDP datagram',
  icmp: 'ICMP echo request',
  icmpv6: 'ICMPv6 echo request',
};

const ANSWER: Record<NonNullable<ProbeAnswer>, string> = {
  'syn-ack': 'answered with SYN/ACK',
  refused: 'refused (RST or ICMP port unreachable)',
  unreachable: 'ICMP unreachable came back',
  'echo-reply': 'echo reply came back',
  none: 'no answer',
};

function endpoint(address: string | null, port: number | null): string {
  const a = address ?? '?';
  if (port === null) return a;
  return a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`;
}

/** `probe: sent TCP SYN 10.0.0.2:40000 -> 10.0.0.5:5432 from netns c; no answer` or `probe NOT sent: …: why`. */
export function probeLine(p: ProbeResult): string {
  const from = p.from === null ? '' : ` from netns ${p.from}`;
  const source = p.src === null && p.sport === null ? 'to ' : `${endpoint(p.src, p.sport)} -> `;
  const flow = `${KIND[p.proto]} ${source}${endpoint(p.dst, p.dport)}${from}`;
  if (!p.sent) return `probe NOT sent: ${flow}: ${p.error ?? 'unknown error'}`;
  const answer = p.answer === null ? '' : `; ${ANSWER[p.answer]}`;
  const note = p.error === null ? '' : ` (${p.error})`;
  return `probe: sent ${flow}${answer}${note}`;
}
