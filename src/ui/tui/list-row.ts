// One packet as one row of the packet list, and the text the `/` filter searches. Pure.
import type { Trace } from '../../model/trace.js';
import { endpoint } from '../../trace/address.js';
import { interfacesText, verdictTone, type Tone } from '../view-model.js';
import { fit, seg, type Glyphs, type Line, type Style } from './style.js';

export function toneStyle(t: Tone): Style {
  if (t === 'good') return 'good';
  if (t === 'bad') return 'bad';
  if (t === 'other') return 'other';
  return 'plain';
}

/** `12:03:04` from an ISO time, else the arrival clock (live), else `-`. */
export function timeText(t: Trace, arrivedAt: number | null): string {
  const m = t.time ? /T(\d\d:\d\d:\d\d)/.exec(t.time) : null;
  if (m?.[1]) return m[1];
  if (arrivedAt === null || !Number.isFinite(arrivedAt)) return '-';
  const d = new Date(arrivedAt);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** `tcp 10.0.0.1:5000 -> 10.0.0.2:80` (no flags: the row is narrow). */
export function shortFlow(t: Trace): string {
  const p = t.packet;
  const proto = p.proto === undefined ? 'ip' : String(p.proto);
  return `${proto} ${endpoint(p.src, p.sport)} -> ${endpoint(p.dst, p.dport)}`;
}

/** `filter/FORWARD` where the verdict was decided, or `-`. */
export function decidedAt(t: Trace): string {
  const v = t.verdict;
  return v.table !== null && v.chain !== null ? `${v.table}/${v.chain}` : '-';
}

export interface RowOptions {
  readonly cols: number;
  readonly seq: number;
  readonly arrivedAt: number | null;
  readonly selected: boolean;
  readonly glyphs: Glyphs;
  /** Show the time column (off in a replay whose lines carry no time). */
  readonly time: boolean;
}

/** Column widths for a list `cols` wide; the flow takes what is left. */
export function rowColumns(
  cols: number,
  withTime: boolean,
): { seq: number; time: number; ifaces: number; where: number; verdict: number; flow: number } {
  const seq = 5;
  const time = withTime ? 8 : 0;
  const ifaces = cols >= 100 ? 19 : 15;
  const where = cols >= 120 ? 24 : 0;
  const verdict = 7;
  const gaps = 2 + 3 + (time > 0 ? 1 : 0) + (where > 0 ? 1 : 0);
  const flow = Math.max(10, cols - seq - time - ifaces - where - verdict - gaps);
  return { seq, time, ifaces, where, verdict, flow };
}

/** `▶    12 12:03:04 fw-c -> fw-s    tcp 10.66.1.2:40008 -> 10.96.0.10:80   ACCEPT`. */
export function listRow(t: Trace, o: RowOptions): Line {
  const c = rowColumns(o.cols, o.time);
  const e = o.glyphs.ellipsis;
  const mark = o.selected ? o.glyphs.marker : ' ';
  const action = t.verdict.action === 'unknown' ? '?' : t.verdict.action.toUpperCase();
  const line = [
    seg(`${mark} `, o.selected ? 'bold' : 'plain'),
    seg(fit(String(o.seq), c.seq, e, true), 'dim'),
    seg(' '),
    ...(c.time > 0 ? [seg(fit(timeText(t, o.arrivedAt), c.time, e), 'dim'), seg(' ')] : []),
    seg(fit(interfacesText(t), c.ifaces, e)),
    seg(' '),
    seg(fit(shortFlow(t), c.flow, e)),
    seg(' '),
  ];
  if (c.where > 0) line.push(seg(fit(decidedAt(t), c.where, e), 'dim'), seg(' '));
  line.push(seg(fit(action, c.verdict, e, true), toneStyle(verdictTone(t.verdict.action))));
  return line;
}

/** Lower-case text the `/` filter matches: addresses, ports, protocol, interfaces, verdict, tables and chains. */
export function haystack(t: Trace): string {
  const p = t.packet;
  const parts = [shortFlow(t), interfacesText(t), t.verdict.action, t.id];
  if (p.src) parts.push(p.src);
  if (p.dst) parts.push(p.dst);
  if (p.sport !== undefined) parts.push(String(p.sport));
  if (p.dport !== undefined) parts.push(String(p.dport));
  const chains = new Set<string>();
  for (const s of t.steps) chains.add(`${s.table}/${s.chain}`);
  parts.push(...chains);
  return parts.join('\n').toLowerCase();
}

/** True when the trace matches the filter (case-insensitive substring; empty matches everything). */
export function matches(hay: string, query: string): boolean {
  const q = query.trim().toLowerCase();
  return q === '' || hay.includes(q);
}
