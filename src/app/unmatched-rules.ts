// Replay with a ruleset: rule steps the ruleset does not hold, though it holds their chain. Then positions,
// counters and near misses are missing (kernel-log lines: the rule's text and verdict), and the user can fix it:
// the dump was taken later, or printed in another form than the trace (`nft -n monitor trace` prints `icmp type 8`
// where `nft list ruleset` says `echo-request`).
// Pure; no I/O.
import type { RuleIndex } from '../model/ruleset.js';
import type { Trace, TraceStep } from '../model/trace.js';

export class UnmatchedRules {
  private traces = 0;
  private first: TraceStep | null = null;
  /** The first was a kernel-log line: it gave the position, the dump has no rule that fits it there. */
  private firstLogged = false;

  constructor(private readonly index: RuleIndex) {}

  /** Looks at a finished trace's rule steps. */
  see(trace: Trace): void {
    const steps = trace.steps;
    // Kernel-log lines give positions: a rule the dump lacks there (or holds one the kernel would log otherwise)
    // has no text.
    const log = trace.backend === 'kernlog';
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      if (s.kind !== 'rule' || s.rule === null || (log ? s.rule.text !== null : s.rule.position !== null)) continue;
      if (!this.index.chain(s.family, s.table, s.chain)?.rules.length) continue;
      this.traces++;
      if (this.first === null) {
        this.first = s;
        this.firstLogged = log;
      }
      return;
    }
  }

  /**
   * The warning for the end of the run, or null when every rule step was found. `cutShort`: the capture ends in the
   * middle of a line (the reader died while printing one), which a single unmatched rule most likely is.
   */
  warning(cutShort = false): string | null {
    const s = this.first;
    if (s === null) return null;
    const what = s.rule?.text
      ? `"${s.rule.text}"`
      : s.rule?.handle != null || s.rule?.position == null
        ? `handle ${s.rule?.handle ?? '?'}`
        : `rule ${s.rule.position}`;
    const traces = this.traces === 1 ? '1 trace names' : `${this.traces} traces name`;
    const lead = `${traces} rules the ruleset given does not hold in their chain (first: ${s.table}/${s.chain} ${what})`;
    if (cutShort && this.traces === 1)
      return `${lead}: most likely the line the reader was printing when it stopped, cut short (the capture ends in the middle of a line)`;
    if (this.firstLogged)
      return (
        `${lead}, so their text, counters and verdicts are unknown: give the iptables-save output of the host ` +
        'and the time the log was written (a rule added, removed or moved since shifts the positions the log names)'
      );
    return `${lead}, so their positions, counters and near misses are missing: ${this.advice(s)}`;
  }

  private advice(s: TraceStep): string {
    const rules = this.index.chain(s.family, s.table, s.chain)?.rules ?? [];
    const listed = rules[0];
    // nft monitor trace prints iptables-nft rules in nft syntax; iptables-save cannot be matched against that.
    if (s.rule?.text && !s.rule.text.startsWith('-') && listed?.text.startsWith('-A ') && listed.nftText === undefined)
      return 'the trace prints them in nft syntax and the ruleset in iptables syntax: give nft -a list ruleset instead of iptables-save';
    // nft -j cannot render iptables-nft matches: `xt match "conntrack"` where the trace shows `ct state ...`.
    if (s.rule?.text && rules.some((r) => /\bxt (?:match|target) "/.test(r.text)))
      return 'nft -j prints iptables-nft matches as xt match "...", which no trace text equals: give nft -a list ruleset (text) instead';
    return (
      'give the ruleset taken with the capture, printed as the trace was (nft -n list ruleset for nft -n monitor ' +
      'trace; nft -a list ruleset for rules traced by handle)'
    );
  }
}
