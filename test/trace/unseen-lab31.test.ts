// Loopback under load (30 parallel local connections, 127.0.0.1 and ::1, an OUTPUT DNAT to 127.0.0.1, local drops
// at INPUT) from a thirty-first review lab (test/fixtures/unseen31/README.md): one trace per packet over lo.
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen31');

describe('every packet over lo is one trace, out and back in', () => {
  it.each([
    ['nft-lo.txt.gz', ['nft-lo.ruleset'], 857, 12],
    ['nft-lo2.txt.gz', ['nft-lo2.ruleset'], 1710, 42],
    ['xt-lo.txt.gz', ['xt-lo.iptables-save', 'xt-lo.ip6tables-save'], 911, 12],
    ['kl-lo.dmesg.txt.gz', ['kl-lo.iptables-save', 'kl-lo.ip6tables-save'], 261, 3],
  ])('%s: %i traces, %i dropped at input', (capture, rules, packets, drops) => {
    const traces = replay(capture, ...rules).traces;
    expect(traces).toHaveLength(packets);
    expect(traces.filter((t) => t.verdict.action === 'drop' && t.verdict.hook === 'input')).toHaveLength(drops);
    // Nothing decided at output: every packet went on over lo to input.
    expect(tally(traces, (t) => t.verdict.hook ?? 'none')).toEqual({ input: packets });
  });

  it.each([
    ['nft-lo.txt.gz', 857, 12],
    ['nft-lo2.txt.gz', 1710, 42],
  ])(
    '%s without its ruleset: the base chains `out` and `pre` are placed by their names (%i traces)',
    (capture, n, drops) => {
      const traces = replay(capture).traces;
      expect(traces).toHaveLength(n); // was 1714 and 3417: no hook, no loopback join
      expect(tally(traces, (t) => `${t.verdict.action} ${t.verdict.hook}`)).toEqual({
        'accept input': n - drops,
        'drop input': drops,
      });
    },
  );

  it('a burst of SYNs out before any is back in (retransmission timers firing together) are all joined', () => {
    const traces = replay('nft-lo2.txt.gz', 'nft-lo2.ruleset').traces;
    const a = traces.find((t) => t.id === '4c9476b9')!;
    expect(a.steps.map((s) => s.hook)).toContain('input');
    expect(a.verdict).toMatchObject({ action: 'drop', hook: 'input' });
    expect(traces.find((t) => t.id === '13093de6')).toBeUndefined();
  });

  it('a connection DNATed in output to 127.0.0.1: its first packet keeps the DNAT, its later ones join too', () => {
    const traces = replay('nft-lo.txt.gz', 'nft-lo.ruleset').traces;
    const syn = traces.find((t) => t.id === '42cd10d6')!;
    expect(syn.nat).toMatchObject([{ hook: 'output', kind: 'dnat', from: '10.31.0.1:6666', to: '127.0.0.1:8080' }]);
    expect(syn.explanation).toBe(
      'accepted by rule 2 of rv31/input (counter accept), after DNAT 10.31.0.1:6666 -> 127.0.0.1:8080 in output',
    );
    expect(traces.find((t) => t.id === 'c339e081')).toBeUndefined();
    const ack = traces.find((t) => t.id === '7ce6c45b')!;
    expect(ack.steps.map((s) => s.hook)).toContain('input');
  });
});
