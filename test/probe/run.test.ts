// --probe in a live run, on loopback from this process: planned before anything is armed (usage errors
// are ToolErrors, exit 2), sent once, reported, and the run told when no trace shows up.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProbeFilter, prepareProbe, startProbe } from '../../src/app/live/probe.js';
import { StopSignal } from '../../src/app/live/stop-signal.js';
import { EXIT, ToolError } from '../../src/errors.js';
import type { ProbeRun } from '../../src/model/probe.js';
import type { SessionEvent } from '../../src/model/session.js';
import { spec } from '../flow/helpers.js';

let server: net.Server;
let port = 0;
beforeAll(async () => {
  server = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise((r) => server.close(r)));

function caught(f: () => unknown): ToolError {
  try {
    f();
  } catch (e) {
    if (e instanceof ToolError) return e;
    throw e;
  }
  throw new Error('expected a ToolError');
}

async function rejected(p: Promise<unknown>): Promise<ToolError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ToolError) return e;
    throw e;
  }
  throw new Error('expected a ToolError');
}

const quiet = { afterSec: 0.3, stop: true };

describe('checkProbeFilter / prepareProbe', () => {
  it('a filter that names no packet is a usage error with an example', () => {
    const e = caught(() => checkProbeFilter(spec('tcp port 22'), { traced: null, from: null }));
    expect(e.exitCode).toBe(EXIT.usage);
    expect(e.message).toMatch(/needs a destination/);
    expect(e.hint).toMatch(/--probe 'tcp dst port 5432 and dst host/);
  });

  it('checks sources against this host’s addresses', async () => {
    const ok = await prepareProbe(spec(`tcp dst port ${port} and dst host 127.0.0.1`), {
      traced: null,
      from: null,
      noTrace: quiet,
      inspect: true,
    });
    expect(ok).toEqual({
      spec: { proto: 'tcp', ipVersion: 4, dst: '127.0.0.1', dport: port, src: null, sport: null },
      from: null,
      noTrace: quiet,
    });
    const e = await rejected(
      prepareProbe(spec('src host 192.0.2.77 and dst host 127.0.0.1 and tcp port 1'), {
        traced: null,
        from: null,
        noTrace: quiet,
        inspect: true,
      }),
    );
    expect([e.exitCode, e.message]).toEqual([
      EXIT.usage,
      'src host 192.0.2.77 is not an address of this host; a probe cannot spoof it',
    ]);
  });

  it('--probe-from a namespace that does not exist', async () => {
    const e = await rejected(
      prepareProbe(spec('tcp dst port 1 and dst host 10.0.0.5'), {
        traced: null,
        from: 'fwtrace-no-such-netns',
        noTrace: quiet,
        inspect: true,
      }),
    );
    expect([e.exitCode, e.message]).toEqual([
      EXIT.usage,
      'no network namespace named "fwtrace-no-such-netns" (--probe-from)',
    ]);
  });
});

function harness(run: ProbeRun, traces = 0) {
  const events: SessionEvent[] = [];
  const stop = new StopSignal();
  const handle = startProbe(run, {
    renderer: { handle: (e) => events.push(e), close: () => Promise.resolve() },
    stop,
    traces: () => traces,
    netns: 'fw',
  });
  return { events, stop, handle };
}

const probeTo = (p: number, extra: Partial<ProbeRun['spec']> = {}): ProbeRun => ({
  spec: { proto: 'tcp', ipVersion: 4, dst: '127.0.0.1', dport: p, src: null, sport: null, ...extra },
  from: null,
  noTrace: quiet,
});

describe('startProbe', () => {
  it('sends once and reports it; no trace within the wait: says so and stops the run', async () => {
    const h = harness(probeTo(port));
    const reason = await h.stop.reason;
    await h.handle.settled();
    expect(reason).toEqual({ kind: 'timeout' });
    expect(h.events.map((e) => e.kind)).toEqual(['probe', 'warning']);
    expect(h.events[0]).toMatchObject({ probe: { sent: true, answer: 'syn-ack', dport: port, from: null } });
    expect(h.events[1]).toMatchObject({
      message: expect.stringMatching(
        /^no trace of the probe within 0.3 s: it did not pass the trace rules in netns fw .*; stopping$/,
      ) as unknown,
    });
  });

  it('with a trace, nothing more is said', async () => {
    const h = harness(probeTo(port), 1);
    await h.handle.settled();
    await new Promise((r) => setTimeout(r, 500));
    expect(h.events.map((e) => e.kind)).toEqual(['probe']);
    expect(h.stop.requested).toBeNull();
    h.stop.stop({ kind: 'quit' });
  });

  it('in the TUI (stop: false) it only says so', async () => {
    const h = harness({ ...probeTo(port), noTrace: { afterSec: 0.2, stop: false } });
    await h.handle.settled();
    await new Promise((r) => setTimeout(r, 500));
    expect(h.events.map((e) => e.kind)).toEqual(['probe', 'warning']);
    expect(h.stop.requested).toBeNull();
    h.stop.stop({ kind: 'quit' });
  });

  it('a probe that cannot be sent is reported and ends the run with an error', async () => {
    const h = harness(probeTo(port, { src: '192.0.2.77' }));
    const reason = await h.stop.reason;
    expect(reason).toEqual({
      kind: 'error',
      message: 'the probe was not sent: bind EADDRNOTAVAIL (the source address is not an address here)',
    });
    expect(h.events).toHaveLength(1);
    expect(h.events[0]).toMatchObject({ kind: 'probe', probe: { sent: false } });
  });

  it('the run ending first still gets the probe record (settled waits for it), and nothing after', async () => {
    const h = harness(probeTo(port));
    h.stop.stop({ kind: 'signal', signal: 'SIGINT' });
    await h.handle.settled();
    expect(h.events.map((e) => e.kind)).toEqual(['probe']);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.events.map((e) => e.kind)).toEqual(['probe']);
  });
});
