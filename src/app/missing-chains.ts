// Replay with a ruleset: chains the capture shows that no dump holds (a table left out: podman's `inet netavark`
// next to iptables-save dumps). Their types, rules and policies are unknown, so a verdict may be read from a nat
// chain or miss what a rule did; the user can give the dump of every table. Pure; no I/O.
import type { RuleIndex } from '../model/ruleset.js';
import type { Trace, TraceStep } from '../model/trace.js';
import { isTracerTable } from '../trace/verdict.js';

/** Chains named in the warning, at most. */
const NAMED = 3;

export class MissingChains {
  private traces = 0;
  /** Steps looked at so far (steps are shared between traces: trace/step-cache): their chain held or not. */
  private readonly held = new WeakMap<TraceStep, boolean>();
  /** The chains no dump holds, in the order met. */
  private readonly missing = new Set<string>();
  /** Families of the kernel-log traces that passed such chains (iptables-legacy: only its own -save dumps them). */
  private readonly logged = new Set<string>();

  constructor(private readonly index: RuleIndex) {}

  /** Looks at a finished trace's steps. */
  see(trace: Trace): void {
    let counted = false;
    for (const s of trace.steps) {
      let held = this.held.get(s);
      if (held === undefined) {
        // The tracer's own table (fwtrace's, in a capture of a live run) is in no dump of the user's.
        held = isTracerTable(s.table) || this.index.chain(s.family, s.table, s.chain) !== undefined;
        this.held.set(s, held);
        if (!held) this.missing.add(`${s.family} ${s.table}/${s.chain}`);
      }
      if (!held && !counted) {
        this.traces++;
        counted = true;
      }
      if (!held && trace.backend === 'kernlog') this.logged.add(s.family);
    }
  }

  /** The warning for the end of the run, or null when the dumps hold every chain the traces passed. */
  warning(): string | null {
    if (this.traces === 0) return null;
    const names = [...this.missing];
    const more = names.length > NAMED ? `, and ${names.length - NAMED} more` : '';
    const traces = this.traces === 1 ? '1 trace passes' : `${this.traces} traces pass`;
    return (
      `${traces} chains the ruleset given does not hold (${names.slice(0, NAMED).join(', ')}${more}): ` +
      'their rules, policies and types (nat or filter) are unknown, so what they did is guessed from the trace; ' +
      this.advice()
    );
  }

  /** The kernel log shows iptables-legacy's chains, which no nft listing holds. */
  private advice(): string {
    if (this.logged.size === 0)
      return 'give a dump of every table the capture shows (nft -a list ruleset holds iptables-nft and native tables)';
    const saves = [...this.logged].sort().map((f) => (f === 'ip6' ? 'ip6tables-save' : 'iptables-save'));
    return `give ${saves.join(' and ')} output of the host the log was written on (iptables-legacy's rules are in no nft listing)`;
  }
}
