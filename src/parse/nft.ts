// One line of `nft monitor trace` (also `-a`, `-nn`, and plain `nft monitor`) → ParseOutcome.
// Header `trace id <hex> <family> <table> <chain> ` then packet: | rule | unknown rule handle | verdict | policy | conntrack:.
// Pure; no I/O; never throws.
import type { Family } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import type { ParseOutcome } from '../model/parse.js';
import { parseHashLine } from './diagnostics.js';
import { parseNftPacket } from './nft-packet.js';
import { digitRun, parseUint } from './num.js';
import { ignored, oneEvent, unparsed } from './outcome.js';
import { nftVerdict } from './verdict.js';

const FAMILIES = new Map<string, Family>([
  ['ip', 'ip'],
  ['ip6', 'ip6'],
  ['inet', 'inet'],
  ['arp', 'arp'],
  ['bridge', 'bridge'],
  ['netdev', 'netdev'],
]);

/** First words of the ruleset events `nft monitor` interleaves with trace lines. */
const RULESET_EVENTS = new Set(['add', 'insert', 'delete', 'replace', 'destroy', 'flush', 'reset', 'rename', 'update']);

interface Header {
  readonly source: 'nft';
  readonly traceId: string;
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
}

export function parseNftLine(line: string): ParseOutcome {
  if (!line.startsWith('trace id ')) return nonTrace(line);
  const n = line.length;
  const idE = line.indexOf(' ', 9);
  const famE = idE < 0 ? -1 : line.indexOf(' ', idE + 1);
  const tabE = famE < 0 ? -1 : line.indexOf(' ', famE + 1);
  if (tabE < 0 || tabE + 1 >= n) return unparsed('nft: truncated trace header', line);
  if (!isHexId(line, 9, idE)) return unparsed('nft: trace id is not hex', line);
  const family = FAMILIES.get(line.slice(idE + 1, famE));
  if (family === undefined) return unparsed(`nft: unknown family "${line.slice(idE + 1, famE)}"`, line);
  // Chain names may contain '/' (kube-proxy) but never a space: the header is the first 5 spaces.
  const chainE = line.indexOf(' ', tabE + 1);
  const h: Header = {
    source: 'nft',
    traceId: line.slice(9, idE),
    family,
    table: line.slice(famE + 1, tabE),
    chain: chainE < 0 ? line.slice(tabE + 1) : line.slice(tabE + 1, chainE),
  };
  const b = chainE < 0 ? n : chainE + 1;
  const ev = body(line, b, h);
  return typeof ev === 'string' ? unparsed(ev, line) : oneEvent('nft', ev);
}

/** The event after the header, or the reason it is not one. */
function body(line: string, b: number, h: Header): TraceEvent | string {
  switch (line.charCodeAt(b)) {
    case 112: // p
      if (line.startsWith('packet:', b)) return { kind: 'packet', ...h, packet: parseNftPacket(line, b + 7) };
      if (line.startsWith('policy ', b))
        return { kind: 'policy', ...h, verdict: nftVerdict(line.slice(b + 7)).verdict };
      break;
    case 114: // r
      if (line.startsWith('rule ', b)) return rule(line, b + 5, h);
      break;
    case 117: // u
      if (line.startsWith('unknown rule handle ', b)) return unknownRule(line, b + 20, h);
      break;
    case 118: // v
      if (line.startsWith('verdict ', b)) {
        // RETURN event of older kernels (`verdict continue|return`); nft <= 0.9.0 printed the policy this way too.
        const v = nftVerdict(line.slice(b + 8));
        return { kind: 'return', ...h, verdict: v.verdict, target: v.target };
      }
      break;
    case 99: // c
      if (line.startsWith('conntrack: ', b)) return conntrack(line, b + 11, h);
      break;
    default:
      // nft <= 0.9.0 printed the policy event with an empty body (commit 78ba4ffd).
      if (line.trimEnd().length <= b) return { kind: 'policy', ...h, verdict: 'unknown' };
  }
  return 'nft: unknown trace record';
}

/** `rule <text>[ # handle N] (verdict <v>)`; text keeps nft's double spaces, only its end is trimmed. */
function rule(line: string, t: number, h: Header): TraceEvent | string {
  const vIdx = line.lastIndexOf(' (verdict ');
  const close = line.lastIndexOf(')');
  if (vIdx < t - 1 || close < vIdx) return 'nft: rule without "(verdict ...)"';
  const v = nftVerdict(line.slice(vIdx + 10, close));
  let textEnd = vIdx;
  let handle: number | null = null;
  const hIdx = vIdx > t ? line.lastIndexOf(' # handle ', vIdx - 1) : -1;
  if (hIdx >= t - 1 && hIdx + 10 < vIdx && digitRun(line, hIdx + 10, vIdx) === vIdx - hIdx - 10) {
    handle = parseUint(line, hIdx + 10, vIdx);
    textEnd = hIdx;
  }
  const text = textEnd > t ? line.slice(t, textEnd).trimEnd() : '';
  return { kind: 'rule', ...h, handle, text, verdict: v.verdict, target: v.target };
}

/** `unknown rule handle N (verdict V)`: the rule was added after nft filled its cache. */
function unknownRule(line: string, at: number, h: Header): TraceEvent | string {
  const run = digitRun(line, at, line.length);
  const vIdx = line.indexOf(' (verdict ', at);
  const close = line.lastIndexOf(')');
  if (run === 0 || vIdx !== at + run || close < vIdx) return 'nft: malformed "unknown rule handle" record';
  const v = nftVerdict(line.slice(vIdx + 10, close));
  return {
    kind: 'rule',
    ...h,
    handle: parseUint(line, at, at + run),
    text: null,
    verdict: v.verdict,
    target: v.target,
  };
}

/** `conntrack: ct direction original ct state new [ct status a,b] ct id N` (nft >= 1.1.4, kernel >= 6.16). */
function conntrack(line: string, at: number, h: Header): TraceEvent {
  const words = line.slice(at).trim().split(' ');
  let direction: string | null = null;
  let state: string | null = null;
  let status: string[] = [];
  let ctId: number | null = null;
  for (let i = 0; i < words.length; i++) {
    if (words[i] !== 'ct') continue;
    const key = words[i + 1];
    const value = words[i + 2] ?? '';
    if (key === 'direction') direction = value;
    else if (key === 'state') state = value;
    else if (key === 'status') status = value.split(',').filter((s) => s !== '');
    else if (key === 'id') {
      const id = parseUint(value, 0, value.length);
      ctId = id >= 0 ? id : null;
    } else continue;
    i += 2;
  }
  return { kind: 'conntrack', ...h, direction, state, status, ctId };
}

function isHexId(s: string, a: number, b: number): boolean {
  if (b - a < 1 || b - a > 16) return false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Lines of `nft monitor` that are not trace records. */
function nonTrace(line: string): ParseOutcome {
  const c = line.charCodeAt(0);
  if (line.trim() === '') return ignored('blank line');
  if (c === 35) return parseHashLine(line, 'nft');
  if (c === 123) return ignored('nft -j monitor JSON event');
  if (line.startsWith('Error: ')) return oneEvent('nft', { kind: 'reader-error', source: 'nft', text: line.trimEnd() });
  const sp = line.indexOf(' ');
  if (sp > 0 && RULESET_EVENTS.has(line.slice(0, sp))) return ignored('nft ruleset event');
  return unparsed('nft: not a "trace id" line', line);
}
