// Hand-built traces for the host-check tests: the steps a real nft trace shows for a packet (see
// test/fixtures/host/hostchecks/README.md), with the final verdict taken from them like src/trace does.
import type { Hook, StepVerdict } from '../../src/model/common.js';
import type { PacketInfo } from '../../src/model/packet.js';
import type { FinalVerdict, NatRewrite, Trace, TraceStep } from '../../src/model/trace.js';

export function step(
  hook: Hook,
  chain: string,
  verdict: StepVerdict,
  text: string | null = null,
  table = 'filter',
): TraceStep {
  return {
    hook,
    family: 'inet',
    table,
    chain,
    kind: text === null ? 'policy' : 'rule',
    rule: text === null ? null : { handle: 3, position: 2, text, packets: null, bytes: null },
    verdict,
    target: null,
  };
}

/** The tracer's own prerouting chain (`meta nftrace set 1`, continue; policy accept), as every live nft trace starts. */
export const TRACER: readonly TraceStep[] = [
  step('prerouting', 'pre', 'continue', 'ip daddr 10.78.2.2 meta nftrace set 1', 'fwtrace_1_a'),
  step('prerouting', 'pre', 'accept', null, 'fwtrace_1_a'),
];

export interface TraceParts {
  readonly packet: PacketInfo;
  readonly steps: readonly TraceStep[];
  readonly nat?: readonly NatRewrite[];
  readonly explanation?: string;
}

/** The deciding step: the first drop/reject, else the last accept (like src/trace/verdict.ts). */
export function trace(parts: TraceParts): Trace {
  const steps = parts.steps;
  let at = steps.findIndex((s) => s.verdict === 'drop' || s.verdict === 'reject');
  if (at < 0) at = steps.map((s) => s.verdict).lastIndexOf('accept');
  const s = steps[at];
  const verdict: FinalVerdict = s
    ? {
        action: s.verdict === 'drop' || s.verdict === 'reject' ? s.verdict : 'accept',
        hook: s.hook,
        table: s.table,
        chain: s.chain,
        by: s.kind === 'policy' ? 'policy' : 'rule',
        rule: s.kind === 'policy' ? null : s.rule,
      }
    : { action: 'unknown', hook: null, table: null, chain: null, by: null, rule: null };
  return {
    id: 't1',
    backend: 'nft',
    time: null,
    packet: parts.packet,
    steps,
    verdict,
    nat: parts.nat ?? [],
    explanation: parts.explanation ?? `${verdict.action} by the policy of ${verdict.table}/${verdict.chain}`,
  };
}

/** Client 10.78.1.2 -> server 10.78.2.2, arriving on the router's hc-rc. */
export const UDP: PacketInfo = {
  ipVersion: 4,
  proto: 'udp',
  src: '10.78.1.2',
  dst: '10.78.2.2',
  sport: 40000,
  dport: 53,
  iif: 'hc-rc',
  oif: '',
};

export const SYN: PacketInfo = { ...UDP, proto: 'tcp', dport: 5432, tcpFlags: ['SYN'] };

/** Accepted in prerouting, nothing after: what the router's trace shows when routing drops the packet. */
export function stoppedInPrerouting(packet: PacketInfo, nat: readonly NatRewrite[] = []): Trace {
  return trace({ packet, steps: TRACER, nat, explanation: 'accepted by the ACCEPT policy of fwtrace_1_a/pre' });
}

/** Accepted into INPUT on the server (arriving on hc-s). */
export function deliveredToInput(packet: PacketInfo): Trace {
  return trace({
    packet: { ...packet, iif: 'hc-s' },
    steps: [...TRACER, step('input', 'input', 'accept', null)],
    explanation: 'accepted by the ACCEPT policy of filter/input',
  });
}
