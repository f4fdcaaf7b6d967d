// The header line: what is traced and how (armed / replay source), speed, unparsed and lost counts, and
// whether the list follows new packets or is paused. Pure.
import type { Armed, Disarmed, RunStats } from '../../model/session.js';
import { clipLine, clipStart, lineWidth, padLine, seg, type Glyphs, type Line, type Segment } from './style.js';

export type ListState = 'following' | 'paused' | 'browsing';

export interface HeaderInfo {
  readonly mode: 'live' | 'replay';
  readonly armed: Armed | null;
  readonly disarmed: Disarmed | null;
  /** Replay: the file(s) read, as the command line named them. */
  readonly source: string | null;
  readonly stats: Readonly<RunStats> | null;
  /** The final stats arrived: the input ended (replay) or the run stopped (live). */
  readonly ended: boolean;
  readonly perSecond: number;
  /** Traces received so far (including those the ring buffer dropped). */
  readonly received: number;
  readonly state: ListState;
  /** Traces that arrived while paused. */
  readonly pending: number;
}

function num(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '0' : String(n);
}

function rateText(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return '0/s';
  return n >= 10 ? `${Math.round(n)}/s` : `${n.toFixed(1)}/s`;
}

/** What and where: backend, netns, filter, rate limit; or the replayed source (its end kept: the file name). */
function what(h: HeaderInfo, room: number, g: Glyphs): Segment[] {
  if (h.mode === 'replay')
    return [seg('replay ', 'title'), seg(clipStart(h.source ?? 'saved trace output', room - 8, g.ellipsis))];
  const a = h.armed;
  if (!a) return [seg('arming the trace rules', 'warn')];
  const parts = [seg(a.backend, 'title')];
  if (a.netns) parts.push(seg(`  netns ${a.netns}`));
  parts.push(seg(`  ${a.filter ? `'${a.filter}'` : 'all packets'}`));
  parts.push(seg(`  ${a.rate === null ? 'no limit' : `max ${a.rate}/s`}`));
  return parts;
}

function counts(h: HeaderInfo, cols: number): Segment[] {
  const s = h.stats;
  const lines = s && cols >= 100 ? `  ${num(s.lines)} lines` : '';
  const parts = [seg(h.mode === 'live' ? rateText(h.perSecond) : `${num(h.received)} traces${lines}`)];
  const unparsed = s?.unparsed ?? 0;
  const lost = s?.lost ?? 0;
  parts.push(seg(`  unparsed ${num(unparsed)}`, unparsed > 0 ? 'warn' : 'plain'));
  parts.push(seg(`  lost ${num(lost)}`, lost > 0 ? 'warn' : 'plain'));
  return parts;
}

function state(h: HeaderInfo): Segment[] {
  const out: Segment[] = [];
  if (h.disarmed)
    out.push(seg(h.disarmed.clean ? 'stopped  ' : 'RULES LEFT BEHIND  ', h.disarmed.clean ? 'plain' : 'bad'));
  else if (h.ended) out.push(seg(h.mode === 'replay' ? 'end of input  ' : 'stopped  '));
  if (h.state === 'paused') out.push(seg(h.pending > 0 ? `PAUSED (+${h.pending})` : 'PAUSED', 'warn'));
  else out.push(seg(h.state === 'following' ? 'FOLLOWING' : 'BROWSING', 'title'));
  return out;
}

/** The header, exactly `cols` wide: left part clipped first, the state word always visible. */
export function headerLine(h: HeaderInfo, cols: number, g: Glyphs): Line {
  const right = state(h);
  const room = Math.max(0, cols - lineWidth(right) - 1);
  const tail = [seg('  '), ...counts(h, cols)];
  // Counts stay whole; the filter text or the file path gives way first.
  const forMain = room - lineWidth(tail);
  const main = [seg(' '), ...what(h, forMain, g)];
  const left =
    forMain >= 24 ? [...clipLine(main, forMain, g.ellipsis), ...tail] : clipLine([...main, ...tail], room, g.ellipsis);
  const gap = Math.max(1, cols - lineWidth(left) - lineWidth(right));
  return padLine([...left, seg(' '.repeat(gap)), ...right], cols, g.ellipsis);
}
