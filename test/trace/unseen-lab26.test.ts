// Abuse protection under load (rate limits, quotas, meters, connlimit; thousands of interleaved packets; a reader
// that fell behind) from a twenty-sixth review lab (test/fixtures/unseen26/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen26');

/** The dump's rule counters (nft-load-rules.txt), by handle; the chains' policies by their counter-only rule. */
const NFT_COUNTERS = {
  'accept fw/input 4': 214,
  'drop fw/input 5': 14,
  'accept fw/input policy': 4,
  'accept fw/forward 8': 1629,
  'reject fw/forward 11': 17,
  'drop fw/forward 13': 45,
  'drop fw/forward 15': 104,
  'drop fw/forward 16': 100,
  'accept fw/forward 18': 43,
  'accept fw/forward 19': 2,
  'accept fw/forward 21': 196,
  'drop fw/forward policy': 20,
};

describe('native nft, 2388 traced packets, trace ids reused up to 7 times', () => {
  // A quota that counted anything is listed `quota over 50 kbytes used 50 kbytes`, the trace line has no `used`;
  // `nft -j` lists a meter as its own statement, with the default burst the text leaves out.
  it.each(['nft-load-rules.txt', 'nft-load-rules.json'])(
    'with %s: one trace per packet, every tally its counter',
    (dump) => {
      const traces = replay('nft-load-trace.txt.gz', dump).traces;
      expect(traces).toHaveLength(2388);
      expect(tally(traces, (t) => decidedBy(t, (r) => r.handle))).toEqual(NFT_COUNTERS);
      const quota = traces.find((t) => t.verdict.rule?.handle === 15)!;
      expect(quota.verdict.rule).toMatchObject({ position: 7, packets: 104 });
      expect(quota.verdict.rule?.text).toBe('udp dport 5353 quota over 50 kbytes counter drop');
      const meter = traces.find((t) => t.verdict.rule?.handle === 13)!;
      expect(meter.verdict.rule?.text).toBe(
        'tcp dport 8080 meter m8080 size 1024 { ip saddr limit rate over 5/second } counter drop',
      );
      expect(meter.verdict.rule?.packets).toBe(45);
    },
  );
});

it('iptables-nft (string, u32, connlimit, hashlimit, quota, recent): 1378 traces, every tally its counter', () => {
  const traces = replay('xt-load-trace.txt.gz', 'xt-load-rules.txt').traces;
  expect(traces).toHaveLength(1378);
  expect(tally(traces, (t) => decidedBy(t, (r) => r.position))).toEqual({
    'accept filter/INPUT 1': 59,
    'accept filter/INPUT 3': 1,
    'drop filter/SSHCHK 1': 20,
    'drop filter/FORWARD 1': 64,
    'drop filter/FORWARD 2': 20,
    'accept filter/FORWARD 3': 160,
    'accept filter/FORWARD 5': 532,
    'reject filter/FORWARD 8': 17,
    'drop filter/FORWARD 9': 43,
    'accept filter/FORWARD 10': 94,
    'drop filter/FORWARD 11': 106,
    'drop filter/FORWARD 12': 100,
    'accept filter/FORWARD 13': 42,
    'accept filter/FORWARD 14': 100,
    'drop filter/FORWARD policy': 20,
  });
});

it('kernel log: 520 traces for the 520 packets logged, every tally the log', () => {
  const traces = replay('legacy-trace.txt.gz', 'legacy-rules.txt').traces;
  expect(traces).toHaveLength(520);
  const byRule = tally(traces, (t) => decidedBy(t, (r) => r.position));
  expect(byRule).toMatchObject({
    'accept filter/FORWARD 5': 248,
    'reject filter/FORWARD 8': 3,
    'drop filter/SSHCHK 1': 10,
  });
  expect(byRule['drop filter/FORWARD policy']).toBe(4);
});

it('xtables-monitor that died of ENOBUFS: its stderr line counts as a loss; the 366 packets it printed are traces', () => {
  const cut = replay('xt-enobufs-trace-with-stderr.txt.gz', 'xt-enobufs-rules.txt');
  expect(cut.traces).toHaveLength(366);
  expect(cut.lost).toBe(1);
  // Without the stderr line nothing shows the loss (the docs say to capture with 2>&1).
  expect(replay('xt-enobufs-trace.txt.gz', 'xt-enobufs-rules.txt').lost).toBe(0);
});
