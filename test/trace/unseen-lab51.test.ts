// A ruleset of exotic matches and targets (u32, string, bpf, recent, hashlimit, HMARK, TCPMSS, CT, goto, raw nft
// payloads, DSCP) from a fifty-first review lab (test/fixtures/unseen51/README.md), in iptables-legacy (kernel log),
// iptables-nft (nft monitor, xtables-monitor) and native nft.
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen51');

describe('one trace per packet (README: the trace rules’ counters)', () => {
  it.each([
    ['legacy/kernlog.txt.gz', 103, ['legacy/iptables-legacy-save-c.txt']],
    // A SYN without MSS option grown by TCPMSS in mangle FORWARD (its later lines 4 bytes longer): one packet,
    // without the ruleset that names the TCPMSS rule too (it was two traces).
    ['legacy/kernlog.txt.gz', 103, []],
    ['iptnft/nft-monitor.txt.gz', 104, ['iptnft/nft-a-list.txt']],
    ['iptnft/xtables-monitor.txt.gz', 104, ['iptnft/iptables-save-c.txt']],
    ['nft/nft-monitor.txt.gz', 98, ['nft/nft-a-list.txt']],
  ])('%s %j', (capture, n, rules) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
  });
});

describe('an nft -j dump finds rules with raw payload and DSCP matches (nft prints their values in hex)', () => {
  const json = replay('nft/nft-monitor.txt.gz', 'nft/nft-j-list.json');
  const text = replay('nft/nft-monitor.txt.gz', 'nft/nft-a-list.txt');

  it.each([
    ['d03e625d', 4, 34, 'ip protocol udp @th,64,32 0x12345678 counter accept comment "u32 magic"'],
    ['9be48c84', 6, 36, 'udp dport 9000 @th,72,32 0xdeadbeef counter drop'],
    ['998b3dd4', 9, 39, 'udp dport 9000 ip dscp 0x04 counter accept'],
  ])('%s: rule %i, handle %i', (id, position, handle, ruleText) => {
    const rule = byId(json.traces, id).verdict.rule;
    expect(rule).toMatchObject({ position, handle, text: ruleText, packets: 1 });
    expect(byId(text.traces, id).verdict.rule).toMatchObject({ position, handle });
  });

  it('every rule step found in the text dump is found in the JSON dump', () => {
    const unplaced = (r: typeof json): number =>
      r.traces.flatMap((t) => t.steps).filter((s) => s.kind === 'rule' && s.rule?.position == null).length;
    expect(unplaced(json)).toBe(unplaced(text));
  });
});
