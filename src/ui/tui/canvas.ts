// A small character grid with styles, for drawing boxes and arrows in text. Pure.
import { seg, type Line, type Segment, type Style } from './style.js';

interface Cell {
  ch: string;
  style: Style;
}

/** Box and line characters: light for the road not taken, heavy (double) for the packet's path. */
export interface Pen {
  readonly tl: string;
  readonly tr: string;
  readonly bl: string;
  readonly br: string;
  readonly h: string;
  readonly v: string;
}

export const PENS = {
  light: { tl: '┌', tr: '┐', bl: '└', br: '┘', h: '─', v: '│' },
  heavy: { tl: '╔', tr: '╗', bl: '╚', br: '╝', h: '═', v: '║' },
  asciiLight: { tl: '+', tr: '+', bl: '+', br: '+', h: '-', v: '|' },
  asciiHeavy: { tl: '#', tr: '#', bl: '#', br: '#', h: '=', v: '#' },
} satisfies Record<string, Pen>;

export class Canvas {
  private readonly cells: Cell[][];

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.cells = Array.from({ length: rows }, () =>
      Array.from({ length: cols }, (): Cell => ({ ch: ' ', style: 'plain' })),
    );
  }

  /** Writes text from (x, y); what falls outside the grid is dropped. */
  text(x: number, y: number, text: string, style: Style): void {
    const row = this.cells[y];
    if (!row) return;
    let i = x;
    for (const ch of text) {
      const cell = row[i++];
      if (cell) {
        cell.ch = ch;
        cell.style = style;
      }
    }
  }

  /** A three-row box `w` wide with a centred label. */
  box(x: number, y: number, w: number, label: string, pen: Pen, style: Style): void {
    const inner = w - 2;
    const left = Math.floor((inner - label.length) / 2);
    const middle = ' '.repeat(Math.max(0, left)) + label + ' '.repeat(Math.max(0, inner - left - label.length));
    this.text(x, y, pen.tl + pen.h.repeat(inner) + pen.tr, style);
    this.text(x, y + 1, pen.v + middle + pen.v, style);
    this.text(x, y + 2, pen.bl + pen.h.repeat(inner) + pen.br, style);
  }

  /** Rows as styled lines, neighbouring cells of one style joined, trailing blanks dropped. */
  lines(): Line[] {
    return this.cells.map((row) => {
      const out: Segment[] = [];
      let end = row.length;
      while (end > 0 && row[end - 1]!.ch === ' ') end--;
      for (const cell of row.slice(0, end)) {
        const last = out[out.length - 1];
        if (last && last.style === cell.style) out[out.length - 1] = seg(last.text + cell.ch, cell.style);
        else out.push(seg(cell.ch, cell.style));
      }
      return out;
    });
  }
}
