// One line of `xtables-monitor --trace` (iptables-nft 1.8.x) → ParseOutcome(s).
// `PACKET: <fam> <id> KEY=VAL...` and ` TRACE: <fam> <id> <table>:<chain>:(rule:0x<h>:<V>  <text>|policy:<V>|return:[c])`;
// 1.8.11 glues records of inet tables onto one line, so a line may hold several. Pure; no I/O; never throws.
// Bounded caches (PACKET: bodies, TRACE templates) are the only state: see packet-memo.ts, step-template.ts.
import type { Family } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import type { ParseOutcome } from '../model/parse.js';
import { parseHashLine, parseXtablesError } from './diagnostics.js';
import { same } from './log-keys.js';
import { parseLogFields } from './log-fields.js';
import { digitRun, parseHex, parseUint } from './num.js';
import { eventsOf, ignored, oneEvent, unparsed, XTABLES_RULESET_EVENT } from './outcome.js';
import { PacketMemo } from './packet-memo.js';
import { RecentId } from './recent-id.js';
import { isStep, StepTemplates, type StepEvent } from './step-template.js';
import { xtablesRuleText } from './xtables-text.js';
import { xtablesVerdictAt } from './verdict.js';

/** nfproto numbers xtables-monitor prints for the table family, by number. */
const FAMILY_OF: readonly (Family | undefined)[] = [
  undefined,
  'inet',
  'ip',
  'arp',
  undefined,
  'netdev',
  undefined,
  'bridge',
  undefined,
  undefined,
  'ip6',
];

function familyOf(fam: number): Family | undefined {
  return fam >= 0 && fam < FAMILY_OF.length ? FAMILY_OF[fam] : undefined;
}

/** All records on the line as one outcome (events of the records that parsed, else the first failure). */
export function parseXtablesLine(line: string): ParseOutcome {
  const outs = parseXtablesRecords(line);
  if (outs.length === 1) return outs[0] ?? unparsed('xtables: empty', line);
  const events = outs.flatMap((o) => (o.kind === 'events' ? o.events : []));
  return events.length > 0 ? eventsOf('xtables', events) : (outs[0] ?? unparsed('xtables: empty', line));
}

/** One outcome per record on the line (usually one; several when xtables-monitor glued them). */
export function parseXtablesRecords(line: string): ParseOutcome[] {
  if (!(recordAt(line, 0, 8) || recordAt(line, 0, 7))) return [nonRecord(line)];
  // A TRACE record seen before that fills the line: a template's text holds no other record, so neither does the
  // line (no need to look for glued records).
  const known = line.charCodeAt(0) === 80 ? null : knownTrace(line);
  if (known !== null) return [oneEvent('xtables', known)];
  let next = nextRecord(line, 8);
  if (next === line.length) return [record(line, 0, next)]; // one record: the usual case
  const out: ParseOutcome[] = [];
  for (let start = 0; ;) {
    out.push(record(line, start, next));
    if (next >= line.length) return out;
    start = next;
    next = nextRecord(line, start + 8);
  }
}

/** Whether a record marker (`PACKET: `, ` TRACE: `, or `TRACE: ` at 0) followed by `<fam> <hex> ` is at i. */
function recordAt(s: string, i: number, len: number): boolean {
  const marker = len === 8 ? markerAt(s, i) : i === 0 && s.startsWith('TRACE: ');
  if (!marker) return false;
  const run = digitRun(s, i + len, i + len + 4);
  return run > 0 && s.charCodeAt(i + len + run) === 32 && s.indexOf(' ', i + len + run + 1) > i + len + run + 1;
}

/** `PACKET: ` or ` TRACE: ` at i (char codes: cheaper than two startsWith calls on every line). */
export function markerAt(s: string, i: number): boolean {
  if (s.charCodeAt(i + 6) !== 58 || s.charCodeAt(i + 7) !== 32) return false;
  const c = s.charCodeAt(i);
  if (c === 32) {
    return (
      s.charCodeAt(i + 1) === 84 &&
      s.charCodeAt(i + 2) === 82 &&
      s.charCodeAt(i + 3) === 65 &&
      s.charCodeAt(i + 4) === 67 &&
      s.charCodeAt(i + 5) === 69
    );
  }
  return (
    c === 80 &&
    s.charCodeAt(i + 1) === 65 &&
    s.charCodeAt(i + 2) === 67 &&
    s.charCodeAt(i + 3) === 75 &&
    s.charCodeAt(i + 4) === 69 &&
    s.charCodeAt(i + 5) === 84
  );
}

/** Start of the next glued record after `from`, or the line length. */
function nextRecord(s: string, from: number): number {
  // Both markers, `PACKET: ` and ` TRACE: `, are 6 characters then `: `: one search finds the candidates of either.
  for (let q = s.indexOf(': ', from + 6); q >= 0; q = s.indexOf(': ', q + 1)) {
    const at = q - 6;
    if (recordAt(s, at, 8)) return at;
  }
  return s.length;
}

/** Lines of one packet repeat its `PACKET:` body once per base chain: they share one frozen PacketInfo. */
const packets = new PacketMemo();
const templates = new StepTemplates();
const ids = new RecentId();

/** The event of a line that is one TRACE record whose text is a template's, else null. */
function knownTrace(line: string): StepEvent | null {
  const end = line.length;
  const head = line.charCodeAt(0) === 84 ? 7 : 8;
  const famE = line.indexOf(' ', head);
  const idE = line.indexOf(' ', famE + 1);
  if (idE < 0 || idE >= end || parseHex(line, famE + 1, idE) < 0) return null;
  const family = familyOf(parseUint(line, head, famE));
  return family === undefined ? null : templates.getAt(line, idE + 1, end, ids.at(line, famE + 1, idE), family);
}

function record(line: string, start: number, end: number): ParseOutcome {
  const head = line.charCodeAt(start) === 84 ? start + 7 : start + 8; // `TRACE: ` at 0, else `PACKET: ` / ` TRACE: `
  const famE = line.indexOf(' ', head);
  const idE = line.indexOf(' ', famE + 1);
  const fam = parseUint(line, head, famE);
  const idEnd = idE > 0 && idE < end ? idE : end;
  if (parseHex(line, famE + 1, idEnd) < 0) return unparsed('xtables: trace id is not hex', line.slice(start, end));
  const traceId = ids.at(line, famE + 1, idEnd);
  const rest = idE > 0 && idE < end ? idE + 1 : end;
  if (line.charCodeAt(start) === 80) {
    const text = line.slice(rest, end);
    const packet = packets.get(text) ?? packets.put(text, parseLogFields(line, rest, end));
    // PACKET's family is the table's; xtables-monitor < 1.8.7 printed 0 there (commit 946923b6).
    const family =
      familyOf(fam) ??
      (fam === 0 ? (packet.ipVersion === 6 ? 'ip6' : packet.ipVersion === 4 ? 'ip' : 'inet') : undefined);
    if (family === undefined) return unparsed(`xtables: unknown family ${fam}`, line.slice(start, end));
    return oneEvent('xtables', { kind: 'packet', source: 'xtables', traceId, family, table: '', chain: '', packet });
  }
  const family = familyOf(fam);
  if (family === undefined) return unparsed(`xtables: unknown family ${fam}`, line.slice(start, end));
  // A TRACE record seen before for another packet (same family, same text after the trace id).
  const known = templates.getAt(line, rest, end, traceId, family);
  if (known !== null) return oneEvent('xtables', known);
  const ev = trace(line, rest, end, traceId, family);
  if (typeof ev === 'string') return unparsed(ev, line.slice(start, end));
  if (isStep(ev)) templates.put(line.slice(rest, end), ev);
  return oneEvent('xtables', ev);
}

/** `<table>:<chain>:rule:0x<h>:<VERDICT>  <text>` | `:policy:<VERDICT>` | `:return:[<chain>]`. */
function trace(s: string, at: number, end: number, traceId: string, family: Family): TraceEvent | string {
  let specE = s.indexOf(' ', at);
  if (specE < 0 || specE > end) specE = end;
  const tabE = s.indexOf(':', at);
  if (tabE < 0 || tabE >= specE) return 'xtables: TRACE without table:chain';
  // The chain ends at the first `:rule:0x`, `:policy:` or `:return:` inside the spec (chain names may hold ':').
  let m = -1;
  let kind = 0;
  for (let c = s.indexOf(':', tabE + 2); c >= 0 && c + 8 <= specE; c = s.indexOf(':', c + 1)) {
    kind = same(s, c, ':rule:0x') ? 1 : same(s, c, ':policy:') ? 2 : same(s, c, ':return:') ? 3 : 0;
    if (kind !== 0) {
      m = c;
      break;
    }
  }
  if (m < 0) return 'xtables: TRACE without rule/policy/return';
  const table = s.slice(at, tabE);
  const chain = s.slice(tabE + 1, m);
  if (kind === 2) {
    const verdict = xtablesVerdictAt(s, m + 8, specE).verdict;
    return { kind: 'policy', source: 'xtables', traceId, family, table, chain, verdict };
  }
  if (kind === 3) {
    const target = specE > m + 8 ? s.slice(m + 8, specE) : null;
    return { kind: 'return', source: 'xtables', traceId, family, table, chain, verdict: 'return', target };
  }
  let hE = s.indexOf(':', m + 8);
  if (hE >= specE) hE = -1;
  const handle = parseHex(s, m + 8, hE < 0 ? specE : hE);
  if (hE < 0 || handle < 0) return 'xtables: malformed rule handle';
  const v = xtablesVerdictAt(s, hE + 1, specE);
  const text = xtablesRuleText(s, specE, end);
  return {
    kind: 'rule',
    source: 'xtables',
    traceId,
    family,
    table,
    chain,
    handle,
    text,
    verdict: v.verdict,
    target: v.target,
  };
}

function nonRecord(line: string): ParseOutcome {
  if (line.trim() === '') return ignored('blank line');
  if (line.startsWith(' EVENT:') || line.startsWith('EVENT:')) return ignored(XTABLES_RULESET_EVENT);
  if (line.startsWith('NEWGEN: ')) return ignored('xtables-monitor generation event');
  if (line.charCodeAt(0) === 35) return parseHashLine(line, 'xtables');
  return parseXtablesError(line) ?? unparsed('xtables: not a PACKET:/TRACE: line', line);
}
