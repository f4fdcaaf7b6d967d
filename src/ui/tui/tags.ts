// Styled lines → blessed tag markup: colours by style token, `{`/`}` escaped, control characters removed.
// Pure (no blessed import), so the escaping is tested on its own.
import type { Line, Style } from './style.js';

/** How many colours to use: 0 (monochrome: bold only), 8, or 16 and more (adds grey for dim text). */
export interface Palette {
  readonly colors: number;
}

const COLOR: Record<Style, readonly string[]> = {
  plain: [],
  dim: ['gray-fg'],
  bold: ['bold'],
  good: ['green-fg'],
  bad: ['red-fg', 'bold'],
  other: ['yellow-fg'],
  hook: ['cyan-fg', 'bold'],
  routing: ['magenta-fg'],
  nat: ['magenta-fg', 'bold'],
  path: ['cyan-fg', 'bold'],
  title: ['bold'],
  warn: ['yellow-fg', 'bold'],
  key: ['bold'],
};

const MONO: Partial<Record<Style, readonly string[]>> = {
  bold: ['bold'],
  bad: ['bold'],
  hook: ['bold'],
  nat: ['bold'],
  path: ['bold'],
  title: ['bold'],
  warn: ['bold'],
  key: ['bold'],
};

function tagsFor(style: Style, p: Palette): readonly string[] {
  if (p.colors <= 0) return MONO[style] ?? [];
  if (style === 'dim' && p.colors < 16) return [];
  return COLOR[style];
}

/** Makes arbitrary text (rule comments, nft sets `{ 22, 80 }`) safe inside tag markup. */
export function escapeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

/** One line of markup; `whole` wraps the line in an attribute (e.g. `inverse` for the selected row). */
export function toTags(line: Line, p: Palette, whole?: 'inverse' | 'underline'): string {
  let out = '';
  for (const s of line) {
    const tags = tagsFor(s.style, p);
    const open = tags.map((t) => `{${t}}`).join('');
    const close = [...tags]
      .reverse()
      .map((t) => `{/${t}}`)
      .join('');
    out += open + escapeText(s.text) + close;
  }
  return whole ? `{${whole}}${out}{/${whole}}` : out;
}

/** Many lines, newline-separated. */
export function linesToTags(lines: readonly Line[], p: Palette): string {
  return lines.map((l) => toTags(l, p)).join('\n');
}
