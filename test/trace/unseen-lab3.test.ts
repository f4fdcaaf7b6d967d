// Captures from a third review lab (test/fixtures/unseen3/README.md): native nft with two filter tables on one hook,
// the same rule text twice in a chain, and traces that print handles read with rulesets that have none. Each case is
// a mistake that review found, now fixed, checked against the rules' own counters.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { replayText } from '../helpers/replay-text.js';

const { read, replay } = fixtureReplay('unseen3');

const where = (t: Trace): string =>
  `${t.id} ${t.verdict.action} ${t.verdict.table}/${t.verdict.chain} ${t.verdict.rule?.position ?? t.verdict.by}`;

describe('two filter tables on the forward hook: a trace that stops after the first is not its verdict', () => {
  const CUT =
    'no verdict seen: the trace ends at a/from_cli rule 1 (accept), short of b/fwd_b at forward, which every packet there meets next; the kernel dropped it between them, events were lost, the reader stopped, or the capture ends mid-packet';

  it('whole: table b (priority filter + 10) drops what table a accepted', () => {
    const { traces } = replay('two-tables-full.nft-monitor.txt', 'two-tables.ruleset.nft');
    expect(traces.map(where)).toEqual(['dbdf0388 drop b/fwd_b 2', '8efb4efd drop b/fwd_b 2']);
  });

  it('cut after table a accepted: unknown, naming the chain it never reached', () => {
    const { traces } = replay('two-tables-cut.nft-monitor.txt', 'two-tables.ruleset.nft');
    expect(traces.map(where)).toEqual(['dbdf0388 unknown null/null null']);
    expect(traces[0]!.explanation).toBe(CUT);
    expect(traces[0]!.why?.decidedBy).toBeNull();
  });

  it('events lost after table a: that packet is unknown, the next one whole', () => {
    const { traces, lost } = replay('two-tables-lost.nft-monitor.txt', 'two-tables.ruleset.nft');
    expect(lost).toBe(1);
    expect(traces.map(where)).toEqual(['dbdf0388 unknown null/null null', '8efb4efd drop b/fwd_b 2']);
  });

  it('without a ruleset nothing says table b exists: the accept stands', () => {
    const { traces } = replay('two-tables-cut.nft-monitor.txt');
    expect(traces.map((t) => t.verdict.action)).toEqual(['accept']);
  });
});

describe('the same rule text twice in a chain, traced without handles', () => {
  it('the rule after the one the packet was at: mark set (rule 2), then the drop that is rule 3', () => {
    const [t] = replay('dup-text.nft-monitor.txt', 'dup-text.ruleset.nft').traces;
    const inD = t!.steps.filter((s) => s.table === 'd' && s.kind === 'rule').map((s) => s.rule?.position);
    expect(inD).toEqual([2, 3]);
    expect(where(t!)).toMatch(/ drop d\/fwdd 3$/);
    expect(t!.verdict.rule?.packets).toBe(1); // rule 1, the same text, counted 0
  });

  it('three `log prefix "dup "` rules: positions 1, 3, 5 in order, and each rule as often as its counter', () => {
    const { traces } = replay('dup-log.nft-monitor.txt', 'dup-log.ruleset.nft');
    const seen = new Map<number, number>();
    for (const t of traces) {
      const positions = t.steps.filter((s) => s.chain === 'fwdd' && s.kind === 'rule').map((s) => s.rule!.position!);
      expect([
        [1, 2],
        [1, 3, 4],
        [1, 3, 5],
      ]).toContainEqual(positions);
      for (const p of positions) seen.set(p, (seen.get(p) ?? 0) + 1);
    }
    // `counter packets N` of rules 1..5 in dup-log.ruleset.nft.
    expect([...seen].sort((a, b) => a[0] - b[0])).toEqual([
      [1, 11],
      [2, 5],
      [3, 6],
      [4, 1],
      [5, 5],
    ]);
  });
});

describe('a trace with handles, a ruleset without: rules are found by their text', () => {
  it('xtables-monitor with iptables-save: positions, counters and near misses', () => {
    const { traces } = replay(
      'no-handles.xtables-monitor.txt',
      'no-handles.iptables-save.txt',
      'no-handles.ip6tables-save.txt',
    );
    const logDrop = traces.filter((t) => t.verdict.chain === 'LOG_DROP');
    expect(logDrop.map((t) => t.explanation)).toEqual([
      'dropped by rule 2 of filter/LOG_DROP (-A LOG_DROP -j DROP), reached from FORWARD rule 5; closest: FORWARD rule 4 would accept tcp dport 80 to 10.83.2.2/32 (via FROM_CLI rule 1), but this packet goes to port 8888',
    ]);
    // Every rule step has its position, but the last line xtables-monitor printed before dying (its rule text cut off).
    const missing = traces.flatMap((t) => t.steps.filter((s) => s.kind === 'rule' && s.rule?.position == null));
    expect(missing.map((s) => `${s.table}/${s.chain} ${s.rule?.text ?? 'no text'}`)).toEqual([
      'filter/FORWARD no text',
    ]);
  });

  it('nft -a monitor trace with nft list ruleset (no -a): positions from the rule text', () => {
    const { traces } = replay('no-handles.nft-a-monitor.txt', 'no-handles.ruleset.nft');
    expect(traces).toHaveLength(63);
    const rules = traces.flatMap((t) => t.steps.filter((s) => s.kind === 'rule'));
    expect(rules.filter((s) => s.rule?.position == null)).toEqual([]);
    expect(rules.every((s) => s.rule?.handle != null)).toBe(true);
  });
});

it('near misses follow a verdict map into the chains it jumps to, less the rules the trace shows the packet passed', () => {
  const [t] = replay('vmap-drop.nft-monitor.txt', 'vmap-drop.ruleset.nft').traces;
  expect(t!.explanation).toMatch(/^dropped by the DROP policy of a\/fwd_a: no rule accepted it/);
  // The trace shows the packet at from_cli rule 4 (tcp dport 8888 return): rule 1 ran before and did not accept,
  // its set lookup kept the packet out.
  expect(t!.why!.nearMisses.filter((m) => m.via.some((v) => v.chain === 'from_cli')).map((m) => m.text)).toEqual([
    'rule 3 accepts tcp (via from_cli rule 1), but did not take this packet: ip daddr . tcp dport @svc',
  ]);
  // It stays among the rules fwtrace cannot compare too.
  expect(t!.why!.cannotCompare.map((c) => `${c.chain} ${c.rule.position} via ${c.via[0]?.chain}`)).toEqual([
    'fwd_a 3 via from_cli',
  ]);
  // Without that line the trace no longer shows rule 1 passed: it is a near miss through the map's jump.
  const lines = read('vmap-drop.nft-monitor.txt').split('\n');
  const cut = lines.filter((l) => !/ a from_cli rule .* return /.test(l)).join('\n');
  expect(cut.length).toBeLessThan(lines.join('\n').length);
  const [u] = replayText(cut, { dumps: [read('vmap-drop.ruleset.nft')] }).traces;
  const fromCli = u!.why!.nearMisses.find((m) => m.via.some((v) => v.chain === 'from_cli'));
  expect(fromCli?.text).toBe(
    'rule 3 might accept tcp (via from_cli rule 1); cannot compare: ip daddr . tcp dport @svc',
  );
  expect(u!.why!.cannotCompare.map((c) => c.rule.position)).toEqual([3]);
});

it('without a ruleset an nft chain has no known hook: NAT is told without `in unknown`', () => {
  const explanations = replay('no-handles.nft-a-monitor.txt').traces.map((t) => t.explanation);
  expect(explanations.filter((e) => e.includes(', after MASQUERADE ')).length).toBeGreaterThan(0);
  expect(explanations.filter((e) => e.includes(' in unknown'))).toEqual([]);
});

it('two filtering tables on one hook: the rule of the first that let the packet through is named with the policy of the second', () => {
  const { traces } = replay('no-handles.nft-a-monitor.txt', 'no-handles.ruleset.nft');
  const forwarded = traces.filter((t) => t.verdict.chain === 'fwd_b' && t.verdict.action === 'accept');
  expect(forwarded.length).toBeGreaterThan(0);
  for (const t of forwarded)
    expect(t.explanation).toMatch(
      /^accepted by rule \d+ of a\/\w+ \([^)]*\)(, reached from fwd_a rule \d+( \([^)]*\))?)?, and by the ACCEPT policy of b\/fwd_b/,
    );
  // The verdict stays the last accept: both tables had to let it through.
  expect(new Set(forwarded.map((t) => `${t.verdict.table}/${t.verdict.chain} ${t.verdict.by}`))).toEqual(
    new Set(['b/fwd_b policy']),
  );
});

it('a drop on a mark: the rule that set the mark comes right after the drop rule, before what another table did', () => {
  const t = replay('dup-text.nft-monitor.txt', 'dup-text.ruleset.nft').traces.find((x) => x.id === '5c640c52')!;
  expect(t.explanation).toBe(
    'dropped by rule 3 of d/fwdd (tcp dport 5001 meta mark 0x00000002 counter drop), on the mark set by rule 2 of d/fwdd (tcp dport 5001 meta mark set 0x00000002 counter), though rule 1 of a/from_cli accepted it (both tables must)',
  );
});
