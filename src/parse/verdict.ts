// Verdict words of nft (`accept`, `jump X`) and xtables-monitor (`ACCEPT`, `JUMP:X`, raw hex) → StepVerdict.
// Pure; no I/O.
import type { StepVerdict } from '../model/common.js';
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

/** Lower-case words nft prints (datatype.c verdict_type_print); jump/goto without a chain too. */
const NFT_WORDS = new Map<string, VerdictInfo>([
  ['continue', plain('continue')],
  ['accept', ACCEPT],
  ['drop', DROP],
  ['return', RETURN],
  ['queue', QUEUE],
  ['stolen', plain('stolen')],
  ['break', plain('break')],
  ['jump', plain('jump')],
  ['goto', plain('goto')],
]);

/** Upper-case words xtables-monitor prints (print_verdict). */
const XT_WORDS = new Map<string, VerdictInfo>([
  ['ACCEPT', ACCEPT],
  ['DROP', DROP],
  ['QUEUE', QUEUE],
  ['STOLEN', plain('stolen')],
  ['BREAK', plain('break')],
  ['CONTINUE', plain('continue')],
  ['RETURN', RETURN],
  ['JUMP', plain('jump')],
  ['GOTO', plain('goto')],
]);

/** nft verdict text (`accept`, `jump KUBE-SVC-X`, `unknown verdict value 5`): the first word decides. */
export function nftVerdict(text: string): VerdictInfo {
  const sp = text.indexOf(' ');
  const word = sp < 0 ? text : text.slice(0, sp);
  if ((word === 'jump' || word === 'goto') && sp > 0) {
    const end = text.indexOf(' ', sp + 1);
    const target = end < 0 ? text.slice(sp + 1) : text.slice(sp + 1, end);
    if (target !== '') return { verdict: word, target };
  }
  return NFT_WORDS.get(word) ?? UNKNOWN;
}

/** xtables-monitor verdict word (`ACCEPT`, `JUMP:X`, `GOTO:X`, `0xfffffffb`). */
export function xtablesVerdict(word: string): VerdictInfo {
  const known = XT_WORDS.get(word);
  if (known !== undefined) return known;
  if (word.length > 5 && word.charCodeAt(4) === 58 && (word.startsWith('JUMP') || word.startsWith('GOTO'))) {
    return { verdict: word.charCodeAt(0) === 74 ? 'jump' : 'goto', target: word.slice(5) };
  }
  return word.startsWith('0x') ? hexVerdict(parseHex(word, 0, word.length)) : UNKNOWN;
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
