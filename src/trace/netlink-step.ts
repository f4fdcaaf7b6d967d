// A netlink trace event (nft / xtables) plus the rule index → one TraceStep. Pure; no I/O.
import type { Hook, StepVerdict } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import type { RuleIndex, RuleInfo, RuleNat } from '../model/ruleset.js';
import type { StepRule, TraceStep } from '../model/trace.js';
import { QUOTA_USED } from '../ruleset/nft-rule.js';
import { natAtHook, natFromRuleText, XT_NAT } from './rule-nat.js';

type NetlinkVerdictEvent = Extract<TraceEvent, { kind: 'rule' | 'policy' | 'return' }>;

const STALE_COUNTER = /(^|\s)counter packets \d+ bytes \d+/g;

/** A rule's text as nft printed it in a trace, without the values it lists (counters, a quota's use). */
function withoutValues(text: string): string {
  return text.replace(STALE_COUNTER, '$1counter').replace(QUOTA_USED, '$1');
}
const REJECT = /(?:^|\s)(?:reject\b|-j REJECT\b)/;
/**
 * What nft prints for an iptables-nft match or target it cannot translate: `XT target MASQUERADE not found` in a
 * ruleset listing, while `nft monitor trace` (another process, another moment) may print nothing there or the
 * translation. Left out, the listed text starts the traced one.
 */
const UNTRANSLATED = /\s*\bXT (?:target|match) \S+ not found/g;
/** What xtables-monitor 1.8.9 prints for some options' values (ip6tables' `--reject-with`). */
const NULL_VALUE = '(null)';
/** An iptables rule text ending in its target's name, no option after it. */
const BARE_TARGET = / -j [A-Z][A-Z0-9_]*$/;

/** A step and the NAT its rule does; `choices` when the event's rule text is that of several rules of its chain. */
export interface NetlinkStep {
  readonly step: TraceStep;
  readonly nat: RuleNat | null;
  /**
   * One step per rule of the chain with the event's text, in chain order (the first is `step`): which one it was
   * depends on where the packet was in the chain (see pickAfter).
   */
  readonly choices?: readonly NetlinkStep[];
}

/** Builds the step for a rule, policy or return event; `isBase` says whether its chain is a base chain. */
export function netlinkStep(
  e: NetlinkVerdictEvent,
  hook: Hook,
  isBase: boolean,
  index: RuleIndex | undefined,
): NetlinkStep {
  const at = { hook, family: e.family, table: e.table, chain: e.chain };
  if (e.kind === 'policy' || (e.kind === 'return' && isBase && (e.verdict === 'accept' || e.verdict === 'drop'))) {
    // nft < 0.9.1 printed a base chain's policy as `verdict accept|drop`.
    return { step: { ...at, kind: 'policy', rule: null, verdict: e.verdict, target: null }, nat: null };
  }
  if (e.kind === 'return') {
    // Older kernels: `verdict continue` is the implicit return at the end of a user chain.
    const verdict: StepVerdict = e.verdict === 'continue' ? 'return' : e.verdict;
    return { step: { ...at, kind: 'return', rule: null, verdict, target: e.target }, nat: null };
  }
  const found = findRules(e, index);
  const one = (info: RuleInfo | undefined): NetlinkStep => ruleStep(e, at, info);
  if (found.length < 2) return one(found[0]);
  const choices = found.map(one);
  return { ...choices[0]!, choices };
}

/** The step of rule event e, with what the ruleset knows of its rule. */
function ruleStep(
  e: Extract<TraceEvent, { kind: 'rule' }>,
  at: Pick<TraceStep, 'hook' | 'family' | 'table' | 'chain'>,
  info: RuleInfo | undefined,
): NetlinkStep {
  const rule = stepRule(e, info);
  // nft and xtables-monitor both report `reject` as a drop verdict; the rule says which it was.
  const isReject =
    e.verdict === 'drop' && (info?.action === 'reject' || (rule.text !== null && REJECT.test(rule.text)));
  const verdict: StepVerdict = isReject ? 'reject' : e.verdict;
  // A dump's `xt target NETMAP` (nft cannot show its target) says less than xtables-monitor's own text.
  const listed = info?.nat ?? null;
  // ... and one whose target nft prints as nothing in the dump but names in the trace (`XT target ... not found`).
  const untold = listed === null && e.text !== null && XT_NAT.test(e.text);
  const own = info === undefined || listed?.to === null || untold ? natFromRuleText(e.text) : null;
  const nat = natAtHook(info === undefined || (own?.to != null && listed !== null) || untold ? own : listed, at.hook);
  return { step: { ...at, kind: 'rule', rule, verdict, target: e.target }, nat };
}

/**
 * The rules the event may be: the one with its handle; else, when the reader printed no handle or the ruleset has
 * none (iptables-save, `nft list ruleset` without -a), those with its text, in chain order (a chain may hold the
 * same text more than once).
 */
function findRules(e: Extract<TraceEvent, { kind: 'rule' }>, index: RuleIndex | undefined): readonly RuleInfo[] {
  if (!index) return [];
  const rules = index.chain(e.family, e.table, e.chain)?.rules;
  if (e.handle !== null) {
    const byHandle = index.byHandle(e.family, e.table, e.chain, e.handle);
    if (byHandle !== undefined) return mayGive(byHandle, e) ? [byHandle] : [];
    // A ruleset with handles that lacks this one is older than the rule: its text may be another rule's.
    if (rules === undefined || rules.some((r) => r.handle !== null)) return [];
  }
  if (e.text === null || rules === undefined) return [];
  const wanted = withoutValues(e.text).trim();
  const exact = rules.filter((r) => r.text === wanted || r.nftText === wanted);
  if (exact.length > 0) return exact;
  // xtables-monitor 1.8.9 prints some options' values as `(null)` (ip6tables' `--reject-with`): any value fits.
  if (wanted.includes(NULL_VALUE)) {
    const re = new RegExp(`^${wanted.split(NULL_VALUE).map(escapeRegExp).join('\\S+')}$`);
    const fits = rules.filter((r) => re.test(r.text));
    if (fits.length > 0) return fits;
  }
  // ... and leaves out some targets' options (ip6tables' `-j REDIRECT` without its `--to-ports 15006`).
  if (BARE_TARGET.test(wanted)) {
    const longer = rules.filter((r) => r.text.startsWith(`${wanted} `));
    if (longer.length === 1) return longer;
  }
  // ... and misprints IPv6 rules: matches left out (`-m tcp --dport 9000:9002`), addresses read as IPv4 (lab 54).
  if (e.source === 'xtables' && e.family === 'ip6') {
    const fits = rules.filter((r) => misprintOf(wanted, r.text));
    if (fits.length === 1) return fits;
  }
  // ... and the other way round: nft 1.0.6's trace prints `XT target DNAT not found` for a target the listing
  // translates (`dnat to 10.36.0.11:8080`) or prints as nothing (ip6 tables).
  const xt = /\bXT target (\S+) not found\s*$/.exec(wanted);
  if (xt?.[1] !== undefined) {
    const head = untranslated(wanted);
    const target = xt[1].toLowerCase();
    const fits = rules.filter((r) => {
      const listed = untranslated(withoutValues(r.nftText ?? r.text));
      return listed === head || (listed.startsWith(`${head} `) && listed.slice(head.length + 1).startsWith(target));
    });
    if (fits.length === 1) return fits;
  }
  // A rule nft lists with `XT target X not found`: the trace prints the target as nothing, or translated.
  const like = rules.filter((r) => {
    const listed = r.nftText ?? r.text;
    if (listed.search(UNTRANSLATED) < 0) return false;
    const bare = untranslated(listed);
    return wanted === bare || wanted.startsWith(bare + ' ');
  });
  return like.length === 1 ? like : [];
}

/** Verdicts a rule that only goes on (counter, LOG, MARK) cannot give. */
const DECIDES: ReadonlySet<StepVerdict> = new Set([
  'accept',
  'drop',
  'reject',
  'queue',
  'stolen',
  'jump',
  'goto',
  'return',
]);

/**
 * Whether the rule found by the event's handle can have given its verdict. A dump taken after a table was replaced
 * may hold another rule under that handle (lab 53: a plain `counter` for the trace's accept). Only an event without
 * text is judged (xtables-monitor on a native nft table): a text can name what the listing cannot print.
 */
function mayGive(r: RuleInfo, e: Extract<TraceEvent, { kind: 'rule' }>): boolean {
  return r.action !== 'continue' || !DECIDES.has(e.verdict) || (e.text !== null && e.text.trim() !== '');
}

/**
 * Of a step's choices, the first rule after `position`, the last position the packet was at in this chain (rules
 * run in order within one pass); the first choice when none is after it (a new pass through the chain).
 */
export function pickAfter(choices: readonly NetlinkStep[], position: number): NetlinkStep {
  for (const c of choices) if ((c.step.rule?.position ?? 0) > position) return c;
  return choices[0]!;
}

/** An IPv6 address xtables-monitor 1.8.9 printed as IPv4 (`--to-destination 253.0.0.24:9000-9002`). */
const AS_IPV4 = /^\d+\.\d+\.\d+\.\d+([:/]\S*)?$/;

/**
 * Whether xtables-monitor's text of an IPv6 rule is a misprint of `listed`: its words, in order, a part of the
 * listed rule's (some matches left out), an IPv4-looking address standing for any IPv6 one; the target the same.
 */
export function misprintOf(printed: string, listed: string): boolean {
  if (!listed.startsWith('-A ') || printed === listed) return false;
  const words = printed.split(' ');
  const all = listed.split(' ');
  const target = (w: readonly string[]): string | undefined => w[w.indexOf('-j') + 1];
  if (!words.includes('-j') || target(words) !== target(all)) return false;
  let at = 0;
  for (const w of words) {
    while (at < all.length && all[at] !== w && !standsFor(w, all[at]!)) at++;
    if (at++ >= all.length) return false;
  }
  return true;
}

/** An IPv4-looking word for an IPv6 address, its port or prefix length (what follows `:` or `/`) the same. */
function standsFor(printed: string, listed: string): boolean {
  const m = AS_IPV4.exec(printed);
  if (m === null || !listed.includes(':')) return false;
  return m[1] === undefined || listed.endsWith(m[1]);
}

/** A rule text without what nft could not translate, spaces collapsed. */
function untranslated(text: string): string {
  return text.replace(UNTRANSLATED, '').replace(/\s+/g, ' ').trim();
}

function stepRule(e: Extract<TraceEvent, { kind: 'rule' }>, info: RuleInfo | undefined): StepRule {
  // xtables-monitor prints iptables syntax: keep the user's dialect. nft's own text comes from its start-up
  // cache, so its counters are stale: prefer the snapshot's text and counters.
  const ownText = e.text === null || e.text.trim() === '' ? null : withoutValues(e.text).trim();
  // xtables-monitor's own text, unless it left out what the dump shows (a `(null)` value, a target's options).
  const partial =
    ownText?.includes(NULL_VALUE) === true ||
    (!!ownText && !!info?.text.startsWith(`${ownText} `)) ||
    (e.family === 'ip6' && ownText !== null && info !== undefined && misprintOf(ownText, info.text));
  // nft's trace names a target (`XT target DNAT not found`) its listing printed as nothing: the trace says more.
  const names = ownText !== null && info !== undefined && XT_NAT.test(ownText) && !XT_NAT.test(info.text);
  const own = (e.source === 'xtables' && !partial) || names;
  const text = own ? (ownText ?? info?.text ?? null) : (info?.text ?? ownText);
  return {
    handle: e.handle ?? info?.handle ?? null,
    position: info?.position ?? null,
    text,
    packets: info?.packets ?? null,
    bytes: info?.bytes ?? null,
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
