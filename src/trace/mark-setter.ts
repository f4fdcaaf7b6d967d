// Which step set the packet mark a deciding rule tests (Calico's policies MARK 0x10000 and a later rule accepts on
// that mark; the rule that really let the packet through is the one that set it). Pure; no I/O.
import type { TraceStep } from '../model/trace.js';

/** What a rule's match on the mark wants: `mark & mask == value`. */
interface MarkTest {
  readonly value: number;
  readonly mask: number;
}

/** What a rule does to the mark: `mark = (mark & and) ^ xor` (every MARK and `meta mark set` form is one). */
interface MarkEffect {
  readonly and: number;
  readonly xor: number;
}

const NUM = '(0x[0-9a-fA-F]+|\\d+)';
const IPT_TEST = new RegExp(`-m mark (!\\s+)?--mark ${NUM}(?:/${NUM})?`);
const NFT_TEST = new RegExp(`\\bmeta mark & ${NUM} (==|!=) ${NUM}|(?<!ct )\\b(?:meta )?mark (!= )?${NUM}(?![\\w&])`);
const IPT_SET = new RegExp(`-j MARK --(set-xmark|set-mark|or-mark|and-mark|xor-mark) ${NUM}(?:/${NUM})?`);
const NFT_SET = new RegExp(`\\bmeta mark set (?:mark (and|or|xor) ${NUM}(?: xor ${NUM})?|${NUM}(?!\\S))`);
const ALL = 0xffffffff;

const num = (s: string | undefined): number => (s === undefined ? ALL : Number(s) >>> 0);

/** The mark a rule's text tests for equality; null for none, or a negated test. */
export function markTest(text: string): MarkTest | null {
  const ipt = IPT_TEST.exec(text);
  if (ipt) return ipt[1] !== undefined ? null : { value: num(ipt[2]), mask: num(ipt[3]) };
  const nft = NFT_TEST.exec(text.replace(/\bmeta mark set\b.*/, ''));
  if (nft === null) return null;
  if (nft[1] !== undefined) return nft[2] === '!=' ? null : { value: num(nft[3]), mask: num(nft[1]) };
  return nft[4] !== undefined ? null : { value: num(nft[5]), mask: ALL };
}

/** What a rule's text does to the mark; null when it does not set it. */
export function markEffect(text: string): MarkEffect | null {
  const ipt = IPT_SET.exec(text);
  if (ipt) {
    const value = num(ipt[2]);
    switch (ipt[1]) {
      case 'set-xmark':
      case 'set-mark': {
        const mask = ipt[3] === undefined ? ALL : num(ipt[3]);
        return { and: ~mask >>> 0, xor: value };
      }
      case 'or-mark':
        return { and: ~value >>> 0, xor: value };
      case 'and-mark':
        return { and: value, xor: 0 };
      case 'xor-mark':
      case undefined:
        return { and: ALL, xor: value };
    }
  }
  const nft = NFT_SET.exec(text);
  if (nft === null) return null;
  if (nft[4] !== undefined) return { and: 0, xor: num(nft[4]) };
  const v = num(nft[2]);
  if (nft[1] === 'and') return { and: v, xor: nft[3] === undefined ? 0 : num(nft[3]) };
  return nft[1] === 'or' ? { and: ~v >>> 0, xor: v } : { and: ALL, xor: v };
}

/**
 * Index of the step that set the mark step `decided`'s rule tests, or -1: the last rule before it that wrote the
 * tested bits, when it wrote all of them and wrote the value tested (else no one step can be named).
 */
export function markSetter(steps: readonly TraceStep[], decided: number): number {
  const text = steps[decided]?.rule?.text;
  const test = text == null ? null : markTest(text);
  if (test === null || test.mask === 0) return -1;
  for (let i = decided - 1; i >= 0; i--) {
    const s = steps[i]!;
    const effect = s.kind === 'rule' && s.rule?.text != null ? markEffect(s.rule.text) : null;
    if (effect === null) continue;
    const written = ~effect.and >>> 0;
    if ((written & test.mask) === 0) continue;
    const whole = (written & test.mask) >>> 0 === test.mask >>> 0;
    return whole && (effect.xor & test.mask) >>> 0 === (test.value & test.mask) >>> 0 ? i : -1;
  }
  return -1;
}
