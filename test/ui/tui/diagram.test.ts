// The diagram view: which hooks and arrows a real packet lit up, and how they are drawn.
import { describe, expect, it } from 'vitest';
import { diagramLines, diagramDrawing, DIAGRAM_COLS } from '../../../src/ui/tui/diagram.js';
import { diagramPath, nodeSequence } from '../../../src/ui/tui/diagram-path.js';
import { ASCII_GLYPHS, lineText, lineWidth, UNICODE_GLYPHS, type Line } from '../../../src/ui/tui/style.js';
import { captureTraces, first } from './fixtures.js';

const kube = first(captureTraces('legacy', 'kernlog', 'kube-service'));
const drop = first(captureTraces('legacy', 'kernlog', 'default-drop'));
const [localOut, localIn] = captureTraces('legacy', 'kernlog', 'output');

/** Styles of the cells under `text` on the row that contains it. */
function styleOf(lines: Line[], text: string): string[] {
  for (const l of lines) {
    let x = 0;
    const at = lineText(l).indexOf(text);
    if (at < 0) continue;
    const styles = new Set<string>();
    for (const s of l) {
      if (x + s.text.length > at && x < at + text.length) styles.add(s.style);
      x += s.text.length;
    }
    return [...styles];
  }
  return [];
}

describe('diagram path', () => {
  it('a forwarded packet: prerouting, routing, forward, postrouting, out on the wire', () => {
    expect(nodeSequence(kube)).toEqual(['prerouting', 'routing-in', 'forward', 'postrouting']);
    const p = diagramPath(kube);
    expect([...p.edges].sort()).toEqual([
      'forward>postrouting',
      'postrouting>wire',
      'prerouting>routing-in',
      'routing-in>forward',
      'wire>prerouting',
    ]);
    expect(p).toMatchObject({ verdictAt: 'forward', stopped: false });
  });

  it('a dropped packet stops where it was dropped', () => {
    const p = diagramPath(drop);
    expect(p).toMatchObject({ verdictAt: 'forward', stopped: true });
    expect(p.nodes.has('postrouting')).toBe(false);
    expect(p.edges.has('forward>postrouting')).toBe(false);
  });

  it('local output and local delivery', () => {
    expect(nodeSequence(localOut!)).toEqual(['output', 'routing-out', 'postrouting']);
    expect(diagramPath(localOut!).edges.has('local>output')).toBe(true);
    expect(nodeSequence(localIn!)).toEqual(['prerouting', 'routing-in', 'input']);
    expect(diagramPath(localIn!).edges.has('input>local')).toBe(true);
  });
});

describe('diagram drawing', () => {
  it('draws the five hooks and two routing decisions within 80 columns', () => {
    const lines = diagramDrawing(null, UNICODE_GLYPHS);
    const text = lines.map(lineText).join('\n');
    for (const label of ['PREROUTING', 'FORWARD', 'POSTROUTING', 'INPUT', 'OUTPUT']) expect(text).toContain(label);
    expect(text.match(/routing/g)).toHaveLength(2);
    for (const l of lines) expect(lineWidth(l)).toBeLessThanOrEqual(DIAGRAM_COLS);
    expect(DIAGRAM_COLS).toBeLessThanOrEqual(78);
  });

  it('highlights the path: heavy boxes in path style, the rest light and dim', () => {
    const lines = diagramDrawing(kube, UNICODE_GLYPHS);
    expect(styleOf(lines, 'FORWARD')).toEqual(['path']);
    expect(styleOf(lines, 'INPUT')).toEqual(['dim']);
    expect(lineText(lines[0]!)).toMatch(/^ {3}╔═+╗/);
    expect(lineText(lines[4]!)).toContain('┌───────┐');
    expect(lineText(lines[3]!)).toContain('ACCEPT');
    expect(styleOf(lines, 'ACCEPT')).toEqual(['good']);
  });

  it('writes the verdict where the packet stopped, in the verdict colour', () => {
    const lines = diagramDrawing(drop, UNICODE_GLYPHS);
    expect(styleOf(lines, 'FORWARD')).toEqual(['bad']);
    expect(styleOf(lines, 'DROP')).toEqual(['bad']);
    expect(styleOf(lines, 'POSTROUTING')).toEqual(['dim']);
  });

  it('stays readable in ASCII (heavy = #/=) and on the local path', () => {
    const lines = diagramDrawing(localIn!, ASCII_GLYPHS).map(lineText);
    expect(lines[4]).toContain('#=======#');
    expect(lines[5]).toMatch(/# INPUT #=>/);
    expect(lines.join('')).not.toMatch(/[^\x20-\x7e]/);
  });

  it('the pane adds the packet, NAT and the verdict sentence below the drawing', () => {
    const text = diagramLines(kube, { cols: 80, glyphs: UNICODE_GLYPHS }).map(lineText).join('\n');
    expect(text).toContain('DNAT dst 10.96.0.10:80 -> 10.66.2.3:80 in prerouting');
    expect(text).toMatch(/verdict ACCEPT {2}accepted by rule 1 of filter\/KUBE-FORWARD/);
    expect(text).not.toMatch(/undefined|NaN|\[object Object\]/);
  });
});
