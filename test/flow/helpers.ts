// Shared helpers for the flow tests: parse-or-fail, and a compact rendering of a FlowExpr.
import type { FlowError, FlowExpr, FlowSpec } from '../../src/model/flow.js';
import { parseFlow, type FlowOptions } from '../../src/flow/parse-flow.js';

/** The spec of a filter that must be valid. */
export function spec(filter: string, opts: FlowOptions = {}): FlowSpec {
  const r = parseFlow(filter, opts);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(filter)} to parse: ${r.error.message}`);
  return r.value;
}

/** The error of a filter that must be refused. */
export function failure(filter: string, opts: FlowOptions = {}): FlowError {
  const r = parseFlow(filter, opts);
  if (r.ok) throw new Error(`expected ${JSON.stringify(filter)} to be refused`);
  return r.error;
}

/** `(tcp or (udp and not icmp))`: the tree's shape with each primitive as its tokens. */
export function show(e: FlowExpr | null): string {
  if (e === null) return '<all>';
  switch (e.kind) {
    case 'primitive':
      return e.tokens.map((t) => t.text).join(' ');
    case 'not':
      return `not ${show(e.operand)}`;
    case 'and':
    case 'or':
      return `(${show(e.left)} ${e.kind} ${show(e.right)})`;
  }
}
