// Splits a filter into words, parentheses and operators; rejects every other character where it stands.
// Pure; no I/O.
import type { Result } from '../model/common.js';
import type { FlowError, FlowToken } from '../model/flow.js';
import { filterError, quote } from './flow-error.js';

export type LexKind = 'word' | 'lparen' | 'rparen' | 'not' | 'and' | 'or';

export interface LexToken extends FlowToken {
  readonly kind: LexKind;
}

/** Characters a word may hold: addresses (`.`, `:`, `/`), ranges (`-`), and `%` only to name zone ids in errors. */
const WORD_CHAR = /[A-Za-z0-9._:/%-]/;
/** Space and tab separate tokens; line breaks and other controls are refused like any stray character. */
const SPACE = /[ \t]/;

const KEYWORDS: ReadonlyMap<string, LexKind> = new Map<string, LexKind>([
  ['and', 'and'],
  ['or', 'or'],
  ['not', 'not'],
]);

/** Two-character and one-character operators. */
const OPERATORS: readonly (readonly [string, LexKind])[] = [
  ['&&', 'and'],
  ['||', 'or'],
  ['!', 'not'],
  ['(', 'lparen'],
  [')', 'rparen'],
];

/** The tokens of `filter`, or an error at the first character that cannot start or continue a token. */
export function tokenize(filter: string): Result<LexToken[], FlowError> {
  const tokens: LexToken[] = [];
  let i = 0;
  while (i < filter.length) {
    const c = filter.charAt(i);
    if (SPACE.test(c)) {
      i++;
      continue;
    }
    if (WORD_CHAR.test(c)) {
      let end = i + 1;
      while (end < filter.length && WORD_CHAR.test(filter.charAt(end))) end++;
      const text = filter.slice(i, end);
      tokens.push({ kind: KEYWORDS.get(text) ?? 'word', text, position: i });
      i = end;
      continue;
    }
    const op = OPERATORS.find(([text]) => filter.startsWith(text, i));
    if (op !== undefined) {
      tokens.push({ kind: op[1], text: op[0], position: i });
      i += op[0].length;
      continue;
    }
    return { ok: false, error: strayCharacter(filter, i) };
  }
  return { ok: true, value: tokens };
}

/** The error for a character that is not part of the language (a whole code point, for emoji and such). */
function strayCharacter(filter: string, i: number): FlowError {
  const char = String.fromCodePoint(filter.codePointAt(i) ?? 0);
  if (char === '&') return filterError(filter, i, char, '"&" is not an operator; use "and" or "&&"');
  if (char === '|') return filterError(filter, i, char, '"|" is not an operator; use "or" or "||"');
  if (char === '"' || char === "'") {
    return filterError(
      filter,
      i,
      char,
      `unexpected quote ${quote(char)}: the filter is one argument, quote it only in the shell`,
    );
  }
  return filterError(filter, i, char, `unexpected character ${quote(char)}`);
}
