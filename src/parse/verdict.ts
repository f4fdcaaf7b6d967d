// Verdict words of nft (`accept`, `jump X`) and xtables-monitor (`ACCEPT`, `JUMP:X`, raw hex) → StepVerdict.
// Pure; no I/O.
import type { StepVerdict } from '../model/common.js';
import { same } from './log-keys.js';
import { parseHex } from './num.js';

export interface VerdictInfo {
  readonly verdict: StepVerdict;
  /** Chain for jump / goto, else null. */
  readonly target: string | null;
}

const plain = (verdict: StepVerdict): VerdictInfo => ({ verdict, target: null });
const ACCEPT = plain('accept');
const DROP = plain('drop');
const RETURN = plain('return');
const QUEUE = plain('queue');
const UNKNOWN = plain('unknown');
const CONTINUE = plain('continue');
const STOLEN = plain('stolen');
const BREAK = plain('break');
const JUMP = plain('jump');
const GOTO = plain('goto');

/** nft verdict text s[a, b) (`accept`, `jump KUBE-SVC-X`, `unknown verdict value 5`): the first word decides. */
export function nftVerdictAt(s: string, a: number, b: number): VerdictInfo {
  let sp = s.indexOf(' ', a);
  if (sp < 0 || sp >= b) sp = -1;
  const wordE = sp < 0 ? b : sp;
  const known = wordAt(WORDS, s, a, wordE);
  if ((known === JUMP || known === GOTO) && sp >= 0) {
    let end = s.indexOf(' ', sp + 1);
    if (end < 0 || end > b) end = b;
    if (end > sp + 1) return { verdict: known.verdict, target: s.slice(sp + 1, end) };
  }
  return known ?? UNKNOWN;
}

/** nft verdict text (`accept`, `jump KUBE-SVC-X`, `unknown verdict value 5`): the first word decides. */
export function nftVerdict(text: string): VerdictInfo {
  return nftVerdictAt(text, 0, text.length);
}

/** The verdict words both readers print: nft in lower case, xtables-monitor (print_verdict) in upper case. */
const WORDS: readonly (readonly [string, VerdictInfo])[] = [
  ['drop', DROP],
  ['jump', JUMP],
  ['goto', GOTO],
  ['queue', QUEUE],
  ['break', BREAK],
  ['accept', ACCEPT],
  ['return', RETURN],
  ['stolen', STOLEN],
  ['continue', CONTINUE],
];
const UPPER_WORDS = WORDS.map(([w, v]) => [w.toUpperCase(), v] as const);

/** The verdict word s[a, b) in the given table, without allocating; undefined when it is none. */
function wordAt(words: typeof WORDS, s: string, a: number, b: number): VerdictInfo | undefined {
  for (const [w, v] of words) if (w.length === b - a && same(s, a, w)) return v;
  return undefined;
}

/** xtables-monitor verdict word s[a, b) (`ACCEPT`, `JUMP:X`, `GOTO:X`, `0xfffffffb`). */
export function xtablesVerdictAt(s: string, a: number, b: number): VerdictInfo {
  const known = wordAt(UPPER_WORDS, s, a, b);
  if (known !== undefined) return known;
  if (b - a > 5 && s.charCodeAt(a + 4) === 58 && (same(s, a, 'JUMP') || same(s, a, 'GOTO'))) {
    return { verdict: s.charCodeAt(a) === 74 ? 'jump' : 'goto', target: s.slice(a + 5, b) };
  }
  return b - a >= 2 && same(s, a, '0x') ? hexVerdict(parseHex(s, a, b)) : UNKNOWN;
}

/** xtables-monitor verdict word (`ACCEPT`, `JUMP:X`, `GOTO:X`, `0xfffffffb`). */
export function xtablesVerdict(word: string): VerdictInfo {
  return xtablesVerdictAt(word, 0, word.length);
}

/** print_verdict falls back to raw `0x%x` for codes it has no word for. */
function hexVerdict(code: number): VerdictInfo {
  // NFT_RETURN is -5: an explicit `-j RETURN` prints as 0xfffffffb.
  if (code === 0xfffffffb) return RETURN;
  // NF_QUEUE_NR(n) = (n << 16) | NF_QUEUE; NF_DROP_ERR(e) = (e << 16) | NF_DROP.
  if (code > 0xffff && code < 0x80000000) {
    if ((code & 0xff) === 3) return QUEUE;
    if ((code & 0xff) === 0) return DROP;
  }
  return UNKNOWN;
}
