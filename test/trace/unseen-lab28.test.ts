// A Kubernetes node with Calico-style iptables policy (dispatch by goto, policy chains that MARK and RETURN, the
// accept on the mark in cali-FORWARD) from a twenty-eighth review lab (test/fixtures/unseen28/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen28');

const COUNTERS = (fwA: number, fwB: number, twA: number, twB: number): Record<string, number> => ({
  'accept filter/OUTPUT policy': 1,
  'accept filter/cali-FORWARD 1': 1,
  'accept filter/cali-FORWARD 7': 8,
  'accept filter/cali-fw-cali0a0a0a0a0a0 1': fwA,
  'accept filter/cali-fw-cali0b0b0b0b0b0 1': fwB,
  'accept filter/cali-fw-cali0c0c0c0c0c0 1': 6,
  'drop filter/cali-fw-cali0c0c0c0c0c0 7': 2,
  'accept filter/cali-tw-cali0a0a0a0a0a0 1': twA,
  'accept filter/cali-tw-cali0b0b0b0b0b0 1': twB,
  'drop filter/cali-tw-cali0c0c0c0c0c0 7': 6,
});

describe('every verdict its counter', () => {
  it('nft monitor trace of iptables-nft rules, with nft -a list ruleset: 58 traces', () => {
    const traces = replay('nft-nftmon.txt', 'nft-ruleset.nft').traces;
    expect(traces).toHaveLength(58);
    expect(tally(traces, (t) => decidedBy(t, (r) => r.position))).toEqual(COUNTERS(9, 15, 5, 5));
  });

  it('kernel log (iptables-legacy): 59 traces', () => {
    const traces = replay('legacy-dmesg.txt', 'legacy-iptables-save.txt').traces;
    expect(traces).toHaveLength(59);
    expect(tally(traces, (t) => decidedBy(t, (r) => r.position))).toEqual(COUNTERS(10, 17, 4, 4));
  });
});

describe('an accept on the mark names the policy rule that set the mark', () => {
  it.each([
    [
      'nft-nftmon.txt',
      'nft-ruleset.nft',
      '2c0515f2',
      '(meta l4proto tcp   xt match set tcp dport 8080 counter meta mark set mark or 0x10000)',
    ],
    ['legacy-dmesg.txt', 'legacy-iptables-save.txt', 'k1', '-j MARK --set-xmark 0x10000/0x10000)'],
  ])('%s', (capture, rules, id, setter) => {
    const t = replay(capture, rules).traces.find((x) => x.id === id)!;
    expect(t.verdict).toMatchObject({ action: 'accept', chain: 'cali-FORWARD', rule: { position: 7 } });
    expect(t.explanation).toContain(
      ', reached from FORWARD rule 1, on the mark set by rule 1 of filter/cali-pi-_dflt-backend-in (',
    );
    expect(t.explanation.endsWith(setter)).toBe(true);
  });

  it('every step of a Calico chain is calico’s', () => {
    const steps = replay('nft-nftmon.txt', 'nft-ruleset.nft').traces.flatMap((t) => t.steps);
    const cali = steps.filter((s) => s.chain.startsWith('cali-'));
    expect(cali.length).toBeGreaterThan(100);
    expect(cali.every((s) => s.owner === 'calico')).toBe(true);
  });
});
