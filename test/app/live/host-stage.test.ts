// The live host stage: traces come out in the order they went in whatever each diagnosis takes; the
// kernel drop picked is the one of the packet's moment, and a packet that went all the way through only
// gets a drop dated right at it; `host` is null when there is nothing to say.
import { describe, expect, it } from 'vitest';
import { HostStage, withHost } from '../../../src/app/live/host-stage.js';
import { DropRing } from '../../../src/host/drop-match.js';
import type { HostResult } from '../../../src/host/diagnose.js';
import type { KernelDrop } from '../../../src/model/host.js';
import type { Trace } from '../../../src/model/trace.js';
import { step, trace, TRACER } from '../../host/traces.js';

const packet = {
  ipVersion: 4 as const,
  proto: 'tcp' as const,
  src: '10.0.0.1',
  dst: '10.0.0.2',
  dport: 80,
  iif: 'eth0',
};
/** Accepted in prerouting and never seen again. */
const stopped = (id: string): Trace => ({ ...trace({ packet, steps: TRACER }), id });
/** Accepted all the way out (forward). */
const through = (id: string): Trace => ({
  ...trace({ packet, steps: [...TRACER, step('forward', 'forward', 'accept', 'tcp dport 80 accept')] }),
  id,
});
const drop = (reason: string): KernelDrop => ({ reason, location: 'f+0x1/0x2', protocol: 2048, stamp: 1 });
const nothing = (t: Trace, d: KernelDrop | null): HostResult => ({
  diagnosis: { kernelDrop: d, findings: [] },
  explanation: t.explanation,
});

/** The reason of the drop the stage gives trace t, when the only drop read is `reason` at `at`. */
async function dropGiven(
  t: Trace,
  reason: string,
  at: number,
  seen: { first: number; last: number },
): Promise<string | null> {
  const ring = new DropRing();
  ring.push(drop(reason), at);
  const out: Trace[] = [];
  const stage = new HostStage(
    ring,
    (x, d) => Promise.resolve(nothing(x, d)),
    (x) => out.push(x),
  );
  stage.push(t, t, seen);
  await stage.drain();
  return out[0]?.host?.kernelDrop?.reason ?? null;
}

describe('HostStage', () => {
  it('keeps the order of the traces even when a later diagnosis finishes first', async () => {
    const out: string[] = [];
    const delays: Record<string, number> = { a: 30, b: 0, c: 10 };
    const stage = new HostStage(
      null,
      (t, d) => new Promise((r) => setTimeout(() => r(nothing(t, d)), delays[t.id])),
      (t) => out.push(t.id),
    );
    for (const id of ['a', 'b', 'c']) stage.push(stopped(id), stopped(id), null);
    await stage.drain();
    expect(out).toEqual(['a', 'b', 'c']);
  });

  it('gives a stopped packet the drop of its moment, and diagnoses the trace with its tracer steps', async () => {
    const ring = new DropRing();
    ring.push(drop('NO_SOCKET'), 1000);
    let seenSteps = -1;
    const out: Trace[] = [];
    const stage = new HostStage(
      ring,
      (t, d) => {
        seenSteps = t.steps.length;
        return Promise.resolve(nothing(t, d));
      },
      (t) => out.push(t),
    );
    const raw = stopped('x');
    const shown = { ...raw, steps: [], explanation: 'shown' };
    stage.push(shown, raw, { first: 1001, last: 1002 });
    await stage.drain();
    expect(seenSteps).toBe(TRACER.length);
    expect(out[0]?.host?.kernelDrop?.reason).toBe('NO_SOCKET');
    expect(out[0]?.steps).toEqual([]);
    expect(out[0]?.explanation).toBe('shown');
  });

  it('a packet that went all the way through gets only a specific drop dated right at it', async () => {
    const seen = { first: 1000, last: 1001 };
    expect(await dropGiven(through('y'), 'NEIGH_FAILED', 1003, seen)).toBe('NEIGH_FAILED');
    expect(await dropGiven(through('y'), 'NEIGH_FAILED', 800, seen)).toBeNull(); // 200 ms before: another packet's
    expect(await dropGiven(through('y'), 'NOT_SPECIFIED', 1000, seen)).toBeNull(); // says nothing about this one
  });

  it('a packet netfilter let out of postrouting is never given a NETFILTER_DROP (lab 27: a hairpin’s ICMP redirect)', async () => {
    const out = (t: Trace): Trace => ({ ...t, steps: [...t.steps, step('postrouting', 'post', 'accept', 'accept')] });
    const run = (t: Trace): Promise<string | null> => dropGiven(t, 'NETFILTER_DROP', 1001, { first: 1000, last: 1002 });
    expect(await run(out(through('h')))).toBeNull();
    // The kernel log shows iptables-legacy's chains only: an nft chain after them may have dropped it.
    expect(await run({ ...out(through('k')), backend: 'kernlog' })).toBe('NETFILTER_DROP');
    // Seen last in forward: a later chain may still have dropped it.
    expect(await run(through('f'))).toBe('NETFILTER_DROP');
  });

  it('without timing (or without a drop reader) no drop is picked', async () => {
    const ring = new DropRing();
    ring.push(drop('NO_SOCKET'), 1000);
    const out: Trace[] = [];
    const stage = new HostStage(
      ring,
      (t, d) => Promise.resolve(nothing(t, d)),
      (t) => out.push(t),
    );
    stage.push(stopped('z'), stopped('z'), null);
    await stage.drain();
    expect(out[0]?.host ?? null).toBeNull();
  });
});

describe('HostStage with a settle time', () => {
  it('a drop read after the trace finished (the reader polls) still goes to the first packet it fits', async () => {
    const ring = new DropRing();
    const out: Trace[] = [];
    let clock = 1000;
    const stage = new HostStage(
      ring,
      (t, d) => Promise.resolve(nothing(t, d)),
      (t) => out.push(t),
      30,
      () => clock,
    );
    const rejected: Trace = { ...stopped('r'), verdict: { ...stopped('r').verdict, action: 'reject' } };
    stage.push(rejected, rejected, { first: 995, last: 1000 });
    stage.push(through('icmp'), through('icmp'), { first: 1001, last: 1002 });
    ring.push(drop('NETFILTER_DROP'), 1003); // read on the next poll, dated by its own stamp
    clock = 1100;
    await stage.drain();
    expect(out.map((t) => [t.id, t.host?.kernelDrop?.reason ?? null])).toEqual([
      ['r', 'NETFILTER_DROP'],
      ['icmp', null],
    ]);
  });
});

describe('withHost', () => {
  const t = stopped('w');
  it('null host and the same object when nothing is said', () => {
    expect(withHost(t, nothing(t, null))).toBe(t);
  });
  it('the findings and the chosen explanation when there is something', () => {
    const finding = { check: 'listener' as const, severity: 'cause' as const, text: 'nothing listens', fix: null };
    const r = withHost(t, { diagnosis: { kernelDrop: null, findings: [finding] }, explanation: 'because' });
    expect(r.host?.findings).toEqual([finding]);
    expect(r.explanation).toBe('because');
  });
});
