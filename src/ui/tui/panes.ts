// Pane contents as styled lines: the packet list window, the path (or diagram) window, and the footer. Pure.
import { diagramLines } from './diagram.js';
import type { Entry, ListModel } from './list-model.js';
import { listRow } from './list-row.js';
import { pathLines } from './path-lines.js';
import { lineWidth, padLine, seg, type Glyphs, type Line } from './style.js';

export interface PaneView {
  readonly lines: Line[];
  /** Row (in `lines`) to show selected, or -1. */
  readonly selectedRow: number;
}

/** ` packets  12 of 40  filter "80" ──────` : the title row of a pane, full width. */
export function titleLine(label: string, detail: string, cols: number, g: Glyphs): Line {
  const head = [seg(` ${label} `, 'title'), seg(detail ? ` ${detail} ` : '')];
  const rest = Math.max(0, cols - lineWidth(head));
  return padLine([...head, seg(g.rule.repeat(rest), 'dim')], cols, g.ellipsis);
}

function emptyText(model: ListModel, mode: 'live' | 'replay'): string {
  if (model.filter.trim() !== '' && model.stored > 0)
    return `no packet matches "${model.filter}" (Esc clears the filter)`;
  if (model.paused) return 'paused: new packets are kept but not shown (p resumes)';
  return mode === 'live' ? 'waiting for packets that match the trace filter' : 'no packet traces (yet) in the input';
}

export function listPane(
  model: ListModel,
  o: { cols: number; rows: number; glyphs: Glyphs; mode: 'live' | 'replay' },
): PaneView & { entry: Entry | null } {
  const win = model.window(o.rows - 1);
  const total = model.visible().length;
  const filter = model.filter.trim() !== '' ? `  filter "${model.filter}"` : '';
  const dropped = model.received - model.stored;
  const kept = dropped > 0 ? `  (oldest ${dropped} dropped)` : '';
  const where = total > 0 ? `${win.first + win.selected + 1} of ${total}` : '0';
  const lines: Line[] = [titleLine('packets', `${where}${filter}${kept}`, o.cols, o.glyphs)];
  if (win.rows.length === 0) lines.push([seg(`  ${emptyText(model, o.mode)}`, 'dim')]);
  const time = win.rows.some((e) => e.at !== null || e.trace.time !== null);
  win.rows.forEach((e, i) => {
    lines.push(
      listRow(e.trace, {
        cols: o.cols,
        seq: e.seq,
        arrivedAt: e.at,
        selected: i === win.selected,
        glyphs: o.glyphs,
        time,
      }),
    );
  });
  const entry = win.rows[win.selected] ?? null;
  return { lines, selectedRow: win.selected >= 0 && entry ? win.selected + 1 : -1, entry };
}

/** The lower pane: path or diagram of the selected packet, scrolled; `scroll` is clamped and returned. */
export function detailPane(
  entry: Entry | null,
  o: { cols: number; rows: number; glyphs: Glyphs; diagram: boolean; scroll: number },
): PaneView & { scroll: number } {
  const body = o.diagram
    ? diagramLines(entry?.trace ?? null, { cols: o.cols, glyphs: o.glyphs })
    : entry
      ? pathLines(entry.trace, { cols: o.cols, glyphs: o.glyphs })
      : [[seg('  no packet selected', 'dim')]];
  const height = Math.max(1, o.rows - 1);
  const max = Math.max(0, body.length - height);
  const scroll = Math.max(0, Math.min(o.scroll, max));
  const more = max > 0 ? `  lines ${scroll + 1}-${Math.min(body.length, scroll + height)} of ${body.length}` : '';
  const label = o.diagram ? 'diagram' : 'path';
  const of = entry ? `of #${entry.seq}${more}` : '';
  return {
    lines: [titleLine(label, of, o.cols, o.glyphs), ...body.slice(scroll, scroll + height)],
    selectedRow: -1,
    scroll,
  };
}

/** The bottom row: the filter prompt while typing, else the latest message, and the key hints. */
export function footerLine(o: {
  cols: number;
  glyphs: Glyphs;
  editing: boolean;
  filter: string;
  message: string | null;
  warn: boolean;
}): Line {
  if (o.editing)
    return padLine(
      [seg(' filter: ', 'title'), seg(o.filter), seg('_', 'bold'), seg('   Enter keeps it, Esc clears it', 'dim')],
      o.cols,
      o.glyphs.ellipsis,
    );
  const hints = ' j/k move  Tab pane  / filter  f follow  p pause  d diagram  ? help  q quit ';
  if (!o.message) return padLine([seg(hints, 'dim')], o.cols, o.glyphs.ellipsis);
  const short = '  ? help  q quit ';
  const room = o.cols - short.length;
  return padLine(
    [seg(' '), ...padLine([seg(o.message, o.warn ? 'warn' : 'plain')], room - 1, o.glyphs.ellipsis), seg(short, 'dim')],
    o.cols,
    o.glyphs.ellipsis,
  );
}
