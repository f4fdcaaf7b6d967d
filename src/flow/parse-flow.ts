// The entry point: validates a filter and the -i/-o interfaces before anything else runs, and returns a
// FlowSpec or an error with the position to point at. Never throws. Pure; no I/O.
import type { Result } from '../model/common.js';
import type { FlowError, FlowSpec } from '../model/flow.js';
import { flowConjuncts } from './dnf.js';
import { filterError, ifaceError } from './flow-error.js';
import { validateIface } from './iface.js';
import { parseExpr } from './parse-expr.js';
import { tokenize } from './tokenize.js';

export { formatFlowError } from './flow-error.js';

/** Longest filter accepted: keeps parsing and normalisation cheap whatever the input. */
export const MAX_FILTER_LENGTH = 1024;

export interface FlowOptions {
  /** `-i/--in IFACE`. */
  readonly iif?: string;
  /** `-o/--out IFACE`. */
  readonly oif?: string;
}

/** Parses `filter` (tcpdump subset; '' or blanks = everything) ANDed with the interfaces. */
export function parseFlow(filter: string, opts: FlowOptions = {}): Result<FlowSpec, FlowError> {
  if (filter.length > MAX_FILTER_LENGTH) {
    const detail = `the filter is longer than ${MAX_FILTER_LENGTH} characters`;
    return { ok: false, error: filterError(filter, MAX_FILTER_LENGTH, '', detail) };
  }
  const tokens = tokenize(filter);
  if (!tokens.ok) return tokens;
  let expr: FlowSpec['expr'] = null;
  if (tokens.value.length > 0) {
    const parsed = parseExpr(filter, tokens.value);
    if (!parsed.ok) return parsed;
    expr = parsed.value;
  }
  const iif = checkIface('in', opts.iif);
  if (!iif.ok) return iif;
  const oif = checkIface('out', opts.oif);
  if (!oif.ok) return oif;
  const spec: FlowSpec = { expr, iif: iif.value, oif: oif.value, text: filter };
  const conjuncts = flowConjuncts(spec);
  if (!conjuncts.ok) return conjuncts;
  return { ok: true, value: spec };
}

function checkIface(source: 'in' | 'out', name: string | undefined): Result<string | null, FlowError> {
  if (name === undefined) return { ok: true, value: null };
  const r = validateIface(name);
  if (r.ok) return r;
  return { ok: false, error: ifaceError(source, name, r.error.position, r.error.detail) };
}
