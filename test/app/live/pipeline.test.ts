// The live pipeline never lets an exception out of a stream or timer callback: a stage that throws (a
// bug) is reported once through onFailure, so the session stops and disarms in order (DESIGN "Safety" 2:
// an exception is an exit path that cleans up). Found by the kernel suite: a TypeError in a later stage
// crashed a live run from inside the reader's 'data' handler, leaving the cleanup to the watchdog.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LivePipeline } from '../../../src/app/live/pipeline.js';
import { parseFlow } from '../../../src/flow/parse-flow.js';
import type { SessionEvent } from '../../../src/model/session.js';

const capture = readFileSync(
  new URL('../../fixtures/captures/nft/nft-monitor/default-drop.txt', import.meta.url),
  'utf8',
).split('\n');
const parsed = parseFlow('');
if (!parsed.ok) throw new Error(parsed.error.message);
const flow = parsed.value;

function pipeline(handle: (e: SessionEvent) => void, ordered = false): { p: LivePipeline; failures: unknown[] } {
  const failures: unknown[] = [];
  // The capture's own table is `fwtrace_capture`: the pipeline of session "capture" owns its traces.
  const p = new LivePipeline(
    'nft',
    undefined,
    'capture',
    flow,
    { handle, close: () => Promise.resolve() },
    () => undefined,
    ordered,
  );
  p.onFailure = (e) => failures.push(e);
  return { p, failures };
}

describe('LivePipeline failures', () => {
  it('traces flow normally', () => {
    const { p, failures } = pipeline(() => undefined);
    let n = 0;
    for (const line of capture) p.line(line, n++);
    p.flush();
    expect(failures).toEqual([]);
    expect(p.stats.traces).toBeGreaterThan(0);
  });

  it('a stage that throws is reported once, never thrown out of line/tick/flush', () => {
    const { p, failures } = pipeline((e) => {
      if (e.kind === 'trace') throw new TypeError('boom');
    });
    let n = 0;
    expect(() => {
      for (const line of capture) p.line(line, n++);
      p.tick(n + 10_000);
      p.flush();
      p.line(capture[1]!, n++);
    }).not.toThrow();
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toContain('boom');
  });
});

describe('LivePipeline with --count: the first packets, not the first traces to finish', () => {
  /** Packet `id` passes fwtrace_capture's prerouting chain (sport tells them apart). */
  const enter = (id: string, sport: number): string[] => [
    `trace id ${id} inet fwtrace_capture prerouting packet: iif "fw-c" ip saddr 10.66.1.2 ip daddr 10.66.2.2 ip protocol tcp ip length 60 tcp sport ${sport} tcp dport 9999 tcp flags == syn`,
    `trace id ${id} inet fwtrace_capture prerouting rule meta nfproto ipv4 meta nftrace set 1 comment "fwtrace:capture" (verdict continue)`,
    `trace id ${id} inet fwtrace_capture prerouting policy accept`,
  ];
  // Packet 1 stays open (idle close); packet 2's id is reused by packet 3, which closes packet 2's trace at once.
  const lines = [...enter('00000001', 40001), ...enter('00000002', 40002), ...enter('00000002', 40003)];

  const firstShown = (ordered: boolean): number | undefined => {
    const shown: number[] = [];
    const handle = (e: SessionEvent): void => void (e.kind === 'trace' && shown.push(e.trace.packet.sport ?? 0));
    const { p } = pipeline(handle, ordered);
    p.limit = 1;
    let now = 0;
    for (const line of lines) p.line(line, now++);
    p.tick(now + 5000);
    p.flush();
    return shown[0];
  };

  it('ordered: the first packet is the one shown', () => {
    expect(firstShown(true)).toBe(40001);
  });

  it('unordered (no --count): whatever finished first', () => {
    expect(firstShown(false)).toBe(40002);
  });
});
