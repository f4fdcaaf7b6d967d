// Word wrap for styled lines, with a hanging indent so wrapped rule text stays under its step. Pure.
import { seg, width, type Line, type Segment, type Style } from './style.js';

interface Token {
  readonly text: string;
  readonly style: Style;
  readonly space: boolean;
}

function tokens(line: Line): Token[] {
  const out: Token[] = [];
  for (const s of line) {
    if (s.nowrap) {
      const lead = /^\s*/.exec(s.text)?.[0] ?? '';
      if (lead !== '') out.push({ text: lead, style: s.style, space: true });
      if (s.text.length > lead.length) out.push({ text: s.text.slice(lead.length), style: s.style, space: false });
      continue;
    }
    for (const part of s.text.split(/(\s+)/)) {
      if (part !== '') out.push({ text: part, style: s.style, space: /^\s+$/.test(part) });
    }
  }
  return out;
}

/** Joins neighbouring segments of the same style. */
function merge(parts: readonly Segment[]): Line {
  const out: Segment[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (last && last.style === p.style) out[out.length - 1] = seg(last.text + p.text, p.style);
    else out.push(p);
  }
  return out;
}

/** Splits a styled line into lines of at most `cols` columns; continuation lines start with `indent` spaces. */
export function wrapLine(line: Line, cols: number, indent: number): Line[] {
  const hang = Math.max(0, Math.min(indent, cols - 8));
  const lines: Segment[][] = [[]];
  let used = 0;
  const newline = (): void => {
    lines.push(hang > 0 ? [seg(' '.repeat(hang))] : []);
    used = hang;
  };
  for (const tok of tokens(line)) {
    let text = tok.text;
    if (tok.space) {
      const atLineStart = lines.length > 1 && used === hang;
      if (used + width(text) > cols) newline();
      else if (!atLineStart) {
        lines[lines.length - 1]!.push(seg(text, tok.style));
        used += width(text);
      }
      continue;
    }
    if (used + width(text) > cols && used > hang) newline();
    while (used + width(text) > cols) {
      const room = Math.max(1, cols - used);
      lines[lines.length - 1]!.push(seg([...text].slice(0, room).join(''), tok.style));
      text = [...text].slice(room).join('');
      newline();
    }
    if (text !== '') {
      lines[lines.length - 1]!.push(seg(text, tok.style));
      used += width(text);
    }
  }
  return lines.map((l) => merge(trimEnd(l)));
}

function trimEnd(parts: Segment[]): Segment[] {
  const out = [...parts];
  while (out.length > 0 && /^\s+$/.test(out[out.length - 1]!.text) && out.length > 1) out.pop();
  return out;
}
