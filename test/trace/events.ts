// Small constructors for hand-written trace events in assembler tests.
import type { TraceEvent } from '../../src/model/event.js';
import type { PacketInfo } from '../../src/model/packet.js';
import type { StepVerdict } from '../../src/model/common.js';

type Where = { id?: string; table: string; chain: string; family?: 'ip' | 'ip6' | 'inet' };

const base = (w: Where) => ({
  source: 'nft' as const,
  traceId: w.id ?? 'aaaa0001',
  family: w.family ?? 'ip',
  table: w.table,
  chain: w.chain,
});

export const pkt = (w: Where, packet: PacketInfo): TraceEvent => ({ ...base(w), kind: 'packet', packet });
export const rule = (
  w: Where,
  verdict: StepVerdict,
  text: string,
  target: string | null = null,
  handle: number | null = null,
): TraceEvent => ({
  ...base(w),
  kind: 'rule',
  handle,
  text,
  verdict,
  target,
});
export const policy = (w: Where, verdict: StepVerdict): TraceEvent => ({ ...base(w), kind: 'policy', verdict });

export const SYN: PacketInfo = {
  ipVersion: 4,
  proto: 'tcp',
  src: '10.0.1.2',
  dst: '10.0.2.2',
  sport: 40000,
  dport: 5432,
  iif: 'c0',
  ipId: 7,
  len: 60,
  tcpFlags: ['SYN'],
};
