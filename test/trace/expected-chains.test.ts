// Packets netfilter accepted in prerouting that routing then dropped (test/fixtures/routing-drop/README.md):
// real captures of an rp_filter drop and a forwarding-off drop with the three readers. With a ruleset that hooks
// chains at input and forward, the explanation says the packet was never seen there; the verdict stays
// netfilter's accept. Packets that went on, and rulesets that leave a hook empty, get no such words.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { readRuleset } from '../../src/ruleset/read-ruleset.js';
import { buildRuleIndex } from '../../src/ruleset/rule-index.js';
import { UNROUTED_LEAD, withoutUnroutedHint } from '../../src/trace/expected-chains.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { replayText } from '../helpers/replay-text.js';

const fixtures = fixtureReplay('routing-drop');
const read = fixtures.read;
const replay = (capture: string, ...rules: string[]): Trace[] => fixtures.replay(capture, ...rules).traces;

const ROUTING =
  'the kernel dropped it on the way (rp_filter, no route, forwarding off, TTL expired, too big for the next hop), or events were lost';
const IPT_HINT = `${UNROUTED_LEAD}input and forward have chains (filter/INPUT, filter/FORWARD): ${ROUTING}`;
const PRE_ACCEPT = 'accepted by the ACCEPT policy of raw/PREROUTING';
const LOCAL_HINT = (forward: string): string =>
  `${UNROUTED_LEAD}forward has chains (${forward}): it was for this host (no chain hooks input), or ${ROUTING}`;

/** Packet, verdict and explanation, in capture order. */
const summary = (traces: readonly Trace[]): string[] =>
  traces.map((t) => `${t.packet.src}>${t.packet.dst} ${t.verdict.action} ${t.verdict.hook}: ${t.explanation}`);

describe('iptables rulesets (xtables-monitor, kernel log)', () => {
  const expected = (forward: string, local: string): string[] => [
    `10.99.9.9>10.91.2.2 accept prerouting: ${PRE_ACCEPT}${IPT_HINT}`, // rp_filter
    `10.91.1.2>10.91.2.2 accept forward: ${forward}`,
    `10.91.2.2>10.91.1.2 accept forward: ${forward}`,
    `10.91.1.2>10.91.2.2 accept prerouting: ${PRE_ACCEPT}${IPT_HINT}`, // ip_forward=0
    `10.91.1.2>10.91.1.1 accept input: ${local}`,
  ];

  const BY_POSITION = [
    'accepted by rule 1 of filter/FORWARD (-A FORWARD -p icmp -j ACCEPT)',
    'accepted by rule 2 of filter/INPUT (-A INPUT -p icmp -j ACCEPT)',
  ] as const;
  it.each([
    // The save has no handles: rules are found by their text.
    ['xtables-monitor with iptables-nft-save', 'xt.xtables-monitor.txt', 'xt.iptables-save.txt', BY_POSITION],
    // No handles in the listing and nft syntax there: the rules go by the handle the trace names.
    [
      'xtables-monitor with nft list ruleset',
      'xt.xtables-monitor.txt',
      'xt.ruleset.nft',
      [
        'accepted by rule handle 6 of filter/FORWARD (-A FORWARD -p icmp -j ACCEPT)',
        'accepted by rule handle 5 of filter/INPUT (-A INPUT -p icmp -j ACCEPT)',
      ],
    ],
    ['dmesg (iptables-legacy) with iptables-legacy-save', 'legacy.dmesg.txt', 'legacy.iptables-save.txt', BY_POSITION],
  ] as const)('%s', (_, capture, rules, [forward, local]) => {
    expect(summary(replay(capture, rules))).toEqual(expected(forward, local));
  });

  it('without a ruleset nothing says which hooks have chains: no hint', () => {
    for (const t of replay('xt.xtables-monitor.txt')) expect(t.explanation).not.toContain(UNROUTED_LEAD);
  });

  it('an iptables built-in chain with an ACCEPT policy and no rule may not exist (iptables-nft): maybe local', () => {
    // iptables-nft-save lists INPUT even when the kernel has no such chain; a packet for this host then shows
    // nothing after prerouting although it was delivered.
    const save = read('xt.iptables-save.txt')
      .replace(':INPUT DROP', ':INPUT ACCEPT')
      .replace(/^\[.*-A INPUT.*\n/gm, '');
    const r = replayText(read('xt.xtables-monitor.txt'), { dumps: [save] });
    const hinted = r.traces.map((t) => t.explanation).filter((e) => e.includes(UNROUTED_LEAD));
    expect(hinted).toEqual([
      `${PRE_ACCEPT}${LOCAL_HINT('filter/FORWARD')}`,
      `${PRE_ACCEPT}${LOCAL_HINT('filter/FORWARD')}`,
    ]);
  });

  it('iptables-legacy (the kernel log) has made every built-in chain its dump lists: INPUT counts though empty', () => {
    const save = read('legacy.iptables-save.txt')
      .replace(':INPUT DROP', ':INPUT ACCEPT')
      .replace(/^\[.*-A INPUT.*\n/gm, '');
    expect(save).not.toContain('-A INPUT');
    const r = replayText(read('legacy.dmesg.txt'), { dumps: [save] });
    const hinted = r.traces.map((t) => t.explanation).filter((e) => e.includes(UNROUTED_LEAD));
    expect(hinted).toEqual([`${PRE_ACCEPT}${IPT_HINT}`, `${PRE_ACCEPT}${IPT_HINT}`]);
  });
});

describe('chains every packet meets next, never seen: the trace was cut short', () => {
  const save = read('xt.iptables-save.txt');
  const forwarded = (dump: string): string[] =>
    replayText(read('xt.xtables-monitor.txt'), { dumps: [dump] })
      .traces.filter((t) => t.steps.some((s) => s.hook === 'forward'))
      .map((t) => `${t.verdict.action}: ${t.explanation}`);

  it('a mangle POSTROUTING chain that may drop: forwarded packets must have been seen there', () => {
    const withMangle = `${save}*mangle\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o mr1 -p tcp -j DROP\nCOMMIT\n`;
    const cut =
      'unknown: no verdict seen: the trace ends at filter/FORWARD rule 1 (accept), short of mangle/POSTROUTING at postrouting, which every packet there meets next; the kernel dropped it between them, events were lost, the reader stopped, or the capture ends mid-packet';
    expect(forwarded(withMangle)).toEqual([cut, cut]);
  });

  it('a chain that cannot stop a packet (no drop, reject or queue, ACCEPT policy) changes nothing if missed', () => {
    const marks = `${save}*mangle\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o mr1 -j MARK --set-xmark 0x1/0xffffffff\nCOMMIT\n`;
    expect(forwarded(marks).every((e) => e.startsWith('accept: accepted by rule 1 of filter/FORWARD'))).toBe(true);
    // ... unless it jumps to one that can.
    const jumps = `${save}*mangle\n:POSTROUTING ACCEPT [0:0]\n:CHECK - [0:0]\n-A POSTROUTING -j CHECK\n-A CHECK -p udp -j DROP\nCOMMIT\n`;
    expect(forwarded(jumps).every((e) => e.startsWith('unknown: '))).toBe(true);
  });

  it('a nat POSTROUTING chain sees first packets only: no claim', () => {
    const withNat = `${save}*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o mr1 -j MASQUERADE\nCOMMIT\n`;
    expect(forwarded(withNat).every((e) => e.startsWith('accept: accepted by rule 1 of filter/FORWARD'))).toBe(true);
  });

  it('a later table on the same hook (security FORWARD, priority 50, after filter)', () => {
    const withSecurity = `${save}*security\n:FORWARD DROP [0:0]\n-A FORWARD -p icmp -j ACCEPT\nCOMMIT\n`;
    expect(forwarded(withSecurity).map((e) => e.replace(/;.*/, ''))).toEqual([
      'unknown: no verdict seen: the trace ends at filter/FORWARD rule 1 (accept), short of security/FORWARD at forward, which every packet there meets next',
      'unknown: no verdict seen: the trace ends at filter/FORWARD rule 1 (accept), short of security/FORWARD at forward, which every packet there meets next',
    ]);
  });
});

describe('native nft (inet table)', () => {
  it('the rp_filter drop: accepted by the filter chain at prerouting, never seen at input or forward', () => {
    expect(summary(replay('rpf-inet.nft-monitor.txt', 'rpf-inet.ruleset.nft'))).toEqual([
      `10.99.9.9>10.91.2.2 accept prerouting: accepted by the ACCEPT policy of t/c_pre${UNROUTED_LEAD}input and forward have chains (t/c_inp, t/c_fwd): ${ROUTING}`,
      '10.91.1.2>10.91.2.2 accept forward: accepted by the ACCEPT policy of t/c_fwd',
    ]);
  });

  it('no input chain: the packet may have been delivered, and the sentence says so', () => {
    const ruleset = read('rpf-inet.ruleset.nft').replace(/\tchain c_inp \{[^}]*\}\n/, '');
    expect(ruleset).not.toContain('c_inp');
    const r = replayText(read('rpf-inet.nft-monitor.txt'), { dumps: [ruleset] });
    expect(r.traces[0]!.explanation).toBe(`accepted by the ACCEPT policy of t/c_pre${LOCAL_HINT('t/c_fwd')}`);
  });
});

describe('RuleIndex.hooked', () => {
  const nft = buildRuleIndex(
    readRuleset(`table ip a {
	chain in4 {
		type filter hook input priority filter; policy accept;
	}
}
table ip6 b {
	chain fw6 {
		type filter hook forward priority filter; policy accept;
	}
}
table inet c {
	chain fw {
		type filter hook forward priority filter; policy drop;
	}
	chain user {
	}
}
`),
  );
  const names = (family: 'ip' | 'ip6' | 'inet', hook: 'input' | 'forward'): string[] =>
    nft.hooked(family, hook).map((c) => `${c.family} ${c.table}/${c.chain}`);

  it('an ip packet meets ip and inet base chains, an ip6 packet ip6 and inet ones, inet only inet ones', () => {
    expect(names('ip', 'input')).toEqual(['ip a/in4']);
    expect(names('ip', 'forward')).toEqual(['inet c/fw']);
    expect(names('ip6', 'forward')).toEqual(['ip6 b/fw6', 'inet c/fw']);
    expect(names('ip6', 'input')).toEqual([]);
    expect(names('inet', 'forward')).toEqual(['inet c/fw']);
    expect(names('inet', 'input')).toEqual([]);
  });

  it('iptables built-in chains count with a rule or a DROP policy', () => {
    const ipt = buildRuleIndex(
      readRuleset(
        '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -o lo -j ACCEPT\nCOMMIT\n',
      ),
    );
    expect(ipt.hooked('ip', 'input')).toEqual([]);
    expect(ipt.hooked('ip', 'forward').map((c) => c.chain)).toEqual(['FORWARD']);
    expect(ipt.hooked('ip', 'output').map((c) => c.chain)).toEqual(['OUTPUT']);
    // Declared: every built-in chain listed, for dumps whose built-in chains all exist (iptables-legacy).
    expect(ipt.declared('ip', 'input').map((c) => c.chain)).toEqual(['INPUT']);
    expect(ipt.declared('ip6', 'input')).toEqual([]);
  });
});

it('withoutUnroutedHint gives back the sentence before the hint', () => {
  expect(withoutUnroutedHint(`${PRE_ACCEPT}${IPT_HINT}`)).toBe(PRE_ACCEPT);
  expect(withoutUnroutedHint(PRE_ACCEPT)).toBe(PRE_ACCEPT);
});
