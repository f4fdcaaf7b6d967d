// Intersects what a conjunct asserts about one field (address, port) with what it denies, so a conjunct
// keeps at most one positive match per field, drops redundant negations and spots contradictions.
// Pure; no I/O.
import type { Result } from '../model/common.js';
import type { FlowToken } from '../model/flow.js';
import { quote, ref } from './flow-error.js';

/** A value (network, port range) with the closed interval it covers and the token it came from. */
export interface Item<T> {
  readonly value: T;
  readonly lo: bigint;
  readonly hi: bigint;
  readonly at: FlowToken;
}

/** Why a conjunct can match nothing; `at` is the later of the two tokens involved. */
export interface Conflict {
  readonly at: FlowToken;
  readonly reason: string;
}

export interface Narrowed<T> {
  readonly is: T | null;
  readonly not: readonly T[];
}

/**
 * `field ∈ every pos ∧ field ∉ any neg` as one positive value (null: no constraint) and the negations
 * that still matter, in order. `make` builds the value for an intersection that is neither input.
 */
export function narrow<T>(
  pos: readonly Item<T>[],
  neg: readonly Item<T>[],
  full: { readonly lo: bigint; readonly hi: bigint },
  make: (lo: bigint, hi: bigint) => T,
): Result<Narrowed<T>, Conflict> {
  let is: Item<T> | null = null;
  for (const p of pos) {
    if (is === null) {
      is = p;
      continue;
    }
    const lo: bigint = is.lo > p.lo ? is.lo : p.lo;
    const hi: bigint = is.hi < p.hi ? is.hi : p.hi;
    if (lo > hi) return conflict(p.at, `${ref(is.at)} and ${quote(p.at.text)} do not overlap`);
    if (lo !== is.lo || hi !== is.hi) is = lo === p.lo && hi === p.hi ? p : { value: make(lo, hi), lo, hi, at: p.at };
  }
  const kept: Item<T>[] = [];
  for (const n of neg) {
    if (covers(n, full)) return conflict(n.at, `negating ${quote(n.at.text)} excludes everything`);
    if (is !== null && covers(n, is)) return conflict(n.at, `${quote(n.at.text)} excludes all of ${ref(is.at)}`);
    if (is !== null && (n.hi < is.lo || n.lo > is.hi)) continue; // outside the positive match: redundant
    kept.push(n);
  }
  const wide = kept.filter((n, i) => !kept.some((m, j) => covers(m, n) && (!covers(n, m) || j < i)));
  wide.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const positive = is === null || covers(is, full) ? null : is.value;
  return { ok: true, value: { is: positive, not: wide.map((n) => n.value) } };
}

/** Whether `a` contains all of `b`. */
function covers(a: { lo: bigint; hi: bigint }, b: { lo: bigint; hi: bigint }): boolean {
  return a.lo <= b.lo && a.hi >= b.hi;
}

function conflict(at: FlowToken, reason: string): { ok: false; error: Conflict } {
  return { ok: false, error: { at, reason } };
}
