// Near-miss ranking and honesty on a small hand-written ruleset: certain near misses before uncertain ones,
// fewest failed first, earlier rules that surely stop the packet rule a path out, unknown ones are said,
// catch-all drops walk up unconditional jumps only, and without a ruleset nothing is claimed.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { parseIptablesSave } from '../../src/ruleset/iptables-save.js';
import { buildRuleIndex } from '../../src/ruleset/rule-index.js';
import { Assembler } from '../../src/trace/assembler.js';
import type { TraceEvent } from '../../src/model/event.js';
import { pkt, policy, rule, SYN } from '../trace/events.js';

const RULES = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:BLOCKED - [0:0]
:LIMITED - [0:0]
:RETURNS - [0:0]
:TO-DB - [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -s 10.0.1.5/32 -p tcp -m tcp --dport 5432 -j ACCEPT
-A FORWARD -p udp -m udp --dport 53 -j ACCEPT
-A FORWARD -p tcp -m recent --rcheck --name ok -j ACCEPT
-A FORWARD -p tcp -j RETURNS
-A FORWARD -p tcp -m tcp --dport 5432 -j LIMITED
-A FORWARD -i c+ -o s0 -p tcp -m multiport --dports 80,443 -j ACCEPT
-A FORWARD -d 10.0.2.0/24 -g TO-DB
-A RETURNS -j RETURN
-A RETURNS -j ACCEPT
-A LIMITED -m limit --limit 3/min -j DROP
-A LIMITED -j ACCEPT
-A TO-DB -s 10.0.1.9/32 -j ACCEPT
-A TO-DB -j BLOCKED
-A BLOCKED -j DROP
COMMIT
`;
const index = buildRuleIndex(parseIptablesSave(RULES));
const FWD = { table: 'filter', chain: 'FORWARD' };

function run(events: TraceEvent[], withIndex = true): Trace {
  const a = new Assembler({ index: withIndex ? index : undefined, idle: 100, maxOpen: 10 });
  const out = events.flatMap((e, i) => a.push(e, i));
  return [...out, ...a.flush()][0]!;
}

describe('why: a FORWARD policy drop of tcp 10.0.1.2 -> 10.0.2.2:5432 [SYN]', () => {
  const t = run([pkt(FWD, { ...SYN, oif: 's0' }), policy(FWD, 'drop')]);
  const why = t.why!;

  it('ranks by fewest failed conditions, then most conditions met; the 2-failure udp rule is 4th', () => {
    expect(why.nearMisses.map((n) => [n.rule.position, n.verdict, n.failed.length])).toEqual([
      [7, 'would-accept', 1],
      [2, 'would-accept', 1],
      [8, 'would-accept', 1],
    ]);
    expect(why.nearMisses[1]!.text).toBe(
      'rule 2 would accept tcp dport 5432 from 10.0.1.5/32, but this packet comes from 10.0.1.2',
    );
    expect(why.nearMisses[2]!.text).toBe(
      'rule 8 would accept from 10.0.1.9/32 to 10.0.2.0/24 (via TO-DB rule 1), but this packet comes from 10.0.1.2',
    );
  });

  it('reads ports from multiport sets and interfaces with +', () => {
    const web = why.nearMisses.find((n) => n.rule.position === 7)!;
    expect(web.failed).toEqual([{ field: 'dport', want: '80,443', got: '5432' }]);
    expect(web.text).toBe('rule 7 would accept tcp dport 80,443 in on c+ out on s0, but this packet goes to port 5432');
  });

  it('does not offer the replies-only rule, nor a path behind an unconditional RETURN', () => {
    const positions = [...why.nearMisses, ...why.cannotCompare].map((n) => n.rule.position);
    expect(positions).not.toContain(1);
    expect(positions).not.toContain(5);
  });

  it('says what it cannot compare: a recent match, a rate limit that may drop first', () => {
    expect(why.cannotCompare).toEqual([
      {
        chain: 'FORWARD',
        rule: expect.objectContaining({ position: 4 }) as unknown,
        via: [],
        matches: ['-m recent --rcheck --name ok'],
      },
      {
        chain: 'FORWARD',
        rule: expect.objectContaining({ position: 6 }) as unknown,
        via: [{ chain: 'LIMITED', rule: expect.objectContaining({ position: 2 }) as unknown }],
        matches: ['LIMITED rule 1 may stop it first (-m limit --limit 3/min)'],
      },
    ]);
  });

  it('BLOCKED never accepts, so no path goes through it', () => {
    expect([...why.nearMisses, ...why.cannotCompare].some((n) => n.via.some((v) => v.chain === 'BLOCKED'))).toBe(false);
  });
});

describe('why: catch-all drops', () => {
  it('walks up the unconditional jump into BLOCKED, not the conditional goto into TO-DB', () => {
    const t = run([
      pkt(FWD, { ...SYN, oif: 's0' }),
      rule(FWD, 'goto', '-A FORWARD -d 10.0.2.0/24 -g TO-DB', 'TO-DB'),
      rule({ table: 'filter', chain: 'TO-DB' }, 'jump', '-A TO-DB -j BLOCKED', 'BLOCKED'),
      rule({ table: 'filter', chain: 'BLOCKED' }, 'drop', '-A BLOCKED -j DROP'),
    ]);
    expect(t.why!.path.map((l) => `${l.chain}:${l.verdict}:${l.target}`)).toEqual([
      'FORWARD:goto:TO-DB',
      'TO-DB:jump:BLOCKED',
    ]);
    expect(t.why!.nearMisses).toEqual([
      expect.objectContaining({ chain: 'TO-DB', failed: [{ field: 'src', want: '10.0.1.9/32', got: '10.0.1.2' }] }),
    ]);
    expect(t.explanation).toMatch(
      /reached from FORWARD rule 8 -> TO-DB rule 2; closest: TO-DB rule 1 would accept from 10\.0\.1\.9\/32, but this packet comes from 10\.0\.1\.2$/,
    );
  });

  it('a conditional drop rule has no near misses', () => {
    const t = run([
      pkt(FWD, { ...SYN, oif: 's0' }),
      rule(FWD, 'jump', '-A FORWARD -p tcp -m tcp --dport 5432 -j LIMITED', 'LIMITED'),
      rule({ table: 'filter', chain: 'LIMITED' }, 'drop', '-A LIMITED -m limit --limit 3/min -j DROP'),
    ]);
    expect(t.why!.nearMisses).toEqual([]);
    expect(t.why!.decidedBy).toMatchObject({ chain: 'LIMITED', by: 'rule' });
  });
});

describe('why: what cannot be known', () => {
  it('a packet after the first (ACK) leaves conntrack conditions uncompared', () => {
    const t = run([pkt(FWD, { ...SYN, tcpFlags: ['ACK'], oif: 's0' }), policy(FWD, 'drop')]);
    const unsure = t.why!.cannotCompare.map((c) => c.matches.join());
    expect(
      unsure.some((m) => m.includes('--ctstate RELATED,ESTABLISHED (conntrack state not known for this packet)')),
    ).toBe(true);
  });

  it('without a ruleset: the decision and path, no near misses, the old sentence', () => {
    const t = run([pkt(FWD, SYN), policy(FWD, 'drop')], false);
    expect(t.why).toEqual({
      decidedBy: {
        hook: 'forward',
        family: 'ip',
        table: 'filter',
        chain: 'FORWARD',
        by: 'policy',
        rule: null,
        owner: null,
      },
      path: [],
      nearMisses: [],
      cannotCompare: [],
    });
    expect(t.explanation).toBe('dropped by the DROP policy of filter/FORWARD: no rule accepted it');
    expect(t.kubernetes).toBeNull();
  });
});
