// The filter as an OR of canonical conjuncts (disjunctive normal form): `not` pushed down by De Morgan,
// `and` distributed over `or`, contradictions dropped, duplicates merged, size capped. Each conjunct
// becomes one rule. Pure; no I/O.
import type { Result } from '../model/common.js';
import type { FlowError, FlowExpr, FlowSpec, FlowToken } from '../model/flow.js';
import { expandPrimitive, type Atom } from './atoms.js';
import { conjunctKey, MATCH_ALL, simplify, type Conjunct } from './conjunct.js';
import { filterError } from './flow-error.js';
import type { Conflict } from './intervals.js';

/** Most rules one filter may need (per backend family); beyond this the filter is refused. */
export const MAX_RULES = 64;

/** Conjuncts with the atoms they came from, so later products can still report where a conflict is. */
interface Term {
  readonly atoms: readonly Atom[];
  readonly conjunct: Conjunct;
}

interface Walk {
  readonly filter: string;
  /** The contradiction that emptied the latest subexpression, reported if nothing survives. */
  conflict: Conflict | null;
}

/** The conjuncts of `spec.expr` (one MATCH_ALL for an empty filter), or why the filter is refused. */
export function flowConjuncts(spec: FlowSpec): Result<Conjunct[], FlowError> {
  if (spec.expr === null) return { ok: true, value: [MATCH_ALL] };
  const w: Walk = { filter: spec.text, conflict: null };
  const terms = walk(w, spec.expr, false);
  if (!terms.ok) return terms;
  if (terms.value.length > 0) return { ok: true, value: terms.value.map((t) => t.conjunct) };
  const c = w.conflict;
  const at = c?.at ?? { text: '', position: 0 };
  const why = c === null ? '' : `: ${c.reason}`;
  return { ok: false, error: filterError(spec.text, at.position, at.text, `the filter matches nothing${why}`) };
}

/** DNF of `expr`, or of `not expr` when `negated`. */
function walk(w: Walk, expr: FlowExpr, negated: boolean): Result<Term[], FlowError> {
  switch (expr.kind) {
    case 'primitive':
      return normalise(w, expandPrimitive(expr, negated), expr.value);
    case 'not':
      return walk(w, expr.operand, !negated);
    case 'and':
    case 'or': {
      const left = walk(w, expr.left, negated);
      if (!left.ok) return left;
      const right = walk(w, expr.right, negated);
      if (!right.ok) return right;
      // De Morgan: under negation `and` becomes `or` and the other way round.
      const conjunction = (expr.kind === 'and') !== negated;
      const combined = conjunction
        ? left.value.flatMap((l) => right.value.map((r) => [...l.atoms, ...r.atoms]))
        : [...left.value, ...right.value].map((t) => t.atoms);
      return normalise(w, combined, expr.op);
    }
  }
}

/** Simplifies each conjunction, drops contradictions and duplicates, and enforces MAX_RULES. */
function normalise(w: Walk, dnf: readonly (readonly Atom[])[], at: FlowToken): Result<Term[], FlowError> {
  const seen = new Set<string>();
  const out: Term[] = [];
  let last: Conflict | null = null;
  for (const atoms of dnf) {
    const r = simplify(atoms);
    if (!r.ok) {
      last = r.error;
      continue;
    }
    const key = conjunctKey(r.value);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ atoms, conjunct: r.value });
  }
  // When everything dies here, the last alternative's conflict is the telling one: negations put their
  // "other family / other protocol" alternative first.
  if (out.length === 0 && last !== null) w.conflict = last;
  if (out.length > MAX_RULES) {
    const detail = `the filter needs more than ${MAX_RULES} rules; simplify it (fewer "or" alternatives)`;
    return { ok: false, error: filterError(w.filter, at.position, at.text, detail) };
  }
  return { ok: true, value: out };
}
