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
  const known = nftWordAt(s, a, wordE);
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

/** The lower-case verdict word s[a, b) without allocating; undefined when it is none. */
function nftWordAt(s: string, a: number, b: number): VerdictInfo | undefined {
  switch (b - a) {
    case 4:
      return same(s, a, 'drop') ? DROP : same(s, a, 'jump') ? JUMP : same(s, a, 'goto') ? GOTO : undefined;
    case 5:
      return same(s, a, 'queue') ? QUEUE : same(s, a, 'break') ? BREAK : undefined;
    case 6:
      return same(s, a, 'accept') ? ACCEPT : same(s, a, 'return') ? RETURN : same(s, a, 'stolen') ? STOLEN : undefined;
    case 8:
      return same(s, a, 'continue') ? CONTINUE : undefined;
    default:
      return undefined;
  }
}

/** xtables-monitor verdict word s[a, b) (`ACCEPT`, `JUMP:X`, `GOTO:X`, `0xfffffffb`). */
export function xtablesVerdictAt(s: string, a: number, b: number): VerdictInfo {
  const known = xtWordAt(s, a, b);
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

/** The upper-case words xtables-monitor prints (print_verdict) without allocating; undefined when it is none. */
function xtWordAt(s: string, a: number, b: number): VerdictInfo | undefined {
  switch (b - a) {
    case 4:
      return same(s, a, 'DROP') ? DROP : same(s, a, 'JUMP') ? JUMP : same(s, a, 'GOTO') ? GOTO : undefined;
    case 5:
      return same(s, a, 'QUEUE') ? QUEUE : same(s, a, 'BREAK') ? BREAK : undefined;
    case 6:
      return same(s, a, 'ACCEPT') ? ACCEPT : same(s, a, 'RETURN') ? RETURN : same(s, a, 'STOLEN') ? STOLEN : undefined;
    case 8:
      return same(s, a, 'CONTINUE') ? CONTINUE : undefined;
    default:
      return undefined;
  }
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
