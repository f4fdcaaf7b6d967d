// What the ruleset knows about a traced step's rule, and its conditions and comment even without a
// ruleset (read back from the rule text the trace printed). Pure; no I/O.
import type { RuleIndex, RuleInfo, RuleMatch } from '../model/ruleset.js';
import type { TraceStep } from '../model/trace.js';
import { iptablesMatches } from '../ruleset/iptables-matches.js';
import { tokenizeIptables } from '../ruleset/iptables-tokens.js';
import { nftTextMatches } from '../ruleset/nft-matches.js';
import { tokenizeNft } from '../ruleset/nft-tokens.js';

/** The snapshot's rule for a step: by handle when the trace has one, else by position. */
export function ruleInfoOf(s: TraceStep, index: RuleIndex | undefined): RuleInfo | undefined {
  if (index === undefined || s.kind !== 'rule' || s.rule === null) return undefined;
  if (s.rule.handle !== null) {
    const byHandle = index.byHandle(s.family, s.table, s.chain, s.rule.handle);
    if (byHandle !== undefined) return byHandle;
  }
  return s.rule.position === null ? undefined : index.byPosition(s.family, s.table, s.chain, s.rule.position);
}

/** Rule texts repeat from packet to packet: their conditions are read once (bounded). */
const parsed = new Map<string, readonly RuleMatch[]>();

/** The conditions of a rule given as text (`-A ...` iptables syntax or nft syntax). */
export function matchesOfText(text: string): readonly RuleMatch[] {
  let m = parsed.get(text);
  if (m === undefined) {
    m = /^-A\s/.test(text)
      ? iptablesMatches(text, tokenizeIptables(text))
      : nftTextMatches(tokenizeNft(text.replace(/\bcounter packets \d+ bytes \d+/g, 'counter')));
    if (parsed.size >= 1024) parsed.clear();
    parsed.set(text, m);
  }
  return m;
}

const IPT_COMMENT = /--comment\s+(?:"((?:[^"\\]|\\.)*)"|(\S+))/;
const NFT_COMMENT = /\bcomment\s+"([^"]*)"/;

/** A rule's comment: from the ruleset, else from the text. */
export function commentOf(s: TraceStep, info: RuleInfo | undefined): string | null {
  if (info !== undefined) return info.comment;
  const text = s.rule?.text;
  if (text == null) return null;
  const m = IPT_COMMENT.exec(text) ?? NFT_COMMENT.exec(text);
  return m === null ? null : (m[1] ?? m[2] ?? null);
}
