// The probe's record comes before its trace: traces after `armed` wait for it (or for the run's end).
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/model/session.js';
import type { Trace } from '../../src/model/trace.js';
import type { ProbeResult } from '../../src/model/probe.js';
import { ProbeFirst } from '../../src/app/live/probe-first.js';

const trace = (id: string): SessionEvent => ({ kind: 'trace', trace: { id } as unknown as Trace });
const probe: SessionEvent = { kind: 'probe', probe: { sent: true } as unknown as ProbeResult };
const armed = { kind: 'armed', armed: {} } as unknown as SessionEvent;
const warning: SessionEvent = { kind: 'warning', message: 'w' };
const stats = (final: boolean): SessionEvent => ({ kind: 'stats', stats: {} as never, final });
const disarmed = { kind: 'disarmed', disarmed: {} } as unknown as SessionEvent;

function run(events: SessionEvent[]): string[] {
  const seen: string[] = [];
  const r = new ProbeFirst({
    handle: (e) => seen.push(e.kind === 'trace' ? `trace ${e.trace.id}` : e.kind),
    close: () => Promise.resolve(),
  });
  for (const e of events) r.handle(e);
  return seen;
}

describe('ProbeFirst', () => {
  it('holds traces between armed and the probe record, in order; the rest passes', () => {
    expect(
      run([warning, armed, trace('a'), warning, stats(false), trace('b'), probe, trace('c'), stats(true), disarmed]),
    ).toEqual(['warning', 'armed', 'warning', 'stats', 'probe', 'trace a', 'trace b', 'trace c', 'stats', 'disarmed']);
  });

  it('without a probe record, the end of the run lets them out first', () => {
    expect(run([armed, trace('a'), stats(true), disarmed])).toEqual(['armed', 'trace a', 'stats', 'disarmed']);
    expect(run([armed, trace('a'), disarmed])).toEqual(['armed', 'trace a', 'disarmed']);
  });

  it('close() lets out what is held', async () => {
    const seen: string[] = [];
    const r = new ProbeFirst({ handle: (e) => seen.push(e.kind), close: () => Promise.resolve() });
    r.handle(armed);
    r.handle(trace('a'));
    await r.close();
    expect(seen).toEqual(['armed', 'trace']);
  });
});
