// Recursive descent over the tokens with tcpdump's precedence: `not` binds tighter than `and`, `and`
// tighter than `or`, both left-associative; two primitives side by side are an error. Pure; no I/O.
import type { Result } from '../model/common.js';
import type { FlowError, FlowExpr } from '../model/flow.js';
import { filterError, quote } from './flow-error.js';
import { parsePrimitive, type Parsed } from './primitive.js';
import type { LexToken } from './tokenize.js';

type Step = Result<Parsed, FlowError>;

/** The whole token list as one expression; `tokens` is not empty. */
export function parseExpr(filter: string, tokens: readonly LexToken[]): Result<FlowExpr, FlowError> {
  const parser = new Parser(filter, tokens);
  const r = parser.or(0);
  if (!r.ok) return r;
  const extra = tokens[r.value.next];
  if (extra !== undefined) return { ok: false, error: parser.unexpected(extra, '"and" or "or"') };
  return { ok: true, value: r.value.expr };
}

class Parser {
  constructor(
    private readonly filter: string,
    private readonly tokens: readonly LexToken[],
  ) {}

  /** expr := term (or term)* */
  or(start: number): Step {
    return this.binary(start, 'or', (i) => this.and(i));
  }

  /** term := factor (and factor)* */
  and(start: number): Step {
    return this.binary(start, 'and', (i) => this.factor(i));
  }

  /** factor := not factor | ( expr ) | primitive */
  factor(start: number): Step {
    const t = this.tokens[start];
    if (t === undefined) return this.fail(undefined, 'the filter ends where a primitive was expected');
    if (t.kind === 'not') {
      const operand = this.factor(start + 1);
      if (!operand.ok) return operand;
      const expr: FlowExpr = { kind: 'not', op: { text: t.text, position: t.position }, operand: operand.value.expr };
      return { ok: true, value: { expr, next: operand.value.next } };
    }
    if (t.kind === 'lparen') {
      if (this.tokens[start + 1]?.kind === 'rparen') return this.fail(this.tokens[start + 1], 'empty parentheses');
      const inner = this.or(start + 1);
      if (!inner.ok) return inner;
      const close = this.tokens[inner.value.next];
      if (close?.kind !== 'rparen') {
        if (close === undefined) return this.fail(t, `this "(" is never closed`);
        return { ok: false, error: this.unexpected(close, '"and", "or" or ")"') };
      }
      return { ok: true, value: { expr: inner.value.expr, next: inner.value.next + 1 } };
    }
    if (t.kind === 'word') return parsePrimitive(this.filter, this.tokens, start);
    return this.fail(t, `expected a primitive, not ${quote(t.text)}`);
  }

  /** Left-associative chain of `kind` operators over `operand`. */
  private binary(start: number, kind: 'and' | 'or', operand: (i: number) => Step): Step {
    const first = operand(start);
    if (!first.ok) return first;
    let { expr, next } = first.value;
    for (let op = this.tokens[next]; op?.kind === kind; op = this.tokens[next]) {
      const right = operand(next + 1);
      if (!right.ok) return right;
      expr = { kind, op: { text: op.text, position: op.position }, left: expr, right: right.value.expr };
      next = right.value.next;
    }
    return { ok: true, value: { expr, next } };
  }

  /** The error for a token that cannot follow what came before. */
  unexpected(t: LexToken, expected: string): FlowError {
    if (t.kind === 'rparen') return this.error(t, 'unmatched ")"');
    return this.error(t, `expected ${expected} before ${quote(t.text)}`);
  }

  private fail(t: LexToken | undefined, detail: string): Step {
    return { ok: false, error: this.error(t, detail) };
  }

  private error(t: LexToken | undefined, detail: string): FlowError {
    return filterError(this.filter, t?.position ?? this.filter.length, t?.text ?? '', detail);
  }
}
