// The diagram view: the five netfilter hooks and two routing decisions as boxes and arrows, the selected
// packet's path drawn heavy and highlighted, its verdict written where it was decided. Pure; fits 80 columns.
import type { Trace } from '../../model/trace.js';
import { flowText, verdictTone } from '../view-model.js';
import { Canvas, PENS, type Pen } from './canvas.js';
import { diagramPath, type DiagramEdge, type DiagramNode, type DiagramPath } from './diagram-path.js';
import { toneStyle } from './list-row.js';
import { inHook } from '../../trace/explain.js';
import { natSummary } from './path-lines.js';
import { seg, type Glyphs, type Line, type Style } from './style.js';
import { wrapLine } from './wrap.js';

interface Place {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly label: string;
}

/** Box positions: top row is the forward path, bottom row the local one. */
const PLACES: Readonly<Record<DiagramNode, Place>> = {
  prerouting: { x: 3, y: 0, w: 14, label: 'PREROUTING' },
  'routing-in': { x: 20, y: 0, w: 11, label: 'routing' },
  forward: { x: 36, y: 0, w: 13, label: 'FORWARD' },
  postrouting: { x: 52, y: 0, w: 15, label: 'POSTROUTING' },
  input: { x: 21, y: 4, w: 9, label: 'INPUT' },
  output: { x: 41, y: 4, w: 10, label: 'OUTPUT' },
  'routing-out': { x: 54, y: 4, w: 11, label: 'routing' },
};

/** Horizontal arrows: from x, length, row; vertical ones are a single arrowhead at (x, 3). */
const ARROWS: Readonly<Record<DiagramEdge, { x: number; n: number; y: number; dir: 'right' | 'down' | 'up' }>> = {
  'wire>prerouting': { x: 0, n: 3, y: 1, dir: 'right' },
  'prerouting>routing-in': { x: 17, n: 3, y: 1, dir: 'right' },
  'routing-in>forward': { x: 31, n: 5, y: 1, dir: 'right' },
  'forward>postrouting': { x: 49, n: 3, y: 1, dir: 'right' },
  'postrouting>wire': { x: 67, n: 3, y: 1, dir: 'right' },
  'routing-in>input': { x: 25, n: 1, y: 3, dir: 'down' },
  'input>local': { x: 30, n: 2, y: 5, dir: 'right' },
  'local>output': { x: 39, n: 2, y: 5, dir: 'right' },
  'output>routing-out': { x: 51, n: 3, y: 5, dir: 'right' },
  'routing-out>postrouting': { x: 59, n: 1, y: 3, dir: 'up' },
};

export const DIAGRAM_COLS = 74;
const ROWS = 8;

function pens(g: Glyphs): { light: Pen; heavy: Pen; right: string; down: string; up: string } {
  return g.unicode
    ? { light: PENS.light, heavy: PENS.heavy, right: '▶', down: '▼', up: '▲' }
    : { light: PENS.asciiLight, heavy: PENS.asciiHeavy, right: '>', down: 'v', up: '^' };
}

function nodeStyle(n: DiagramNode, p: DiagramPath, t: Trace | null): Style {
  if (p.verdictAt === n && p.stopped && t) return toneStyle(verdictTone(t.verdict.action));
  return p.nodes.has(n) ? 'path' : 'dim';
}

/** The drawing alone (8 rows), for the packet `t` or, with null, for no packet. */
export function diagramDrawing(t: Trace | null, g: Glyphs): Line[] {
  const c = new Canvas(DIAGRAM_COLS, ROWS);
  const p = diagramPath(t);
  const k = pens(g);
  for (const [edge, a] of Object.entries(ARROWS) as [DiagramEdge, (typeof ARROWS)[DiagramEdge]][]) {
    const on = p.edges.has(edge);
    const style: Style = on ? 'path' : 'dim';
    const h = on ? k.heavy.h : k.light.h;
    if (a.dir === 'right') c.text(a.x, a.y, h.repeat(a.n - 1) + k.right, style);
    else c.text(a.x, a.y, a.dir === 'down' ? k.down : k.up, style);
  }
  c.text(33, 5, 'local', p.edges.has('input>local') || p.edges.has('local>output') ? 'path' : 'dim');
  c.text(71, 1, 'out', p.edges.has('postrouting>wire') ? 'path' : 'dim');
  for (const [node, at] of Object.entries(PLACES) as [DiagramNode, Place][]) {
    const on = p.nodes.has(node);
    c.box(at.x, at.y, at.w, at.label, on ? k.heavy : k.light, nodeStyle(node, p, t));
  }
  if (t && p.verdictAt) {
    const at = PLACES[p.verdictAt];
    const word = t.verdict.action === 'unknown' ? '?' : t.verdict.action.toUpperCase();
    c.text(at.x + 1, at.y === 0 ? 3 : 7, word, toneStyle(verdictTone(t.verdict.action)));
  }
  return c.lines();
}

/** The whole diagram pane: drawing, then the packet, its verdict in words, and its NAT rewrites. */
export function diagramLines(t: Trace | null, o: { cols: number; glyphs: Glyphs }): Line[] {
  const out = diagramDrawing(t, o.glyphs);
  while (out.length > 0 && out[out.length - 1]!.length === 0) out.pop();
  out.push([]);
  if (!t) {
    out.push([seg('no packet selected: the heavy boxes and arrows show the selected packet’s path', 'dim')]);
    return out;
  }
  const p = t.packet;
  const where = `in ${p.iif || '(local process)'}, out ${p.oif || (p.iif ? '(local process)' : '?')}`;
  out.push(...wrapLine([seg(`trace ${t.id}  `, 'title'), seg(flowText(p)), seg(`  ${where}`, 'dim')], o.cols, 2));
  const action = t.verdict.action.toUpperCase();
  const line: Line = [
    seg('verdict ', 'title'),
    seg(action, toneStyle(verdictTone(t.verdict.action))),
    seg(`  ${t.explanation}`),
  ];
  out.push(...wrapLine(line, o.cols, 2));
  for (const n of t.nat)
    out.push(...wrapLine([seg(natSummary(n, t.packet.oif), 'nat'), seg(inHook(n.hook), 'dim')], o.cols, 2));
  return out;
}
