// One line of `xtables-monitor --trace` (iptables-nft 1.8.x) → ParseOutcome(s).
// `PACKET: <fam> <id> KEY=VAL...` and ` TRACE: <fam> <id> <table>:<chain>:(rule:0x<h>:<V>  <text>|policy:<V>|return:[c])`;
// 1.8.11 glues records of inet tables onto one line, so a line may hold several. Pure; no I/O; never throws.
import type { Family } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import type { ParseOutcome } from '../model/parse.js';
import { parseHashLine, parseXtablesError } from './diagnostics.js';
import { parseLogFields } from './log-fields.js';
import { digitRun, parseHex, parseUint } from './num.js';
import { eventsOf, ignored, oneEvent, unparsed } from './outcome.js';
import { xtablesRuleText } from './xtables-text.js';
import { xtablesVerdict } from './verdict.js';

/** nfproto numbers xtables-monitor prints for the table family. */
const FAMILIES = new Map<number, Family>([
  [1, 'inet'],
  [2, 'ip'],
  [3, 'arp'],
  [5, 'netdev'],
  [7, 'bridge'],
  [10, 'ip6'],
]);

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
  const out: ParseOutcome[] = [];
  let start = 0;
  while (start < line.length) {
    const next = nextRecord(line, start + 8);
    out.push(record(line, start, next));
    start = next;
  }
  return out;
}

/** Whether a record marker (`PACKET: `, ` TRACE: `, or `TRACE: ` at 0) followed by `<fam> <hex> ` is at i. */
function recordAt(s: string, i: number, len: number): boolean {
  const marker =
    len === 8 ? s.startsWith('PACKET: ', i) || s.startsWith(' TRACE: ', i) : i === 0 && s.startsWith('TRACE: ');
  if (!marker) return false;
  const run = digitRun(s, i + len, i + len + 4);
  return run > 0 && s.charCodeAt(i + len + run) === 32 && s.indexOf(' ', i + len + run + 1) > i + len + run + 1;
}

/** Start of the next glued record after `from`, or the line length. */
function nextRecord(s: string, from: number): number {
  for (let i = from; ;) {
    const a = s.indexOf('PACKET: ', i);
    const b = s.indexOf(' TRACE: ', i);
    const at = a < 0 ? b : b < 0 ? a : Math.min(a, b);
    if (at < 0) return s.length;
    if (recordAt(s, at, 8)) return at;
    i = at + 1;
  }
}

function record(line: string, start: number, end: number): ParseOutcome {
  const head = line.charCodeAt(start) === 84 ? start + 7 : start + 8; // `TRACE: ` at 0, else `PACKET: ` / ` TRACE: `
  const famE = line.indexOf(' ', head);
  const idE = line.indexOf(' ', famE + 1);
  const fam = parseUint(line, head, famE);
  const traceId = line.slice(famE + 1, idE > 0 && idE < end ? idE : end);
  const seg = (): string => line.slice(start, end);
  if (parseHex(traceId, 0, traceId.length) < 0) return unparsed('xtables: trace id is not hex', seg());
  const rest = idE > 0 && idE < end ? idE + 1 : end;
  if (line.charCodeAt(start) === 80) {
    const packet = parseLogFields(line, rest, end);
    // PACKET's family is the table's; xtables-monitor < 1.8.7 printed 0 there (commit 946923b6).
    const family =
      FAMILIES.get(fam) ??
      (fam === 0 ? (packet.ipVersion === 6 ? 'ip6' : packet.ipVersion === 4 ? 'ip' : 'inet') : undefined);
    if (family === undefined) return unparsed(`xtables: unknown family ${fam}`, seg());
    return oneEvent('xtables', { kind: 'packet', source: 'xtables', traceId, family, table: '', chain: '', packet });
  }
  const family = FAMILIES.get(fam);
  if (family === undefined) return unparsed(`xtables: unknown family ${fam}`, seg());
  const ev = trace(line, rest, end, traceId, family);
  return typeof ev === 'string' ? unparsed(ev, seg()) : oneEvent('xtables', ev);
}

/** `<table>:<chain>:rule:0x<h>:<VERDICT>  <text>` | `:policy:<VERDICT>` | `:return:[<chain>]`. */
function trace(s: string, at: number, end: number, traceId: string, family: Family): TraceEvent | string {
  let specE = s.indexOf(' ', at);
  if (specE < 0 || specE > end) specE = end;
  const tabE = s.indexOf(':', at);
  if (tabE < 0 || tabE >= specE) return 'xtables: TRACE without table:chain';
  const spec = s.slice(tabE + 1, specE);
  const r = spec.indexOf(':rule:0x', 1);
  const p = spec.indexOf(':policy:', 1);
  const q = spec.indexOf(':return:', 1);
  const m = Math.min(r < 0 ? Infinity : r, p < 0 ? Infinity : p, q < 0 ? Infinity : q);
  if (m === Infinity) return 'xtables: TRACE without rule/policy/return';
  const base = { source: 'xtables' as const, traceId, family, table: s.slice(at, tabE), chain: spec.slice(0, m) };
  if (m === p) return { kind: 'policy', ...base, verdict: xtablesVerdict(spec.slice(m + 8)).verdict };
  if (m === q)
    return { kind: 'return', ...base, verdict: 'return', target: spec.length > m + 8 ? spec.slice(m + 8) : null };
  const hE = spec.indexOf(':', m + 8);
  const handle = parseHex(spec, m + 8, hE < 0 ? spec.length : hE);
  if (hE < 0 || handle < 0) return 'xtables: malformed rule handle';
  const v = xtablesVerdict(spec.slice(hE + 1));
  return { kind: 'rule', ...base, handle, text: xtablesRuleText(s, specE, end), verdict: v.verdict, target: v.target };
}

function nonRecord(line: string): ParseOutcome {
  if (line.trim() === '') return ignored('blank line');
  if (line.startsWith(' EVENT:') || line.startsWith('EVENT:')) return ignored('xtables-monitor ruleset event');
  if (line.startsWith('NEWGEN: ')) return ignored('xtables-monitor generation event');
  if (line.charCodeAt(0) === 35) return parseHashLine(line, 'xtables');
  return parseXtablesError(line) ?? unparsed('xtables: not a PACKET:/TRACE: line', line);
}
