// A packet netfilter accepted in prerouting that no later chain saw, where the ruleset has chains at both hooks it
// must go to next (input for this host, forward for others): the kernel dropped it when routing it (rp_filter, no
// route, forwarding off), unless events were lost. Netfilter's verdict stays the accept; the sentence says the rest.
// Pure; no I/O.
import type { Family } from '../model/common.js';
import type { ChainInfo, RuleIndex } from '../model/ruleset.js';
import type { FinalVerdict, TraceStep } from '../model/trace.js';

/** The words that start the hint (host checks, which name the cause themselves, take it off again). */
export const UNROUTED_LEAD = '; not seen after prerouting, though ';

/** `; not seen after prerouting, though input and forward have chains (...): ...`, or '' when it does not apply. */
export function unroutedHint(steps: readonly TraceStep[], verdict: FinalVerdict, index: RuleIndex | undefined): string {
  const last = steps[steps.length - 1];
  if (index === undefined || verdict.action !== 'accept' || last?.hook !== 'prerouting') return '';
  const family = packetFamily(steps);
  if (family === null) return '';
  const input = index.hooked(family, 'input');
  const forward = index.hooked(family, 'forward');
  if (input.length === 0 || forward.length === 0) return '';
  return `${UNROUTED_LEAD}input and forward have chains (${names(input)}, ${names(forward)}): the routing decision dropped it (rp_filter, no route, forwarding off), or events were lost`;
}

/** The explanation without unroutedHint()'s words. */
export function withoutUnroutedHint(explanation: string): string {
  const at = explanation.indexOf(UNROUTED_LEAD);
  return at < 0 ? explanation : explanation.slice(0, at);
}

/**
 * The IP family the steps' tables tell: ip or ip6 when a table of that family saw the packet, inet when only inet
 * tables did (then only inet chains count: an ip table's chain would not see an IPv6 packet). null for bridge,
 * netdev and arp paths, which are not routed here.
 */
function packetFamily(steps: readonly TraceStep[]): Family | null {
  let family: Family | null = null;
  for (const s of steps) {
    if (s.family === 'ip' || s.family === 'ip6') {
      if (family !== null && family !== 'inet' && family !== s.family) return null;
      family = s.family;
    } else if (s.family === 'inet') family ??= 'inet';
    else return null;
  }
  return family;
}

function names(chains: readonly ChainInfo[]): string {
  return chains.map((c) => `${c.table}/${c.chain}`).join(', ');
}
