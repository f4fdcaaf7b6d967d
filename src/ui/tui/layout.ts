// Where each pane goes for a terminal of a given size, and the message for one that is too small. Pure.

export const MIN_COLS = 80;
export const MIN_ROWS = 24;

export interface Rect {
  readonly top: number;
  readonly height: number;
}

export interface Layout {
  readonly header: Rect;
  readonly list: Rect;
  readonly path: Rect;
  readonly footer: Rect;
}

/** Header and footer one row each; the list about 40% of the rest (at least 6 rows), the path pane the remainder. */
export function computeLayout(cols: number, rows: number): Layout | null {
  if (cols < MIN_COLS || rows < MIN_ROWS) return null;
  const body = rows - 2;
  const list = Math.max(6, Math.min(body - 8, Math.floor(body * 0.4)));
  return {
    header: { top: 0, height: 1 },
    list: { top: 1, height: list },
    path: { top: 1 + list, height: body - list },
    footer: { top: rows - 1, height: 1 },
  };
}

export function tooSmallMessage(cols: number, rows: number): string {
  const w = Number.isFinite(cols) ? Math.max(0, Math.floor(cols)) : 0;
  const h = Number.isFinite(rows) ? Math.max(0, Math.floor(rows)) : 0;
  return `fwtrace needs at least ${MIN_COLS}x${MIN_ROWS}; this terminal is ${w}x${h}`;
}
