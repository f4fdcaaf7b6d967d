// The legacy `TRACE: <table>:<chain>:<rule|return|policy>:<num> ` prefix and the log-step event built around it.
// Pure; no I/O (a bounded cache of parsed prefixes is the only state).
import type { Hook } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import type { PacketInfo } from '../model/packet.js';
import { same } from './log-keys.js';
import { digitRun, parseUint } from './num.js';
import { intern, TextMemo } from './text-memo.js';

export interface TracePrefix {
  readonly table: string;
  readonly chain: string;
  readonly entry: 'rule' | 'return' | 'policy';
  readonly position: number;
  /** Index just after the number (the body starts after the following space). */
  readonly end: number;
}

/** A chain position without the index where it ended: what the memo keeps. */
type Position = Omit<TracePrefix, 'end'>;

/** Every packet passes the same chain positions: parsed prefixes are kept, keyed by their text. */
const positions = new TextMemo<Position>();

/** Parses s at `at` (just after `TRACE: `); a string is the reason it is not the exact shape (decoys). */
export function parseTracePrefix(s: string, at: number): TracePrefix | string {
  // A valid prefix holds no space and ends at the first one (or the end of s): that text is the key.
  const sp = s.indexOf(' ', at);
  const end = sp < 0 ? s.length : sp;
  const hit = positions.getAt(s, at, end);
  if (hit !== null) return { table: hit.table, chain: hit.chain, entry: hit.entry, position: hit.position, end };
  const p = parse(s, at);
  if (typeof p !== 'string' && p.end === end) {
    const text = s.slice(at, end);
    positions.put(text, { table: intern(p.table), chain: intern(p.chain), entry: p.entry, position: p.position });
  }
  return p;
}

function parse(s: string, at: number): TracePrefix | string {
  const tabE = fieldEnd(s, at);
  if (tabE <= at || s.charCodeAt(tabE) !== 58) return DECOY;
  const chainE = fieldEnd(s, tabE + 1);
  if (chainE <= tabE + 1 || s.charCodeAt(chainE) !== 58) return DECOY;
  const t = chainE + 1;
  const entry = same(s, t, 'rule:')
    ? 'rule'
    : same(s, t, 'return:')
      ? 'return'
      : same(s, t, 'policy:')
        ? 'policy'
        : null;
  if (entry === null) return DECOY;
  const numS = t + entry.length + 1;
  const run = digitRun(s, numS, s.length);
  const after = s.charCodeAt(numS + run);
  if (run === 0 || run > 9 || !(Number.isNaN(after) || after === 32)) return DECOY;
  return {
    table: s.slice(at, tabE),
    chain: s.slice(tabE + 1, chainE),
    entry,
    position: parseUint(s, numS, numS + run),
    end: numS + run,
  };
}

const DECOY = 'kernlog: "TRACE: " not followed by table:chain:(rule|return|policy):N (ebtables/LOG-prefix decoy?)';

/** End of a table or chain name: the next ':' or whitespace. */
function fieldEnd(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 58 || c === 32 || c === 9) return i;
    i++;
  }
  return i;
}

export function logStep(
  p: TracePrefix,
  packet: PacketInfo,
  time: string | null,
  uptime: number | null,
  hook: Hook | null,
): TraceEvent {
  return {
    kind: 'log-step',
    source: 'kernlog',
    family: packet.ipVersion === 6 ? 'ip6' : 'ip',
    table: p.table,
    chain: p.chain,
    entry: p.entry,
    position: p.position,
    packet,
    time,
    uptime,
    hook,
  };
}
