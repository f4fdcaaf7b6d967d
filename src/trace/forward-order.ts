// The base chains at forward in the order this capture's packets met them. A packet accepted in one of them and
// never seen in a chain other packets met after it there did not get through: a table the reader cannot show
// dropped it between them (iptables-legacy's, under nft monitor trace), or the kernel did, or its events were lost
// (lab 53). Forward only, and chains known to hook it (a chain named freely is not placed without a ruleset): no
// nat chain hooks forward, so every forwarded packet meets every base chain there; by IP version, since an ip or
// ip6 table sees only its own. Pure; no I/O.
import type { Sighting } from './builder.js';

const SEP = '\u0000';

/** More pairs than any real ruleset has; past it the order is learnt again. */
const LIMIT = 4096;

export class ForwardOrder {
  /** version, family, table and chain → the base chains met after it at forward. */
  private readonly after = new Map<string, Set<string>>();
  private pairs = 0;

  /** Learns the order of a finished trace's forward base chains. */
  learn(version: number | undefined, sightings: readonly Sighting[]): void {
    const met = forwardChains(version, sightings);
    for (let i = 0; i < met.length; i++)
      for (let j = i + 1; j < met.length; j++) {
        let later = this.after.get(met[i]!);
        if (later === undefined) this.after.set(met[i]!, (later = new Set()));
        if (later.has(met[j]!)) continue;
        if (this.pairs++ >= LIMIT) {
          this.after.clear();
          this.pairs = 0;
          return;
        }
        later.add(met[j]!);
      }
  }

  /** A base chain (`table/chain`) other packets met at forward after this trace's last one there, that it never met. */
  missed(version: number | undefined, sightings: readonly Sighting[]): string | null {
    const met = forwardChains(version, sightings);
    const last = met[met.length - 1];
    const later = last === undefined ? undefined : this.after.get(last);
    if (later === undefined) return null;
    for (const k of later) if (!met.includes(k)) return k.split(SEP).slice(2).join('/');
    return null;
  }
}

/** version, family, table and chain of the routed families' base chains at forward, in the order met. */
function forwardChains(version: number | undefined, sightings: readonly Sighting[]): string[] {
  const out: string[] = [];
  if (version !== 4 && version !== 6) return out;
  for (const s of sightings) {
    if (s.chainHook !== 'forward' || (s.family !== 'ip' && s.family !== 'ip6' && s.family !== 'inet')) continue;
    const k = [version, s.family, s.table, s.chain].join(SEP);
    if (!out.includes(k)) out.push(k);
  }
  return out;
}
