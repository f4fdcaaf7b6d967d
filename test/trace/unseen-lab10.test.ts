// Captures from a tenth review lab (test/fixtures/unseen10/README.md): packets the routers drop themselves (too big
// for the next hop), their ICMP errors, two routers in one kernel log, and xtables-monitor's UDP without protocol.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { buildRuleIndex } from '../../src/ruleset/rule-index.js';
import { readRuleset } from '../../src/ruleset/read-ruleset.js';
import { sharedTables } from '../../src/ruleset/combine.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { read, replay } = fixtureReplay('unseen10');

describe('kernel log: a packet the router dropped, then its retransmission with the very same lines', () => {
  it('is two traces, with the router’s packet-too-big error between them', () => {
    const traces = replay('v6-retransmit.dmesg.txt').traces;
    expect(traces.map((t) => `${t.packet.proto} ${t.steps.map((s) => `${s.table}:${s.chain}`).join(' ')}`)).toEqual([
      'tcp raw:PREROUTING',
      'icmpv6 raw:OUTPUT filter:OUTPUT',
      'tcp raw:PREROUTING filter:FORWARD',
    ]);
  });

  it("router A's path-MTU scenario: one trace per traced packet (33, the TRACE counters)", () => {
    const traces = replay('pmtu-ra.dmesg.txt', 'pmtu-ra.iptables-save.txt', 'pmtu-ra.ip6tables-save.txt').traces;
    expect(traces).toHaveLength(33);
    // The router answered them with a packet too big: the kernel dropped them after netfilter let them through.
    const dropped = traces.filter((t) => t.verdict.action === 'drop' && t.verdict.by === null);
    expect(dropped.length).toBeGreaterThan(0);
    for (const t of dropped) {
      expect(t.verdict).toMatchObject({ hook: 'prerouting', table: null, chain: null, rule: null });
      expect(t.explanation).toMatch(
        /^dropped by the kernel after prerouting, too big for the next hop: this host sent /,
      );
    }
    expect(traces.filter((t) => t.explanation.includes('; not seen after prerouting'))).toEqual([]);
  });
});

describe('two routers logging to one kernel log', () => {
  it('each pass through a router is its own trace: 24 + 20', () => {
    expect(replay('two-routers.dmesg.txt').traces).toHaveLength(44);
  });

  it("both routers' dumps given: the tables they share are named, and which file's rules are used", () => {
    const dumps = ['ra', 'rb'].flatMap((r) =>
      ['iptables', 'ip6tables'].map((f) => {
        const name = `two-routers.${r}.${f}-save.txt`;
        return { name, snap: readRuleset(read(name)) };
      }),
    );
    expect(buildRuleIndex(dumps[0]!.snap).empty).toBe(false);
    expect(sharedTables(dumps).map((w) => w.split(':')[0])).toEqual([
      'two-routers.ra.iptables-save.txt and two-routers.rb.iptables-save.txt both hold tables ip filter, ip raw',
      'two-routers.ra.ip6tables-save.txt and two-routers.rb.ip6tables-save.txt both hold tables ip6 filter, ip6 raw',
    ]);
    // One router's own dumps share nothing; an nft dump and an iptables dump of one host are overlaid, not replaced.
    expect(sharedTables(dumps.slice(0, 2))).toEqual([]);
  });
});

it('xtables-monitor prints ports but no protocol for UDP: an icmp rule is no possible near miss of such a packet', () => {
  const traces: Trace[] = replay('traceroute-ra.xtables-monitor.txt', 'traceroute-ra.iptables-save.txt').traces;
  const probes = traces.filter(
    (t) => t.packet.proto === undefined && t.packet.dport !== undefined && t.verdict.action === 'drop',
  );
  expect(probes.length).toBeGreaterThan(0);
  let icmpRules = 0;
  for (const t of probes) {
    for (const m of t.why!.nearMisses.filter((n) => /-p icmp\b/.test(n.rule.text ?? ''))) {
      icmpRules++;
      expect(m.failed.map((f) => [f.field, f.got])).toContainEqual(['proto', '(ports)']);
      expect(m.text).toContain('but this packet has ports');
    }
    expect(t.why!.cannotCompare.filter((c) => /-p icmp\b/.test(c.rule.text ?? ''))).toEqual([]);
  }
  expect(icmpRules).toBeGreaterThan(0);
});
