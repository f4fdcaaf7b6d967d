// Which traces a live run claims when several fwtrace runs trace in one namespace (nft and xtables
// readers see every traced packet there): found by the kernel suite (test/kernel/concurrent.test.ts).
import { describe, expect, it } from 'vitest';
import { claimTrace } from '../../../src/app/live/ownership.js';
import { parseFlow } from '../../../src/flow/parse-flow.js';
import type { FlowSpec } from '../../../src/model/flow.js';
import type { Trace, TraceStep } from '../../../src/model/trace.js';

const flow = (text: string): FlowSpec => {
  const r = parseFlow(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const step = (table: string, chain: string, kind: TraceStep['kind'], verdict: TraceStep['verdict']): TraceStep => ({
  hook: table.startsWith('fwtrace') ? 'unknown' : 'forward',
  family: 'inet',
  table,
  chain,
  kind,
  rule: kind === 'rule' ? { handle: 5, position: null, text: null, packets: null, bytes: null } : null,
  verdict,
  target: null,
});

const trace = (steps: TraceStep[], dport: number): Trace => ({
  id: 'abc',
  backend: 'nft',
  time: null,
  packet: { ipVersion: 4, proto: 'tcp', src: '10.66.1.2', dst: '10.66.2.2', sport: 40005, dport },
  steps,
  verdict: { action: 'drop', hook: 'forward', table: 'filter', chain: 'forward', by: 'policy', rule: null },
  nat: [],
  explanation: '',
});

const A = '100_aaaa';
const B = '200_bbbb';
const filter = [step('filter', 'forward', 'policy', 'drop')];

describe('claimTrace', () => {
  it('a packet marked by another run only is not ours, even though it passed our chain afterwards', () => {
    // The other run's table (same priority, created later) ran first and set nftrace; ours shows its policy.
    const t = trace(
      [
        step(`fwtrace_${B}`, 'trace_pre', 'rule', 'continue'),
        step(`fwtrace_${B}`, 'trace_pre', 'policy', 'accept'),
        step(`fwtrace_${A}`, 'trace_pre', 'policy', 'accept'),
        ...filter,
      ],
      9999,
    );
    expect(claimTrace(t, A, flow('tcp port 5432'))).toBeNull();
    expect(claimTrace(t, B, flow('tcp port 9999'))?.steps).toEqual(filter);
  });

  it('a packet marked by our rule is ours; no fwtrace table stays in its path', () => {
    const t = trace(
      [
        step(`fwtrace_${A}`, 'trace_pre', 'rule', 'continue'),
        step(`fwtrace_${A}`, 'trace_pre', 'policy', 'accept'),
        step(`fwtrace_${B}`, 'trace_pre', 'rule', 'continue'),
        ...filter,
      ],
      5432,
    );
    expect(claimTrace(t, A, flow('tcp port 5432'))?.steps).toEqual(filter);
  });

  it('an unmarked trace (kernel log) is ours when the packet may match the flow', () => {
    const t = trace(filter, 9999);
    expect(claimTrace(t, A, flow('tcp port 9999'))).toBe(t);
    expect(claimTrace(t, A, flow('tcp port 5432'))).toBeNull();
  });
  it('a verdict only our own chain gave names no fwtrace table: the explanation says no chain of the firewall decided', () => {
    const ours = [
      step(`fwtrace_${A}`, 'trace_pre', 'rule', 'continue'),
      step(`fwtrace_${A}`, 'trace_pre', 'policy', 'accept'),
    ];
    const verdict = {
      action: 'accept' as const,
      hook: 'prerouting' as const,
      table: `fwtrace_${A}`,
      chain: 'trace_pre',
      by: 'policy' as const,
      rule: null,
    };
    const alone = claimTrace(
      { ...trace(ours, 80), verdict, explanation: `accepted by the ACCEPT policy of fwtrace_${A}/trace_pre` },
      A,
      flow('tcp port 80'),
    );
    expect(alone?.steps).toEqual([]);
    expect(alone?.verdict).toEqual({
      action: 'accept',
      hook: 'prerouting',
      table: null,
      chain: null,
      by: null,
      rule: null,
    });
    expect(alone?.explanation).toBe(
      "accepted: no chain of this firewall is on its path (only fwtrace's own trace chain saw it)",
    );
    const nat = step('nat', 'prerouting', 'policy', 'accept');
    const after = claimTrace({ ...trace([...ours, nat], 80), verdict }, A, flow('tcp port 80'));
    expect(after?.explanation).toBe(
      'accepted: no rule or policy stopped it; the last chain it passed was nat/prerouting (forward)',
    );
  });
});
