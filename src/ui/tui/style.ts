// Styled text for the TUI: lines are lists of segments carrying a style token, never terminal codes.
// Pure; the blessed side (tags.ts) turns tokens into colours, or into nothing on a monochrome terminal.

/** What a piece of text means; tags.ts decides how that looks. */
export type Style =
  'plain' | 'dim' | 'bold' | 'good' | 'bad' | 'other' | 'hook' | 'routing' | 'nat' | 'path' | 'title' | 'warn' | 'key';

export interface Segment {
  readonly text: string;
  readonly style: Style;
  /** Word wrap keeps this text on one line (counters, addresses). */
  readonly nowrap?: boolean;
}

export type Line = readonly Segment[];

export function seg(text: string, style: Style = 'plain'): Segment {
  return { text, style };
}

/** A segment word wrap never splits (unless it is wider than the whole line). */
export function whole(text: string, style: Style = 'plain'): Segment {
  return { text, style, nowrap: true };
}

/** Characters that differ between a UTF-8 terminal and a plain ASCII one. */
export interface Glyphs {
  readonly unicode: boolean;
  readonly arrow: string;
  readonly ellipsis: string;
  readonly rule: string;
  readonly marker: string;
}

export const UNICODE_GLYPHS: Glyphs = { unicode: true, arrow: '→', ellipsis: '…', rule: '─', marker: '▶' };
export const ASCII_GLYPHS: Glyphs = { unicode: false, arrow: '->', ellipsis: '~', rule: '-', marker: '>' };

/** Display width, counted in code points (the UI itself uses no wide characters). */
export function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function lineWidth(line: Line): number {
  return line.reduce((n, s) => n + width(s.text), 0);
}

/** Cuts text to at most `max` columns, ending with the ellipsis when something was cut. */
export function clip(text: string, max: number, ellipsis: string): string {
  if (max <= 0) return '';
  const chars = [...text];
  if (chars.length <= max) return text;
  const keep = Math.max(0, max - width(ellipsis));
  return chars.slice(0, keep).join('') + ellipsis.slice(0, max - keep);
}

/** Cuts text to at most `max` columns keeping its end (file paths), starting with the ellipsis when cut. */
export function clipStart(text: string, max: number, ellipsis: string): string {
  if (max <= 0) return '';
  const chars = [...text];
  if (chars.length <= max) return text;
  const keep = Math.max(0, max - width(ellipsis));
  return ellipsis.slice(0, max - keep) + chars.slice(chars.length - keep).join('');
}

/** Pads (or clips) to exactly `n` columns; `right` aligns to the right. */
export function fit(text: string, n: number, ellipsis: string, right = false): string {
  const t = clip(text, n, ellipsis);
  const pad = ' '.repeat(Math.max(0, n - width(t)));
  return right ? pad + t : t + pad;
}

/** Clips a styled line to `max` columns, the ellipsis marking the cut. */
export function clipLine(line: Line, max: number, ellipsis: string): Line {
  if (lineWidth(line) <= max) return line;
  const out: Segment[] = [];
  let left = max;
  for (const s of line) {
    const w = width(s.text);
    if (w < left) {
      out.push(s);
      left -= w;
      continue;
    }
    // Something is cut here: keep what fits before the ellipsis.
    const keep = Math.max(0, left - width(ellipsis));
    out.push(seg([...s.text].slice(0, keep).join('') + ellipsis.slice(0, left - keep), s.style));
    break;
  }
  return out;
}

/** Pads a styled line with spaces to exactly `n` columns (clipping when longer). */
export function padLine(line: Line, n: number, ellipsis: string): Line {
  const clipped = clipLine(line, n, ellipsis);
  const missing = n - lineWidth(clipped);
  return missing > 0 ? [...clipped, seg(' '.repeat(missing))] : clipped;
}

/** Plain text of a line (tests, captures). */
export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}
