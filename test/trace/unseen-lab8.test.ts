// Captures from an eighth review lab (test/fixtures/unseen8/README.md): a packet queued with --queue-bypass and no
// listener goes on, under the same trace id, and is delivered.
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { replayText } from '../helpers/replay-text.js';

const { read, replay } = fixtureReplay('unseen8');

const READERS = [
  ['xtables-monitor', 'queue-bypass.xtables-monitor.txt', 'queue-bypass.iptables-nft-save.txt'],
  ['nft monitor trace', 'queue-bypass.nft-monitor.txt', 'queue-bypass.ruleset-a.nft'],
  ['kernel log', 'queue-bypass.dmesg.txt', 'queue-bypass.iptables-legacy-save.txt'],
] as const;

describe.each(READERS)('NFQUEUE --queue-bypass without a listener (%s)', (_reader, capture, rules) => {
  it('is one trace, accepted by the queue rule that let it through, then its reply', () => {
    const traces = replay(capture, rules).traces;
    expect(
      traces.map((t) => `${t.verdict.action} ${t.verdict.table}/${t.verdict.chain} ${t.verdict.rule?.position}`),
    ).toEqual(['accept filter/FORWARD 12', 'accept filter/FORWARD 2']);
    const queued = traces[0]!;
    expect(queued.steps.at(-1)).toMatchObject({ hook: 'postrouting', table: 'nat', kind: 'policy' });
    expect(queued.explanation).toMatch(
      /^queued to userspace by rule 12 of filter\/FORWARD \(.*\), and let through: no listener on its queue, or the listener accepted it$/,
    );
  });

  it('ends queued when nothing follows the queue verdict (no bypass: the kernel dropped it, or a listener has it)', () => {
    const lines = read(capture).split('\n');
    const cut = lines.findIndex((l) => /queue|0x38003|FORWARD:rule:12 /.test(l));
    const traces = replayText(lines.slice(0, cut + 1).join('\n'), { dumps: [read(rules)] }).traces;
    expect(traces.map((t) => `${t.verdict.action} ${t.verdict.table}/${t.verdict.chain}`)).toEqual([
      'queue filter/FORWARD',
    ]);
    expect(traces[0]!.explanation).toMatch(/^queued to userspace by rule 12 of filter\/FORWARD/);
  });
});

it('a concatenation with a tcp field (`ip daddr . tcp dport @pairs`) cannot accept a UDP packet', () => {
  const why = (proto: 'tcp' | 'udp'): { uncertain: number; failed: string[] } => {
    const ruleset = [
      'table inet f {',
      '\tset pairs { type ipv4_addr . inet_service; elements = { 10.88.2.2 . 5353 } }',
      '\tchain fwd {',
      '\t\ttype filter hook forward priority filter; policy drop;',
      '\t\tip daddr . tcp dport @pairs accept',
      '\t}',
      '}',
    ].join('\n');
    const packet = `ip saddr 10.88.1.2 ip daddr 10.88.2.2 ip protocol ${proto} ${proto} sport 40003 ${proto} dport 5353`;
    const trace = [
      `trace id 0cc41c9c inet f fwd packet: iif "fw-c" oif "fw-s" ${packet}`,
      'trace id 0cc41c9c inet f fwd policy drop',
    ].join('\n');
    const w = replayText(trace, { dumps: [ruleset] }).traces[0]!.why!;
    return { uncertain: w.cannotCompare.length, failed: w.nearMisses.flatMap((m) => m.failed.map((f) => f.field)) };
  };
  // A TCP packet: the set lookup cannot be compared, so the rule might have accepted it.
  expect(why('tcp')).toEqual({ uncertain: 1, failed: [] });
  // A UDP packet: the rule reads a tcp field, so it needs tcp (nft adds `meta l4proto tcp`): it could not.
  expect(why('udp')).toEqual({ uncertain: 0, failed: ['proto'] });
});
