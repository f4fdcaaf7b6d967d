// Captures from a lab fwtrace's own lab code never saw (test/fixtures/unseen/README.md): its own namespaces, names,
// tables and chains (an nft nat chain in a table called `unseen_nat`), checked against what the kernel's counters
// and a packet capture showed. Each case is one of the mistakes that review found, now fixed.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const fixtures = fixtureReplay('unseen');
const replay = (capture: string, ...rules: string[]): Trace[] => fixtures.replay(capture, ...rules).traces;

function byId(traces: readonly Trace[], id: string): Trace {
  const t = traces.find((x) => x.id === id);
  if (t === undefined) throw new Error(`no trace ${id}`);
  return t;
}

const where = (t: Trace): string => `${t.verdict.action} ${t.verdict.table}/${t.verdict.chain} ${t.verdict.by}`;

describe('an nft nat chain in a table of any name only passes packets on', () => {
  it.each([
    ['with the ruleset', ['nft-a-tls.ruleset.nft']],
    ['without it (the snat statement says the chain is a nat chain)', []],
  ])('the SYN to 443 is accepted by from_alice, not by unseen_nat/nat_post (%s)', (_, rules) => {
    const traces = replay('nft-a-tls.nft-monitor.txt', ...rules);
    expect(traces).toHaveLength(10); // the trace rule counted 10 packets
    const syn = byId(traces, 'e4e5b744');
    expect(where(syn)).toBe('accept unseen/from_alice rule');
    if (rules.length > 0) expect(syn.verdict.rule?.position).toBe(1);
    expect(syn.nat.map((n) => [n.kind, n.from, n.to])).toEqual([['snat', '10.77.1.10:41001', '10.77.9.1']]);
  });

  it('106 interleaved packets of four flows: one trace each, none decided by a nat chain', () => {
    const traces = replay('nft-parallel.nft-monitor.txt', 'nft-parallel.ruleset.nft');
    expect(traces).toHaveLength(106);
    const chains = new Set(traces.map((t) => `${t.verdict.action} ${t.verdict.table}/${t.verdict.chain}`));
    expect([...chains].sort()).toEqual(['accept unseen/from_alice', 'accept unseen/from_bob', 'accept unseen/fw_fwd']);
  });
});

describe('`ct status dnat` is a match, not a DNAT', () => {
  it('the DNATed SYN shows the prerouting DNAT and the MASQUERADE, nothing in forward', () => {
    for (const rules of [['nft-b-dnat.ruleset.nft'], []]) {
      const syn = byId(replay('nft-b-dnat.nft-monitor.txt', ...rules), '427dca36');
      expect(where(syn)).toBe('accept unseen/fw_fwd rule');
      // Without the ruleset too: `nat_pre` and `nat_post` name their hooks (trace/base-hook).
      expect(syn.nat.map((n) => [n.kind, n.hook])).toEqual([
        ['dnat', 'prerouting'],
        ['masquerade', 'postrouting'],
      ]);
      expect(syn.nat[0]).toMatchObject({ from: '10.77.2.1:8088', to: '10.77.9.99:443' });
    }
  });
});

describe('a trace cut short is unknown, not the last accept before the cut', () => {
  it.each([
    ['cut-after-goto.nft-monitor.txt', 'a rule of unseen/fw_fwd (goto from_alice)'],
    ['cut-after-jump.nft-monitor.txt', 'a rule of unseen/fw_fwd (jump audit_in)'],
    ['cut-after-packet-line.nft-monitor.txt', 'unseen_nat/nat_pre (policy accept)'],
    ['cut-xtables-monitor-died.xtables-monitor.txt', 'mangle/PREROUTING rule handle 6 (continue)'],
  ])('%s', (file, end) => {
    const [t, ...more] = replay(file);
    expect(more).toHaveLength(0);
    expect(t!.verdict).toEqual({ action: 'unknown', hook: null, table: null, chain: null, by: null, rule: null });
    expect(t!.explanation).toBe(
      `no verdict seen: the trace ends at ${end}; events were lost, the reader stopped, or the capture ends mid-packet`,
    );
    expect(t!.why?.decidedBy ?? null).toBeNull();
  });
});

describe('near misses of a drop after a goto', () => {
  const [t] = replay('legacy-a-goto-fall.kmsg.txt', 'legacy-a-goto-fall.iptables-save.txt');

  it('the goto chain fell off its end: dropped by the FORWARD policy', () => {
    expect(where(t!)).toBe('drop filter/FORWARD policy');
  });

  it('only the rules the packet met: FORWARD up to the goto, and FROM_ALICE through it', () => {
    const misses = t!.why!.nearMisses;
    expect(misses.length).toBeGreaterThan(0);
    for (const n of misses) {
      expect(n.rule.position).toBeLessThanOrEqual(3); // rule 3 is `-i lanA -g FROM_ALICE`
      if (n.rule.position === 3) expect(n.via[0]?.chain).toBe('FROM_ALICE');
    }
    expect(misses[0]!.text).toBe(
      'rule 3 would accept tcp dport 443 (via FROM_ALICE rule 1), but this packet goes to port 9000',
    );
  });

  it('no rule after the goto, and no rule whose own condition fails, is listed as cannot compare', () => {
    expect(t!.why!.cannotCompare).toEqual([]);
  });
});

describe('iptables-nft rules nft cannot translate', () => {
  it('`XT target MASQUERADE not found` in the ruleset still names the rule the trace printed without it', () => {
    const traces = replay(
      'xt-v6-masq.nft-monitor.txt',
      'xt-v6-masq.ruleset.nft',
      'xt-v6-masq.iptables-save.txt',
      'xt-v6-masq.ip6tables-save.txt',
    );
    const syn = byId(traces, '284d140e');
    expect(syn.nat.map((n) => [n.kind, n.hook, n.from, n.to])).toEqual([
      ['masquerade', 'postrouting', '[fd77:2::20]:42401', null],
    ]);
    expect(syn.steps.find((s) => s.chain === 'POSTROUTING' && s.table === 'nat')?.rule?.text).toBe(
      '-A POSTROUTING -s fd77:2::/64 -o dmz0 -j MASQUERADE',
    );
  });
});

describe('a packet the kernel gives a new trace id on the way (routed out of a bridge)', () => {
  const rules = ['bridge-docker.ruleset.nft', 'bridge-docker.iptables-save.txt'];

  it.each([
    ['id-change-syn.nft-monitor.txt', '8a97197d', 'accept filter/DOCKER-FORWARD rule', [['masquerade', 'postrouting']]],
    ['id-change-reply.nft-monitor.txt', '57e2161a', 'accept filter/KUBE-FORWARD rule', [['dnat', 'prerouting']]],
  ])('%s: one trace from prerouting to the verdict, under its first id', (file, id, verdict, nat) => {
    const traces = replay(file, ...rules);
    expect(traces.map((t) => t.id)).toEqual([id]);
    expect(where(traces[0]!)).toBe(verdict);
    expect(traces[0]!.steps[0]!.hook).toBe('prerouting');
    expect(traces[0]!.nat.map((n) => [n.kind, n.hook])).toEqual(nat);
  });

  it.each(['bridge-docker.nft-monitor.txt', 'bridge-docker.xtables-monitor.txt'])(
    '%s: as many traces as the trace rule counted packets (45), none stopped in prerouting',
    (file) => {
      const traces = replay(file, ...rules);
      expect(traces).toHaveLength(45);
      expect(traces.filter((t) => t.verdict.hook === 'prerouting')).toEqual([]);
    },
  );
});
