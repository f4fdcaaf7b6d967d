// An internet-facing server (INPUT policy DROP, fail2ban and ufw chains, an ipset blocklist, hashlimit, connlimit,
// REJECT variants, LOG decoys, an egress block) from a thirty-second review lab (test/fixtures/unseen32/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen32');

const V4_V6 = ['-iptables-save-c.txt', '-ip6tables-save-c.txt'];

describe('one trace per traced packet (the TRACE counters)', () => {
  it.each([
    ['capture1b-xtables-monitor.txt', V4_V6.map((s) => 'capture1b' + s), 108],
    ['capture2-nft-monitor.txt', ['capture2-nft-list-ruleset.txt'], 161],
    ['capture3-dmesg.txt', V4_V6.map((s) => 'capture3' + s), 157],
    ['capture4-nft-monitor.txt', ['capture4-nft-list-ruleset.txt'], 157],
    ['capture4-nft-monitor.txt', [], 157],
  ])('%s with %j: %i', (capture, rules, n) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
  });
});

describe('every verdict its counter', () => {
  it('kernel log (iptables-legacy), its LOG lines (`BLOCK: `) no traces', () => {
    const traces = replay('capture3-dmesg.txt', ...V4_V6.map((s) => 'capture3' + s)).traces;
    expect(tally(traces, (t) => decidedBy(t, (r) => r.position))).toEqual({
      'accept filter/OUTPUT policy': 65,
      'accept filter/INPUT 2': 48,
      'accept raw/PREROUTING policy': 6, // multicast the host never joined: discarded after prerouting
      'accept filter/INPUT 6': 6,
      'accept filter/ufw-user-input 4': 5,
      'accept filter/ufw-user-input 2': 3,
      'drop filter/INPUT policy': 3,
      'reject filter/f2b-sshd 1': 2,
      'drop filter/INPUT 4': 2,
      'accept filter/ufw-user-input 7': 2,
      'drop filter/ufw-user-input 3': 2,
      'drop filter/OUTPUT 1': 2,
      'accept filter/INPUT 7': 2,
      'accept filter/ufw-user-input 5': 1,
      'reject filter/ufw-user-input 6': 1,
      'reject filter/ufw-user-input 1': 1,
      'accept filter/ufw6-user-input 2': 1,
      'accept filter/ufw6-user-input 4': 1,
      'drop filter/INPUT 8': 1,
      'accept filter/INPUT 10': 1,
      'accept filter/ufw6-user-input 7': 1,
      'reject filter/ufw6-user-input 6': 1,
    });
  });

  it('native nft without its ruleset: `trace_pre` is a prerouting chain, every other verdict at input or output', () => {
    const traces = replay('capture4-nft-monitor.txt').traces;
    expect(tally(traces, (t) => `${t.verdict.hook} ${t.verdict.action}`)).toEqual({
      'prerouting accept': 6,
      'input accept': 71,
      'input drop': 8,
      'input reject': 5,
      'output accept': 65,
      'output drop': 2,
    });
  });
});

describe('xtables-monitor 1.8.9 dies on an icmp6 match', () => {
  it('the 106 traces before its death', () => {
    expect(replay('capture1-xtables-monitor.txt', ...V4_V6.map((s) => 'capture1' + s)).traces).toHaveLength(106);
  });
});

describe('a ping over the rate limit, dropped by the INPUT policy', () => {
  // Was: `closest: rule 1 would accept in on lo, but this packet arrives on rv32s1`.
  it.each([
    [
      'capture4-nft-monitor.txt',
      ['capture4-nft-list-ruleset.txt'],
      '1c5cf44d',
      'fw/input',
      'rule 8',
      'limit rate 2/second burst 3 packets',
    ],
    [
      'capture3-dmesg.txt',
      V4_V6.map((s) => 'capture3' + s),
      'k105',
      'filter/INPUT',
      'rule 6',
      '-m limit --limit 2/sec --limit-burst 3',
    ],
  ])('%s: the limit rule is the closest', (capture, rules, id, chain, rule, limit) => {
    const t = replay(capture, ...rules).traces.find((x) => x.id === id)!;
    expect(t.explanation).toBe(
      `dropped by the DROP policy of ${chain}: no rule accepted it; closest: ${rule} accepts icmp type echo-request, but did not take this packet: ${limit}`,
    );
  });
});

describe('link-local multicast the host never joined (MLD reports, router solicitations): seen only in prerouting', () => {
  it.each([
    [
      'capture3-dmesg.txt',
      V4_V6.map((s) => 'capture3' + s),
      'k44',
      'input and forward have chains (filter/INPUT, filter/FORWARD)',
    ],
    ['capture4-nft-monitor.txt', ['capture4-nft-list-ruleset.txt'], 'bedf089f', 'input has chains (fw/input)'],
  ])('%s: %s was dropped by the kernel, not forwarded', (capture, rules, id, chains) => {
    const t = replay(capture, ...rules).traces.find((x) => x.id === id)!;
    expect(t.packet.dst).toBe('ff02::2');
    // The native ruleset has no forward chain: the packet might have been forwarded, but not to ff02::/16.
    expect(t.explanation).toMatch(
      new RegExp(
        `; not seen after prerouting, though ${chains.replace(/[()]/g, '\\$&')}: the kernel dropped it \\(a multicast group this host has not joined\\), or events were lost$`,
      ),
    );
  });
});

describe('xtables-monitor prints no protocol for UDP: a UDP drop still gets the UDP rule as its closest', () => {
  it('2fdfe875 (udp to port 161): as the kernel log and nft say, not `rule 1 would accept in on lo`', () => {
    const t = replay('capture1b-xtables-monitor.txt', ...V4_V6.map((s) => 'capture1b' + s)).traces.find(
      (x) => x.id === '2fdfe875',
    )!;
    expect(t.packet.proto).toBeUndefined(); // never guessed in the record (NDJSON: null)
    expect(t.explanation).toBe(
      "dropped by the DROP policy of filter/INPUT: no rule accepted it; closest: rule 7 might accept udp dport 53,123 (via ufw-user-input rule 7), but this packet goes to port 161; cannot compare: -p udp (the trace does not show the packet's proto)",
    );
    // A tcp rule fails: ports without TCP flags (xtables-monitor prints flags for every TCP packet).
    expect(t.why!.nearMisses.find((n) => n.text.includes('tcp dport 22'))?.failed).toContainEqual({
      field: 'proto',
      want: 'tcp',
      got: '(ports, no TCP flags)',
    });
  });
});
