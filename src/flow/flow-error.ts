// Building FlowErrors and showing them under the filter with a caret. Pure; no I/O.
import type { FlowError, FlowToken } from '../model/flow.js';

/** Characters that take no column or move the cursor; shown as '?' so the caret stays aligned. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{M}\p{Zl}\p{Zp}]/gu;

/** `"text"` with control characters escaped, safe to print on a terminal. */
export function quote(text: string): string {
  return JSON.stringify(text).replace(INVISIBLE, (c) => `\\u${c.codePointAt(0)?.toString(16).padStart(4, '0')}`);
}

/** 1-based column of a UTF-16 offset, counted in code points (what a terminal shows). */
export function columnOf(text: string, position: number): number {
  return Array.from(text.slice(0, position)).length + 1;
}

/** An error in the filter at `position`, message prefixed with its column. */
export function filterError(filter: string, position: number, token: string, detail: string): FlowError {
  return {
    message: `bad filter at column ${columnOf(filter, position)}: ${detail}`,
    position,
    token,
    source: 'filter',
  };
}

/** An error in the -i/-o interface name at `position` inside the name. */
export function ifaceError(source: 'in' | 'out', name: string, position: number, detail: string): FlowError {
  return { message: `bad --${source} interface ${quote(name)}: ${detail}`, position, token: name, source };
}

/**
 * Two lines for stderr under `err.message`: the offending input and a `^` under the error's column.
 * For an interface error the input is shown as `--in NAME`.
 */
export function formatFlowError(filter: string, err: FlowError): string {
  const prefix = err.source === 'filter' ? '' : `--${err.source} `;
  const text = err.source === 'filter' ? filter : err.token;
  const shown = prefix + text.replace(/\t/g, ' ').replace(INVISIBLE, '?');
  const column = prefix.length + columnOf(text, err.position) - 1;
  return `  ${shown}\n  ${' '.repeat(column)}^`;
}

/** `"text" (column N)` for a token of an accepted filter (ASCII only, so column = offset + 1). */
export function ref(t: FlowToken): string {
  return `${quote(t.text)} (column ${t.position + 1})`;
}
