// The same captures saved the ways people save them at 2 am (tee, ts, script, cat -v, CR LF, journalctl, syslog),
// from a forty-eighth review lab (test/fixtures/unseen48/README.md): each copy gives the clean capture's traces.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { replayText } from '../helpers/replay-text.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { read, replay } = fixtureReplay('unseen48');

/** What a copy must keep: the packets, what decided each, and their NAT. */
const summary = (traces: readonly Trace[]): unknown => ({
  traces: traces.length,
  decided: tally(traces, (t) => decidedBy(t, (r) => r.position ?? r.handle)),
  nat: tally(
    traces.flatMap((t) => t.nat),
    (n) => `${n.kind} ${n.from} -> ${n.to}`,
  ),
});

const SOURCES = {
  K: ['captures/legacy.kernlog.dmesg.txt', 'dumps/legacy.iptables-legacy-save-c.txt', 19],
  X: ['captures/ipt-nft.xtables-monitor.txt', 'dumps/ipt-nft.iptables-save-c.txt', 18],
  N: ['captures/ipt-nft.nft-monitor.txt', 'dumps/ipt-nft.nft-a-list.txt', 18],
  NN: ['captures/nft.nft-monitor.txt', 'dumps/nft.nft-a-list.txt', 19],
} as const;

describe('the clean captures: one trace per packet (the trace rules’ counters)', () => {
  it.each(Object.entries(SOURCES))('%s', (_, [capture, rules, n]) => {
    expect(replay(capture, rules).traces).toHaveLength(n);
  });
});

describe('copies that must read as the clean capture', () => {
  const variants = [
    ...['K', 'X', 'N', 'NN'].flatMap((s) =>
      ['tee', 'ts', 'crlf', 'script.typescript', 'script.cat-v'].map((v) => [s, v]),
    ),
    ...['journalctl-k-short-precise', 'journalctl-k-json', 'kern-log', 'kern.log-rfc3339'].map((v) => ['K', v]),
  ] as [keyof typeof SOURCES, string][];
  it.each(variants)('%s.%s', (source, variant) => {
    const [capture, rules] = SOURCES[source];
    const file = `variants/${source}.${variant}${variant === 'script.typescript' ? '' : '.txt'}`;
    const copy = replayText(read(file), { dumps: [read(rules)] });
    // `script` adds its own first and last lines; nothing else is left unparsed.
    expect(copy.unparsed).toBe(variant.startsWith('script') ? 2 : 0);
    expect(summary(copy.traces)).toEqual(summary(replay(capture, rules).traces));
  });
});
