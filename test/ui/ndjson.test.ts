import { describe, expect, it } from 'vitest';
import { traceJsonLine, wireTrace } from '../../src/ui/json/schema.js';
import { Assembler } from '../../src/trace/assembler.js';
import { pkt, policy, rule, SYN } from '../trace/events.js';
import { RUNS, traces } from '../explain/captures.js';

describe('NDJSON trace records', () => {
  it('the fast writer gives exactly JSON.stringify(wireTrace(t)), key order included', () => {
    const a = new Assembler({ idle: 10, maxOpen: 10 });
    const nat = { table: 'nat', chain: 'PREROUTING' };
    const fwd = { table: 'filter', chain: 'FORWARD' };
    a.push(pkt(nat, { ...SYN, dst: '10.96.0.10', dport: 80 }), 0);
    a.push(rule(nat, 'accept', '-A PREROUTING -j DNAT --to-destination 10.0.2.2:80', null, 7), 1);
    a.push(pkt(fwd, { ...SYN, dport: 80, oif: 's0' }), 2);
    const [t] = a.push(policy(fwd, 'drop'), 3);
    const line = traceJsonLine(t!);
    expect(line).toBe(JSON.stringify(wireTrace(t!)));
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'type',
      'v',
      'id',
      'backend',
      'time',
      'packet',
      'steps',
      'verdict',
      'nat',
      'explanation',
      'why',
      'kubernetes',
      'host',
    ]);
    expect(parsed['verdict']).toMatchObject({ action: 'drop', by: 'policy', chain: 'FORWARD' });
  });

  it('with why, kubernetes and owners too (shared near-miss lists included)', () => {
    for (const run of RUNS) {
      for (const scenario of ['default-drop', 'db-denied', 'kube-service']) {
        for (const t of traces(run, scenario)) {
          const line = traceJsonLine(t);
          expect(line).toBe(JSON.stringify(wireTrace(t)));
          const parsed = JSON.parse(line) as { why: unknown; kubernetes: unknown; steps: { owner: unknown }[] };
          expect(parsed.why).toEqual(t.why);
          expect(parsed.steps.every((s) => s.owner === null || typeof s.owner === 'string')).toBe(true);
        }
      }
    }
  });
});
