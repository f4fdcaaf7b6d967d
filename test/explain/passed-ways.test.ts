// An accepting rule behind a jump or a verdict map that the trace shows the packet passed (a later rule of the
// chain ran, and no jump from it) did not take the packet: no near miss without a condition that fails. A
// verdict map's branch is compared by its key.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/event.js';
import type { PacketInfo } from '../../src/model/packet.js';
import type { Trace } from '../../src/model/trace.js';
import { parseIptablesSave } from '../../src/ruleset/iptables-save.js';
import { parseNftText } from '../../src/ruleset/nft-text.js';
import { buildRuleIndex } from '../../src/ruleset/rule-index.js';
import type { RuleIndex } from '../../src/model/ruleset.js';
import { Assembler } from '../../src/trace/assembler.js';
import { pkt, policy, rule, SYN } from '../trace/events.js';

function run(index: RuleIndex, events: TraceEvent[]): Trace {
  const a = new Assembler({ index, idle: 100, maxOpen: 10 });
  return [...events.flatMap((e, i) => a.push(e, i)), ...a.flush()][0]!;
}

describe('a jump the packet passed', () => {
  const index = buildRuleIndex(
    parseIptablesSave(`*filter
:FORWARD DROP [0:0]
:VIP - [0:0]
-A FORWARD -p tcp -m recent --rcheck --name vip -j VIP
-A FORWARD -p tcp -j LOG
-A VIP -j ACCEPT
COMMIT
`),
  );
  const FWD = { table: 'filter', chain: 'FORWARD' };

  it('the recent match kept it out: its accept is the closest, and stays among those not compared', () => {
    const t = run(index, [
      pkt(FWD, { ...SYN, oif: 's0' }),
      rule(FWD, 'continue', '-A FORWARD -p tcp -j LOG'),
      policy(FWD, 'drop'),
    ]);
    expect(t.why!.nearMisses.map((n) => n.text)).toEqual([
      'rule 1 accepts tcp (via VIP rule 1), but did not take this packet: -m recent --rcheck --name vip',
    ]);
    expect(t.why!.cannotCompare.map((c) => [c.rule.position, c.matches])).toEqual([
      [1, ['-m recent --rcheck --name vip']],
    ]);
  });

  it('one it took and came back from is passed the same way, by its accepting rule', () => {
    const VIP = { table: 'filter', chain: 'VIP' };
    const t = run(index, [
      pkt(FWD, { ...SYN, oif: 's0' }),
      rule(FWD, 'jump', '-A FORWARD -p tcp -m recent --rcheck --name vip -j VIP', 'VIP'),
      policy(VIP, 'return'),
      rule(FWD, 'continue', '-A FORWARD -p tcp -j LOG'),
      policy(FWD, 'drop'),
    ]);
    expect(t.why!.nearMisses).toEqual([]);
  });
});

describe('a rule the packet passed whose every condition compared holds', () => {
  const index = buildRuleIndex(
    parseIptablesSave(`*filter
:INPUT DROP [0:0]
-A INPUT -i mgmt0 -j ACCEPT
-A INPUT -p icmp -m icmp --icmp-type 8 -m limit --limit 2/sec --limit-burst 3 -j ACCEPT
-A INPUT -p tcp -m recent --rcheck --name ok -j ACCEPT
COMMIT
`),
  );
  const IN = { table: 'filter', chain: 'INPUT' };
  const PING: PacketInfo = { ipVersion: 4, proto: 'icmp', src: '10.0.1.2', dst: '10.0.1.1', iif: 'eth0', icmpType: 8 };

  it('is the closest: what fwtrace cannot compare kept the packet out (a rate limit spent)', () => {
    const why = run(index, [pkt(IN, PING), policy(IN, 'drop')]).why!;
    expect(why.nearMisses.map((n) => n.text).slice(0, 2)).toEqual([
      'rule 2 accepts icmp type echo-request, but did not take this packet: -m limit --limit 2/sec --limit-burst 3',
      'rule 1 would accept in on mgmt0, but this packet arrives on eth0',
    ]);
    expect(why.nearMisses[0]).toMatchObject({ verdict: 'uncertain', failed: [] });
  });

  it('after the rules failing one condition that hold more than the protocol; never without a condition held', () => {
    const first = (p: PacketInfo): string | undefined =>
      run(index, [pkt(IN, p), policy(IN, 'drop')]).why!.nearMisses[0]?.text;
    expect(first({ ...SYN, iif: 'eth0', dst: '10.0.1.1' })).toBe(
      'rule 3 accepts tcp, but did not take this packet: -m recent --rcheck --name ok',
    );
    // xtables-monitor prints no protocol for ICMP: `-p icmp` cannot be compared, so nothing is known to hold.
    const bare: PacketInfo = { ipVersion: 4, src: '10.0.1.2', dst: '10.0.1.1', iif: 'eth0' };
    expect(first(bare)).toBe('rule 1 would accept in on mgmt0, but this packet arrives on eth0');
  });
});

describe('a rule for loopback traffic', () => {
  it('is no near miss of a packet from the network (it would be the closest of every INPUT drop)', () => {
    const index = buildRuleIndex(
      parseIptablesSave(`*filter
:INPUT DROP [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p udp -m udp --dport 53 -j ACCEPT
COMMIT
`),
    );
    const IN = { table: 'filter', chain: 'INPUT' };
    const snmp: PacketInfo = {
      ipVersion: 4,
      proto: 'udp',
      src: '10.0.1.2',
      dst: '10.0.1.1',
      sport: 4000,
      dport: 161,
      iif: 'eth0',
    };
    const why = run(index, [pkt(IN, snmp), policy(IN, 'drop')]).why!;
    expect(why.nearMisses.map((n) => n.text)).toEqual([
      'rule 2 would accept udp dport 53, but this packet goes to port 161',
    ]);
  });
});

describe('a verdict map the packet passed', () => {
  const index = buildRuleIndex(
    parseNftText(`table inet fw {
	chain fwd {
		type filter hook forward priority filter; policy drop;
		ct state vmap { invalid : jump bad, established : jump ok, related : jump ok }
		iifname vmap { "lan0" : jump from_lan, "wan0" : jump from_wan }
		counter
	}
	chain ok {
		accept
	}
	chain bad {
		drop
	}
	chain from_lan {
		tcp dport { 80, 443 } accept
	}
	chain from_wan {
		ct status dnat accept
	}
}
`),
  );
  const FWD = { family: 'inet' as const, table: 'fw', chain: 'fwd' };

  it('each branch is compared by its key: a new packet from dmz0 to port 80', () => {
    const t = run(index, [
      pkt(FWD, { ...SYN, dport: 80, iif: 'dmz0', oif: 'lan0' }),
      rule(FWD, 'continue', 'counter'),
      policy(FWD, 'drop'),
    ]);
    const why = t.why!;
    // Not `rule 1 might accept it (via ok rule 1)`: the map's key is ct state established or related.
    expect(why.nearMisses.map((n) => n.text)).toEqual([
      'rule 2 would accept tcp dport 80,443 in on lan0 (via from_lan rule 1), but this packet arrives on dmz0',
      'rule 2 would accept in on wan0 ct status dnat (via from_wan rule 1), but this packet arrives on dmz0 and was not DNATed',
    ]);
    expect(why.cannotCompare).toEqual([]);
  });
});
