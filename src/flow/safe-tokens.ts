// The alphabets rule tokens are drawn from, and the conjuncts of a spec re-checked before rendering, so no
// hand-built FlowSpec can smuggle quotes, spaces or shell syntax into a command. Pure; no I/O.
import type { FlowSpec } from '../model/flow.js';
import type { Conjunct } from './conjunct.js';
import { flowConjuncts } from './dnf.js';
import { validateIface } from './iface.js';

/** nft match tokens: words, addresses, ranges, `!=`, set braces and commas, `*` (interface wildcard). */
export const NFT_TOKEN = /^[A-Za-z0-9_.:/*,!={}-]+$/;
/** iptables argv elements: options, addresses, `a:b` ranges, `!`, comma lists, `+` (interface wildcard). */
export const IPTABLES_TOKEN = /^[A-Za-z0-9_.:/+,!-]+$/;

/** The conjuncts of a spec made by parseFlow; anything else is a programming error and throws. */
export function checkedConjuncts(spec: FlowSpec): Conjunct[] {
  for (const name of [spec.iif, spec.oif]) {
    if (name !== null && !validateIface(name).ok) throw new Error(`FlowSpec not from parseFlow: interface ${name}`);
  }
  const r = flowConjuncts(spec);
  if (!r.ok) throw new Error(`FlowSpec not from parseFlow: ${r.error.message}`);
  return r.value;
}

/** Throws if any token falls outside `alphabet` (defence in depth: validated input never does). */
export function assertSafe(rules: readonly (readonly string[])[], alphabet: RegExp): void {
  for (const tokens of rules) {
    for (const t of tokens) if (!alphabet.test(t)) throw new Error(`unsafe rule token ${JSON.stringify(t)}`);
  }
}
