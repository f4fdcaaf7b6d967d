// The TUI shows the probe on its status line (headless terminal).
import { afterEach, describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/model/probe.js';
import { startTui, type Harness } from '../ui/tui/harness.js';

const PROBE: ProbeResult = {
  sent: true,
  proto: 'tcp',
  src: '10.66.1.2',
  sport: 40000,
  dst: '10.66.2.2',
  dport: 5432,
  from: 'client',
  answer: 'none',
  error: null,
};

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('TUI: the probe', () => {
  it('is one line at the bottom: what was sent, or that it was not', async () => {
    h = startTui(120, 24, { mode: 'live' });
    h.send({
      kind: 'armed',
      armed: {
        session: '1_ab',
        backend: 'nft',
        netns: 'fw',
        filter: 'tcp dst port 5432 and dst host 10.66.2.2',
        commands: [],
        reasons: [],
        rate: 10,
      },
    });
    h.send({ kind: 'probe', probe: PROBE });
    let screen = await h.settle();
    expect(screen.join('\n')).toContain(
      'probe: sent TCP SYN 10.66.1.2:40000 -> 10.66.2.2:5432 from netns client; no answer',
    );
    h.send({ kind: 'probe', probe: { ...PROBE, sent: false, answer: null, error: 'connect ENETUNREACH' } });
    screen = await h.settle();
    expect(screen.join('\n')).toContain(
      'probe NOT sent: TCP SYN 10.66.1.2:40000 -> 10.66.2.2:5432 from netns client: connect ENETUNREACH',
    );
  });
});
