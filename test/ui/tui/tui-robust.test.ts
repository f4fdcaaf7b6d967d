// The TUI's behaviour around the terminal and the process: colours, TERM quirks, signals, close, throttling.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureTraces } from './fixtures.js';
import { sleep, startTui, type Harness } from './harness.js';

const traces = [
  ...captureTraces('legacy', 'kernlog', 'kube-service'),
  ...captureTraces('legacy', 'kernlog', 'default-drop'),
];
const armed = {
  session: 'abc',
  backend: 'nft' as const,
  netns: null,
  filter: 'tcp port 80',
  commands: [],
  reasons: [],
  rate: 10,
};
const COLOUR_SGR = new RegExp(String.raw`\x1b\[(?:[0-9;]*;)?(?:3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;5;\d+|48;5;\d+)m`);
const PROCESS_EVENTS = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'uncaughtException', 'exit'] as const;
const counts = (): number[] => PROCESS_EVENTS.map((e) => process.listenerCount(e));

let h: Harness | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  h = null;
});

function open(opts: Parameters<typeof startTui>[2] = {}, cols = 80, rows = 24): Harness {
  h = startTui(cols, rows, opts);
  h.send(...traces.map((trace) => ({ kind: 'trace' as const, trace })));
  return h;
}

describe('colours and terminals', () => {
  it('NO_COLOR: no colour at all, verdict words still there', async () => {
    const t = open({ env: { TERM: 'xterm-256color', LANG: 'C.UTF-8', NO_COLOR: '1' } });
    const s = await t.settle();
    expect(t.raw()).not.toMatch(COLOUR_SGR);
    expect(s.filter((l) => /(ACCEPT|DROP)$/.test(l)).length).toBeGreaterThan(5);
  });

  it('TERM=dumb: usable without colours, ASCII when the locale is not UTF-8', async () => {
    const t = open({ env: { TERM: 'dumb', LANG: 'C' } });
    const s = await t.settle();
    expect(t.raw()).not.toMatch(COLOUR_SGR);
    expect(s[1]).toMatch(/^ packets {2}1 of \d+ -+$/);
    expect(s.find((l) => l.startsWith('> '))).toMatch(/ACCEPT$/);
    expect(s.join('')).not.toMatch(/[^\x20-\x7e]/);
  });

  it('TERM=screen-256color / alacritty: no terminfo error text anywhere', async () => {
    const spy = vi.spyOn(console, 'error');
    for (const TERM of ['screen-256color', 'alacritty']) {
      const t = open({ env: { TERM, LANG: 'C.UTF-8' } });
      const s = await t.settle();
      expect(s[1]).toMatch(/^ packets/);
      expect(t.raw()).not.toMatch(/Error on|plab_norm|Setulc/);
      await t.close();
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('UTF-8 locale: Unicode box drawing, no DEC ACS shift-in sequences', async () => {
    const t = open();
    await t.settle();
    await t.key('?');
    expect(t.raw()).toContain('┌');
    expect(t.raw()).not.toContain('\u001b(0');
  });
});

describe('the process and the terminal', () => {
  it('leaves no signal or uncaughtException handler behind, during or after', async () => {
    const before = counts();
    const t = open();
    await t.settle();
    const during = counts();
    expect(during.slice(0, 5)).toEqual(before.slice(0, 5));
    await t.close();
    expect(counts()).toEqual(before);
  });

  it('close() restores the terminal (normal screen, cursor) and is idempotent', async () => {
    const t = open();
    await t.settle();
    await t.close();
    const raw = t.raw();
    expect(raw.lastIndexOf('\u001b[?1049l')).toBeGreaterThan(raw.lastIndexOf('\u001b[?1049h'));
    expect(raw).toContain('\u001b[?25h');
    const length = raw.length;
    await t.close();
    t.send({ kind: 'trace', trace: traces[0]! });
    await sleep(100);
    expect(t.raw().length).toBe(length);
  });

  it('a terminal that went away (EIO) stops drawing and still closes quietly', async () => {
    const t = open();
    await t.settle();
    const { output, input } = t.streams;
    output.emit('error', Object.assign(new Error('write EIO'), { code: 'EIO' }));
    input.emit('error', Object.assign(new Error('read EIO'), { code: 'EIO' }));
    output.destroy();
    t.send({ kind: 'trace', trace: traces[0]! });
    await sleep(100);
    await expect(t.close()).resolves.toBeUndefined();
  });
});

describe('live mode', () => {
  it('header from armed and stats, follows the newest packet, q and Ctrl-C quit once, r refreshes', async () => {
    h = startTui(80, 24, { mode: 'live', refresh: true });
    const t = h;
    t.send({ kind: 'armed', armed });
    t.send(...traces.map((trace) => ({ kind: 'trace' as const, trace })));
    t.send({
      kind: 'stats',
      stats: { lines: 40, unparsed: 2, ignored: 0, traces: 11, lost: 1, unparsedReasons: {} },
      final: false,
    });
    t.send({ kind: 'warning', message: 'xtables-monitor died; using nft monitor trace' });
    const s = await t.settle();
    expect(s[0]).toMatch(/^ nft {2}'tcp port 80' {2}max 10\/s {2}[\d.]+\/s {2}unparsed 2 {2}lost 1 +FOLLOWING$/);
    expect(s.find((l) => l.startsWith('▶ '))).toMatch(new RegExp(`^▶ +${traces.length} \\d\\d:\\d\\d:\\d\\d `));
    expect(s[23]).toContain('xtables-monitor died');
    await t.key('r');
    await t.key('q');
    await t.key('\u0003');
    expect(t.refreshes).toBe(1);
    expect(t.quits).toBe(1);
    expect((await t.screen())[23]).toContain('stopping');
  });
});

describe('throttling and memory', () => {
  it('2000 traces arriving fast give a bounded number of frames; the ring keeps maxTraces', async () => {
    h = startTui(80, 24, { mode: 'live', maxTraces: 500 });
    const t = h;
    await t.settle();
    const start = Date.now();
    const framesBefore = t.tui.frameCount;
    for (let i = 0; i < 2000; i++) {
      t.send({ kind: 'trace', trace: traces[i % traces.length]! });
      if (i % 100 === 99) await sleep(15);
    }
    await sleep(150);
    const elapsed = Date.now() - start;
    const frames = t.tui.frameCount - framesBefore;
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThanOrEqual(Math.ceil(elapsed / 66) + 2);
    const s = await t.screen();
    expect(s[1]).toMatch(/^ packets {2}500 of 500 {2}\(oldest 1500 dropped\)/);
  });
});
