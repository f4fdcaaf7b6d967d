// The TUI rendered into a headless xterm through injected streams: what a person would see, and keys.
import { afterEach, describe, expect, it } from 'vitest';
import type { Trace } from '../../../src/model/trace.js';
import { captureTraces } from './fixtures.js';
import { startTui, type Harness } from './harness.js';

const kube = captureTraces('legacy', 'kernlog', 'kube-service');
const drop = captureTraces('legacy', 'kernlog', 'default-drop');
const v6 = captureTraces('nft', 'nft-monitor', 'ipv6-drop');
const more = ['db-denied', 'icmp-reject', 'ssh-fw', 'web-allowed'].flatMap((s) =>
  captureTraces('legacy', 'kernlog', s),
);
const all: Trace[] = [...kube, ...drop, ...v6, ...more];
const stats = { lines: 312, unparsed: 1, ignored: 0, traces: all.length, lost: 0, unparsedReasons: { x: 1 } };

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

function open(cols: number, rows: number, opts: Parameters<typeof startTui>[2] = {}): Harness {
  h = startTui(cols, rows, { source: 'kube-service.txt', ...opts });
  h.send(...all.map((trace) => ({ kind: 'trace' as const, trace })), { kind: 'stats', stats, final: true });
  return h;
}

const selectedRow = (s: string[]): string => s.find((l) => l.startsWith('▶ ')) ?? '';
const clean = (s: string[]): void => expect(s.join('\n')).not.toMatch(/undefined|NaN|\[object Object\]/);

describe('TUI at 80x24', () => {
  it('shows the header, packet rows with verdict words, and the selected packet path', async () => {
    const s = await open(80, 24).settle();
    expect(s[0]).toMatch(/^ replay kube-service\.txt {2}\d+ traces {2}unparsed 1 {2}lost 0 +end of input {2}BROWSING$/);
    expect(s[1]).toMatch(/^ packets {2}1 of \d+ ─+$/);
    expect(s.slice(2, 9).filter((l) => /(ACCEPT|DROP)$/.test(l))).toHaveLength(7);
    expect(selectedRow(s)).toMatch(/^▶ +1 fw-c -> fw-s +tcp 10\.66\.1\.2:40008 -> 10\.96\.0\.10:80 +ACCEPT$/);
    expect(s[9]).toMatch(/^ path {2}of #1 {2}lines 1-13 of \d+ ─+$/);
    expect(s[10]).toBe('trace k1  tcp 10.66.1.2:40008 -> 10.96.0.10:80 [SYN]  fw-c -> fw-s');
    expect(s[11]).toBe('PREROUTING');
    expect(s[23]).toMatch(/j\/k move .* q quit/);
    clean(s);
  });

  it('colours verdicts: ACCEPT green, DROP red', async () => {
    const t = open(80, 24);
    await t.settle();
    const colours = t.colorsOf(/ACCEPT$/, 'ACCEPT');
    expect(colours).toEqual({ fg: 2, palette: true });
    await t.key('/');
    await t.key('drop\r');
    await t.screen();
    const red = t.colorsOf(/DROP$/, 'DROP');
    expect(red).toEqual({ fg: 1, palette: true });
  });

  it('j/k and arrows move the selection; the path pane follows it', async () => {
    const t = open(80, 24);
    await t.settle();
    await t.key('j');
    await t.key('\u001b[B');
    let s = await t.screen();
    expect(selectedRow(s)).toMatch(/^▶ +3 /);
    expect(s[9]).toContain('of #3');
    await t.key('k');
    s = await t.screen();
    expect(selectedRow(s)).toMatch(/^▶ +2 /);
    await t.key('G');
    s = await t.screen();
    expect(selectedRow(s)).toMatch(new RegExp(`^▶ +${all.length} `));
    expect(s[10]).toMatch(/^trace k\d+ {2}\w+ /);
  });

  it('/ filters the list by substring; Esc clears', async () => {
    const t = open(80, 24);
    await t.settle();
    await t.key('/');
    await t.key('drop');
    let s = await t.screen();
    expect(s[23]).toMatch(/^ filter: drop_/);
    await t.key('\r');
    s = await t.screen();
    expect(s[1]).toContain('filter "drop"');
    const rows = s.slice(2, 9).filter((l) => l.trim() !== '');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((l) => l.endsWith('DROP'))).toBe(true);
    await t.key('\u001b');
    s = await t.screen();
    expect(s[1]).not.toContain('filter');
  });

  it('? shows the help overlay; any key closes it', async () => {
    const t = open(80, 24);
    await t.settle();
    await t.key('?');
    let s = await t.screen();
    expect(s.join('\n')).toContain('fwtrace keys');
    expect(s.join('\n')).toMatch(/q {2}Ctrl-C +quit/);
    await t.key('x');
    s = await t.screen();
    expect(s.join('\n')).not.toContain('fwtrace keys');
  });

  it('d shows the diagram with the path highlighted; Tab then j scrolls the pane', async () => {
    const t = open(80, 24);
    await t.settle();
    await t.key('d');
    let s = await t.screen();
    expect(s[9]).toMatch(/^ diagram {2}of #1/);
    expect(s[10]).toMatch(/^ {3}╔═+╗ {3}╔═+╗/);
    expect(s[11]).toContain('║ PREROUTING ║');
    expect(s[13]).toContain('ACCEPT');
    expect(s.join('\n')).toContain('│ INPUT │');
    await t.key('d');
    await t.key('\t');
    await t.key('j');
    s = await t.screen();
    expect(s[9]).toContain('lines 2-14');
    expect(s[10]).toBe('PREROUTING');
  });

  it('c clears, p pauses (header says so)', async () => {
    const t = open(80, 24);
    await t.settle();
    await t.key('p');
    let s = await t.screen();
    expect(s[0]).toMatch(/PAUSED$/);
    await t.key('c');
    s = await t.screen();
    expect(s[1]).toMatch(/^ packets {2}0 /);
    clean(s);
  });
});

describe('TUI at 120x40', () => {
  it('shows more rows and where each verdict was decided', async () => {
    const s = await open(120, 40).settle();
    expect(all.length).toBeGreaterThan(14);
    const rows = s.slice(2, 16);
    expect(rows.filter((l) => /(ACCEPT|DROP|REJECT)$/.test(l))).toHaveLength(14);
    expect(rows.join('\n')).toMatch(/filter\/KUBE-FORWARD +ACCEPT/);
    expect(s[16]).toMatch(/^ path {2}of #1/);
    expect(s.join('\n')).toMatch(/KUBE-SERVICES {2}rule 1 {2}jump KUBE-SVC-LABWEB4K7Q2ZX3MN {2}\(1 pkts, 60 bytes\)/);
    clean(s);
  });
});

describe('TUI in a small terminal', () => {
  it('shows one centred message at 60x20 and recovers when resized', async () => {
    const t = open(60, 20);
    let s = await t.settle();
    const text = s.filter((l) => l.trim() !== '');
    expect(text).toHaveLength(1);
    expect(text[0]!.trim()).toBe('fwtrace needs at least 80x24; this terminal is 60x20');
    expect(Math.abs(text[0]!.indexOf('f') - (60 - text[0]!.trim().length) / 2)).toBeLessThanOrEqual(1);
    await t.resize(80, 24);
    s = await t.screen();
    expect(s[1]).toMatch(/^ packets/);
    expect(s.join('\n')).not.toContain('needs at least');
  });
});
