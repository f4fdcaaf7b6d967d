// Packet list rows and the `/` filter text, on traces from the real pipeline.
import { describe, expect, it } from 'vitest';
import { haystack, listRow, matches, rowColumns, timeText } from '../../../src/ui/tui/list-row.js';
import { ASCII_GLYPHS, lineText, lineWidth, UNICODE_GLYPHS } from '../../../src/ui/tui/style.js';
import { captureTraces, first } from './fixtures.js';

const kube = first(captureTraces('legacy', 'kernlog', 'kube-service'));
const drop = first(captureTraces('legacy', 'kernlog', 'default-drop'));
const v6 = first(captureTraces('nft', 'nft-monitor', 'ipv6-drop'));
const row = (t = kube, cols = 80, extra: Partial<Parameters<typeof listRow>[1]> = {}) =>
  listRow(t, { cols, seq: 7, arrivedAt: null, selected: false, glyphs: UNICODE_GLYPHS, time: false, ...extra });

describe('list rows', () => {
  it('show number, interfaces, flow and verdict, exactly as wide as the pane', () => {
    for (const cols of [80, 100, 120, 200]) {
      for (const time of [false, true]) expect(lineWidth(row(kube, cols, { time }))).toBe(cols);
    }
    expect(lineText(row())).toMatch(/^ {2} {4}7 fw-c -> fw-s\s+tcp 10\.66\.1\.2:40008 -> 10\.96\.0\.10:80\s+ACCEPT$/);
  });

  it('colour the verdict: accept good, drop bad', () => {
    expect(row().at(-1)).toEqual({ text: ' ACCEPT', style: 'good' });
    expect(row(drop).at(-1)).toEqual({ text: '   DROP', style: 'bad' });
  });

  it('mark the selection and show where the verdict was decided on wide panes', () => {
    expect(lineText(row(kube, 80, { selected: true })).startsWith('▶ ')).toBe(true);
    expect(lineText(row(kube, 80, { selected: true, glyphs: ASCII_GLYPHS })).startsWith('> ')).toBe(true);
    expect(lineText(row(drop, 120))).toContain('filter/FORWARD');
    expect(rowColumns(80, false).where).toBe(0);
  });

  it('clip long IPv6 flows with an ellipsis instead of wrapping', () => {
    const text = lineText(row(v6, 80));
    expect(text.length).toBe(80);
    expect(text).toContain('[fd66:1::2]');
    expect(text.endsWith('DROP')).toBe(true);
  });

  it('show a time: the trace time, else the arrival clock, else a dash', () => {
    expect(timeText({ ...kube, time: '2026-01-02T03:04:05.678Z' }, null)).toBe('03:04:05');
    expect(timeText(kube, new Date(2026, 0, 2, 13, 14, 15).getTime())).toBe('13:14:15');
    expect(timeText(kube, null)).toBe('-');
    expect(timeText(kube, Number.NaN)).toBe('-');
  });
});

describe('the / filter', () => {
  const hay = haystack(kube);
  it('matches addresses, ports, verdicts and chains, case-insensitively', () => {
    for (const q of [
      '10.96.0.10',
      '40008',
      ':80',
      'accept',
      'KUBE-SEP',
      'kube-svc',
      'fw-c',
      'nat/kube-services',
      ' tcp ',
    ]) {
      expect(matches(hay, q), q).toBe(true);
    }
    expect(matches(hay, 'drop')).toBe(false);
    expect(matches(hay, '')).toBe(true);
    expect(matches(haystack(drop), 'drop')).toBe(true);
  });
});
