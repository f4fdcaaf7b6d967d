// One line of `nft monitor trace` (also `-a`, `-nn`, and plain `nft monitor`) → ParseOutcome.
// Header `trace id <hex> <family> <table> <chain> ` then packet: | rule | unknown rule handle | verdict | policy | conntrack:.
// Pure; no I/O; never throws. Bounded caches (packet bodies, rule-line templates) are the only state and never
// change an answer: see packet-memo.ts, step-template.ts.
import type { Family, StepVerdict } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import type { PacketInfo } from '../model/packet.js';
import type { ParseOutcome } from '../model/parse.js';
import { parseHashLine } from './diagnostics.js';
import { parseNftPacket } from './nft-packet.js';
import { same } from './log-keys.js';
import { familyAt, isDigit, isHexId, isPacketAt, isTraceIdLine } from './nft-head.js';
import { PacketMemo } from './packet-memo.js';
import { RecentId } from './recent-id.js';
import { lastIndexOfChar, lastIndexOfLit } from './scan.js';
import { isStep, StepTemplates } from './step-template.js';
import { digitRun, parseUint } from './num.js';
import { ignored, NFT_RULESET_EVENT, oneEvent, unparsed } from './outcome.js';
import { nftVerdictAt, type VerdictInfo } from './verdict.js';

/** The reason of a rule line cut before its verdict (line-parser joins the next line when it is the verdict). */
export const NO_VERDICT = 'nft: rule without "(verdict ...)"';

/** First words of the ruleset events `nft monitor` interleaves with trace lines. */
const RULESET_EVENTS = new Set([
  ...['add', 'create', 'insert', 'delete', 'replace', 'destroy', 'flush', 'reset', 'rename', 'update'],
]);

interface Header {
  traceId: string;
  family: Family;
  table: string;
  chain: string;
}

/** The current line's header: one scratch record (parsers are not re-entrant), read into each event's own fields. */
const h: Header = { traceId: '', family: 'ip', table: '', chain: '' };
const packets = new PacketMemo();
const templates = new StepTemplates();
const ids = new RecentId();

export function parseNftLine(line: string): ParseOutcome {
  if (!isTraceIdLine(line)) return nonTrace(line);
  const idE = line.indexOf(' ', 9);
  const famE = idE < 0 ? -1 : line.indexOf(' ', idE + 1);
  const tabE = famE < 0 ? -1 : line.indexOf(' ', famE + 1);
  if (tabE < 0 || tabE + 1 >= line.length) return unparsed('nft: truncated trace header', line);
  // Chain names may contain '/' (kube-proxy) but never a space: the header is the first 5 spaces.
  const chainE = line.indexOf(' ', tabE + 1);
  // A rule / policy / verdict line seen before for another packet (same text after the trace id).
  const step = !(chainE > 0 && isPacketAt(line, chainE + 1));
  const known =
    step && isHexId(line, 9, idE) ? templates.getAt(line, idE + 1, line.length, ids.at(line, 9, idE)) : null;
  if (known !== null) return oneEvent('nft', known);
  const ev = parse(line, idE, famE, tabE, chainE);
  if (typeof ev === 'string') return unparsed(ev, line);
  if (step && isStep(ev)) templates.put(line.slice(idE + 1), ev);
  return oneEvent('nft', ev);
}

/** The event of a `trace id ` line given its header's spaces, or the reason it is not one. */
function parse(line: string, idE: number, famE: number, tabE: number, chainE: number): TraceEvent | string {
  if (!isHexId(line, 9, idE)) return 'nft: trace id is not hex';
  const family = familyAt(line, idE + 1, famE);
  if (family === null) return `nft: unknown family "${line.slice(idE + 1, famE)}"`;
  h.traceId = ids.at(line, 9, idE);
  h.family = family;
  h.table = line.slice(famE + 1, tabE);
  h.chain = chainE < 0 ? line.slice(tabE + 1) : line.slice(tabE + 1, chainE);
  return body(line, chainE < 0 ? line.length : chainE + 1);
}

/** The event after the header, or the reason it is not one. */
function body(line: string, b: number): TraceEvent | string {
  switch (line.charCodeAt(b)) {
    case 112: // p
      if (isPacketAt(line, b)) return packetEvent(packet(line, b + 7));
      if (line.startsWith('policy ', b)) return policyEvent(nftVerdictAt(line, b + 7, line.length).verdict);
      break;
    case 114: // r
      if (line.startsWith('rule ', b)) return rule(line, b + 5);
      break;
    case 117: // u
      if (line.startsWith('unknown rule handle ', b)) return unknownRule(line, b + 20);
      break;
    case 118: // v
      if (line.startsWith('verdict ', b)) {
        // RETURN event of older kernels (`verdict continue|return`); nft <= 0.9.0 printed the policy this way too.
        const v = nftVerdictAt(line, b + 8, line.length);
        return { kind: 'return', source: 'nft', ...header(), verdict: v.verdict, target: v.target };
      }
      break;
    case 99: // c
      if (line.startsWith('conntrack: ', b)) return conntrack(line, b + 11);
      break;
    default:
      // nft <= 0.9.0 printed the policy event with an empty body (commit 78ba4ffd).
      if (line.trimEnd().length <= b) return policyEvent('unknown');
  }
  return 'nft: unknown trace record';
}

/** The packet statements after `packet:`; repeated bodies (one per base chain) share one frozen PacketInfo. */
function packet(line: string, at: number): PacketInfo {
  const text = line.slice(at);
  return packets.get(text) ?? packets.put(text, parseNftPacket(line, at));
}

// Events spell out the header fields (no spread of a header object: object spread is slow on this path).
function packetEvent(p: PacketInfo): TraceEvent {
  return {
    kind: 'packet',
    source: 'nft',
    traceId: h.traceId,
    family: h.family,
    table: h.table,
    chain: h.chain,
    packet: p,
  };
}

function policyEvent(verdict: StepVerdict): TraceEvent {
  return {
    kind: 'policy',
    source: 'nft',
    traceId: h.traceId,
    family: h.family,
    table: h.table,
    chain: h.chain,
    verdict,
  };
}

function ruleEvent(handle: number | null, text: string | null, v: VerdictInfo): TraceEvent {
  return {
    kind: 'rule',
    source: 'nft',
    traceId: h.traceId,
    family: h.family,
    table: h.table,
    chain: h.chain,
    handle,
    text,
    verdict: v.verdict,
    target: v.target,
  };
}

/** A copy of the header, for the rare records built with a spread. */
function header(): Header {
  return { traceId: h.traceId, family: h.family, table: h.table, chain: h.chain };
}

/** `rule <text>[ # handle N] (verdict <v>)`; text keeps nft's double spaces, only its end is trimmed. */
function rule(line: string, t: number): TraceEvent | string {
  const close = lastIndexOfChar(line, 41); // ')'
  const vIdx = lastIndexOfLit(line, ' (verdict ');
  if (vIdx < t - 1 || close < vIdx) return NO_VERDICT;
  const v = nftVerdictAt(line, vIdx + 10, close);
  let textEnd = vIdx;
  let handle: number | null = null;
  // `# handle N` right before the verdict: the digits back from vIdx, then the literal (the last one before vIdx).
  let d = vIdx;
  while (d > t && isDigit(line.charCodeAt(d - 1))) d--;
  const hIdx = d - 10;
  if (vIdx > t && d < vIdx && hIdx >= t - 1 && same(line, hIdx, ' # handle ')) {
    handle = parseUint(line, d, vIdx);
    textEnd = hIdx;
  }
  return ruleEvent(handle, textEnd > t ? line.slice(t, textEnd).trimEnd() : '', v);
}

/** `unknown rule handle N (verdict V)`: the rule was added after nft filled its cache. */
function unknownRule(line: string, at: number): TraceEvent | string {
  const run = digitRun(line, at, line.length);
  const vIdx = line.indexOf(' (verdict ', at);
  const close = lastIndexOfChar(line, 41); // ')'
  if (run === 0 || vIdx !== at + run || close < vIdx) return 'nft: malformed "unknown rule handle" record';
  return ruleEvent(parseUint(line, at, at + run), null, nftVerdictAt(line, vIdx + 10, close));
}

/** `conntrack: ct direction original ct state new [ct status a,b] ct id N` (nft >= 1.1.4, kernel >= 6.16). */
function conntrack(line: string, at: number): TraceEvent {
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
  return { kind: 'conntrack', source: 'nft', ...header(), direction, state, status, ctId };
}

/** Lines of `nft monitor` that are not trace records. */
function nonTrace(line: string): ParseOutcome {
  const c = line.charCodeAt(0);
  if (line.trim() === '') return ignored('blank line');
  if (c === 35) return parseHashLine(line, 'nft');
  if (c === 123) return ignored('nft -j monitor JSON event');
  if (line.startsWith('Error: ')) return oneEvent('nft', { kind: 'reader-error', source: 'nft', text: line.trimEnd() });
  const sp = line.indexOf(' ');
  if (sp > 0 && RULESET_EVENTS.has(line.slice(0, sp))) return ignored(NFT_RULESET_EVENT);
  return unparsed('nft: not a "trace id" line', line);
}
