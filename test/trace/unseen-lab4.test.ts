// Kernel-log captures from a fourth review lab (test/fixtures/unseen4/README.md): packets whose lines carry the same
// fingerprint (kernel-made resets and ICMP errors: IP id 0, one length; IPv6 neighbour discovery: flow label 0) must
// stay apart, even when their lines interleave, while one packet's lines still join across NAT.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { readRuleset } from '../../src/ruleset/read-ruleset.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { replayText } from '../helpers/replay-text.js';

const fixtures = fixtureReplay('unseen4');
const read = fixtures.read;
const replay = (capture: string, ...rules: string[]): Trace[] => fixtures.replay(capture, ...rules).traces;

const chains = (t: Trace): string => t.steps.map((s) => `${s.table}:${s.chain}`).join(' ');
const endpoints = (p: Trace['packet']): string => `${p.src}:${p.sport ?? '-'} > ${p.dst}:${p.dport ?? '-'}`;

describe('one fingerprint, several packets', () => {
  it("the router's own neighbour advertisement out, the server's in: two traces, no NAT", () => {
    const traces = replay('nd-out-and-in.dmesg.txt', 'nd.ip6tables-save.txt');
    expect(traces.map((t) => `${endpoints(t.packet)} ${t.verdict.action} ${chains(t)} nat=${t.nat.length}`)).toEqual([
      'fd84:1::1:- > fd84:1::2:- accept raw:OUTPUT filter:OUTPUT nat=0',
      'fd84:2::2:- > fd84:2::1:- accept raw:PREROUTING filter:INPUT nat=0',
    ]);
  });

  it('two resets made at once (IP id 0, length 40, seq 0), their lines interleaved: two traces, no NAT', () => {
    const traces = replay('two-resets.dmesg.txt', 'parallel.iptables-save.txt');
    expect(
      traces.map((t) => `${endpoints(t.packet)} ${t.verdict.action} ${t.steps.length} nat=${t.nat.length}`),
    ).toEqual(['10.84.2.2:85 > 10.84.1.2:42420 accept 5 nat=0', '10.84.2.2:85 > 10.84.1.2:42422 accept 5 nat=0']);
  });

  it('two ICMPv6 errors with one outer header: each keeps its own quoted packet through the de-NAT', () => {
    const traces = replay('two-icmp6-errors.dmesg.txt', 'parallel.ip6tables-save.txt');
    expect(traces).toHaveLength(2);
    expect(traces.map((t) => t.packet.inner?.sport)).toEqual([42474, 42473]);
    for (const t of traces) {
      expect(chains(t)).toBe('raw:PREROUTING filter:FORWARD');
      expect(t.nat.map((n) => [n.kind, n.from, n.to])).toEqual([['dnat', 'fd84:2::1', 'fd84:1::2']]);
    }
  });

  it("an ICMPv6 error's forward line goes to the trace whose quoted packet it names", () => {
    // Without the second forward line (42474's), the first (42473's) belongs to the second error, not the first trace.
    const lines = read('two-icmp6-errors.dmesg.txt').split('\n');
    const r = replayText(lines.filter((l, i) => !(i === 3 && l.includes('SPT=42474'))).join('\n'), {
      dumps: [read('parallel.ip6tables-save.txt')],
    });
    expect(r.traces.map((t) => `${t.packet.inner?.sport} ${chains(t)}`)).toEqual([
      '42474 raw:PREROUTING',
      '42473 raw:PREROUTING filter:FORWARD',
    ]);
  });

  it('a reset sent to this host over lo: out and back in are one trace (one packet)', () => {
    const traces = replay('looped-reset.dmesg.txt');
    expect(
      traces.map((t) =>
        t.steps
          .map((s) => s.hook)
          .filter((h, i, a) => a.indexOf(h) === i)
          .join(','),
      ),
    ).toEqual(['output,postrouting,prerouting,input']);
  });
});

it('a parallel run (rejects, ICMP errors, NAT both ways): one trace per logged packet, 38 IPv4 and 70 IPv6', () => {
  const traces = replay('parallel.dmesg.txt', 'parallel.iptables-save.txt', 'parallel.ip6tables-save.txt');
  const byFamily = (v: 4 | 6): number => traces.filter((t) => t.packet.ipVersion === v).length;
  // The packets in the log: each has exactly one line in the raw table (the TRACE rule is the raw chains' first).
  const rawLines = (v: string): number =>
    read('parallel.dmesg.txt')
      .split('\n')
      .filter((l) => l.includes('TRACE: raw:') && l.includes(`SRC=${v}`)).length;
  expect([byFamily(4), byFamily(6)]).toEqual([rawLines('10.84.'), rawLines('fd84:')]);
  expect([byFamily(4), byFamily(6)]).toEqual([38, 70]);
  // No trace holds a table's chain twice (two packets merged would).
  for (const t of traces) {
    const bases = t.steps.filter((s) => s.kind === 'policy').map((s) => `${s.table}:${s.chain}`);
    expect(new Set(bases).size).toBe(bases.length);
  }
});

describe('rulesets as `iptables -S` prints them', () => {
  const WEB =
    'accepted by rule 2 of filter/LVL3 (-A LVL3 -p tcp -m tcp --dport 80 -m comment --comment "web allow with spaces" -j ACCEPT), reached from FORWARD rule 303 -> LVL1 rule 3 -> LVL2 rule 2';

  it.each([
    ['iptables-save -c', 'web.iptables-save.txt'],
    ['iptables -S (filter only: the raw, mangle and nat lines have no known verdict)', 'web.iptables-S.txt'],
    ['iptables -t T -S of four tables, one after the other', 'web.iptables-S-all-tables.txt'],
  ])('a forwarded SYN with %s', (_, rules) => {
    expect(replay('web-syn.dmesg.txt', rules).map((t) => t.explanation)).toEqual([WEB]);
  });

  it('the per-table parts of a concatenated dump get their own tables', () => {
    const tables = readRuleset(read('web.iptables-S-all-tables.txt')).chains.map((c) => `${c.table}/${c.chain}`);
    expect(tables).toEqual(
      expect.arrayContaining(['raw/PREROUTING', 'mangle/FORWARD', 'nat/POSTROUTING', 'filter/LVL3']),
    );
    expect(tables.filter((t) => t === 'filter/FORWARD')).toHaveLength(1);
    expect(tables).not.toContain('filter/PREROUTING');
  });
});

it('near misses reach past 300 generated rules: the same as without them, 300 positions on', () => {
  const closest = (rules: string, log = read('hashlimit-drop.dmesg.txt')): number[] =>
    replayText(log, { dumps: [read(rules)] }).traces.flatMap((t) => t.why!.nearMisses.map((m) => m.rule.position ?? 0));
  // The log as the ruleset without the 300 rules would have written it (a policy past the tail does not fit).
  const shifted = read('hashlimit-drop.dmesg.txt').replace(
    /(filter:FORWARD:\w+:)(\d+)/g,
    (_, at: string, n: string) => `${at}${Number(n) - 300}`,
  );
  const short = closest('hashlimit-short.iptables-save.txt', shifted);
  expect(short.length).toBeGreaterThan(0);
  expect(closest('hashlimit.iptables-save.txt')).toEqual(short.map((p) => p + 300));
});

it('pings of two clients with one echo id behind MASQUERADE (conntrack remaps one id): one trace per packet', () => {
  const lab5 = fixtureReplay('unseen5');
  const { traces } = lab5.replay('same-echo-id.dmesg.txt', 'same-echo-id.iptables-save.txt');
  expect(traces).toHaveLength(40); // the TRACE rule's counter
  const replies = traces.filter((t) => t.packet.src === '10.85.2.2');
  expect(replies.map((t) => t.nat.map((n) => `${n.kind} ${n.from} -> ${n.to}`).join()).sort()).toEqual([
    ...Array<string>(10).fill('dnat 10.85.2.1 -> 10.85.1.2'),
    ...Array<string>(10).fill('dnat 10.85.2.1 -> 10.85.3.2'),
  ]);
  // Each reply's trace runs from prerouting to postrouting: none was cut where the echo id changed.
  for (const t of replies) expect([t.steps[0]!.hook, t.steps.at(-1)!.hook]).toEqual(['prerouting', 'postrouting']);
});

describe('kernel-log traces left undecided by the ruleset given', () => {
  const hints = (traces: readonly Trace[]): string[] => [
    ...new Set(
      traces
        .filter((t) => t.verdict.action === 'unknown')
        .map((t) => t.explanation.split('; ')[1]?.split(', after ')[0] ?? ''),
    ),
  ];

  it('IPv6 lines with only the IPv4 dump: the ip6 chain is missing, ip6tables-save is asked for', () => {
    const traces = replay('parallel.dmesg.txt', 'parallel.iptables-save.txt');
    expect(hints(traces).sort()).toEqual([
      'kernel-log lines carry no verdict, and the ruleset given has no ip6 filter/FORWARD: add ip6tables-save output to decide',
      'kernel-log lines carry no verdict, and the ruleset given has no ip6 filter/INPUT: add ip6tables-save output to decide',
      'kernel-log lines carry no verdict, and the ruleset given has no ip6 filter/OUTPUT: add ip6tables-save output to decide',
    ]);
    expect(hints(replay('parallel.dmesg.txt', 'parallel.iptables-save.txt', 'parallel.ip6tables-save.txt'))).toEqual(
      [],
    );
  });

  it('a chain the dump has without the rule the line names: the dump taken with the capture is asked for', () => {
    const v4 = read('parallel.dmesg.txt')
      .split('\n')
      .filter((l) => l.includes(' SRC=10.84.1.2 ') && l.includes('filter:FORWARD:rule:'))
      .slice(0, 1)
      .join('\n');
    const traces = replayText(v4, { dumps: ['*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n'] }).traces;
    expect(hints(traces)).toEqual([
      'kernel-log lines carry no verdict, and the ruleset given does not hold this rule of filter/FORWARD: give the dump taken with the capture',
    ]);
  });
});
