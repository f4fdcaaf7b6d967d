// The filter as an OR of ANDs of its positive primitives, in the order written, for building a probe
// packet. Unlike flow/dnf.ts it keeps `host`/`port` without a direction as written (a probe decides
// which side they are), and a `not` contributes nothing: negations narrow what matches, they never say
// what to send (the built packet is checked against the whole filter afterwards). Pure; no I/O.
import type { FlowExpr } from '../model/flow.js';

export type Primitive = Extract<FlowExpr, { kind: 'primitive' }>;

/** More alternatives than any filter accepted by parseFlow needs; the first ones are the ones used. */
export const MAX_ALTERNATIVES = 256;

/** The positive primitives of each alternative, first alternative first; [[]] for an empty filter. */
export function positiveConjuncts(expr: FlowExpr | null): Primitive[][] {
  return expr === null ? [[]] : walk(expr);
}

function walk(e: FlowExpr): Primitive[][] {
  switch (e.kind) {
    case 'primitive':
      return [[e]];
    case 'not':
      return [[]];
    case 'or':
      return [...walk(e.left), ...walk(e.right)].slice(0, MAX_ALTERNATIVES);
    case 'and': {
      const left = walk(e.left);
      const right = walk(e.right);
      const out: Primitive[][] = [];
      for (const l of left) {
        for (const r of right) {
          if (out.length >= MAX_ALTERNATIVES) return out;
          out.push([...l, ...r]);
        }
      }
      return out;
    }
  }
}
