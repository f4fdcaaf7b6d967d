// One kernel-log line carrying a legacy iptables TRACE record, in any envelope (dmesg, /dev/kmsg, journald, syslog,
// ulogd) → a `log-step` event. Decoys sharing the `TRACE: ` token are `unparsed`. Pure; no I/O; never throws.
// The lines of one packet within a hook repeat its body: a PacketMemo shares one frozen PacketInfo between them.
import type { ParseOutcome } from '../model/parse.js';
import { parseHashLine } from './diagnostics.js';
import { parseEnvelope } from './envelope.js';
import { parseKernlogJson } from './kernlog-json.js';
import { parseLogFields } from './log-fields.js';
import { ignored, oneEvent, unparsed } from './outcome.js';
import { PacketMemo } from './packet-memo.js';
import { logStep, parseTracePrefix } from './trace-prefix.js';

/** Lines of one packet within a hook repeat the same body: they share one frozen PacketInfo. */
const packets = new PacketMemo();

/** A kernel message that is no TRACE record (the log holds every other kernel message too). */
export const NOT_TRACE_RECORD = 'kernel log line without a TRACE record';

export function parseKernlogLine(line: string): ParseOutcome {
  const c = line.charCodeAt(0);
  if (c === 123) return parseKernlogJson(line);
  if (c === 35) return parseHashLine(line, 'kernlog');
  const t = line.indexOf('TRACE: ');
  return t < 0 ? nonTrace(line) : parseKernlogAt(line, t);
}

/** A line not starting with `{` or `#` whose first `TRACE: ` is at t. */
export function parseKernlogAt(line: string, t: number): ParseOutcome {
  const prefix = parseTracePrefix(line, t + 7);
  if (typeof prefix === 'string') return unparsed(prefix, line);
  const env = parseEnvelope(line, t);
  // /dev/kmsg escapes non-printable bytes as \xNN.
  const text = line.slice(prefix.end);
  const packet =
    env.kmsg && line.includes('\\x', prefix.end)
      ? parseLogFields(unescapeKmsg(text), 0)
      : (packets.get(text) ?? packets.put(text, parseLogFields(line, prefix.end)));
  return oneEvent('kernlog', logStep(prefix, packet, env.time, env.uptime, null));
}

/** /dev/kmsg escapes bytes < 0x20, >= 0x7f and `\\` as `\\xNN`; the bytes are UTF-8 (interface names may be). */
function unescapeKmsg(s: string): string {
  const bytes = s.replace(/\\x([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return /[\x80-\xff]/.test(bytes) ? new TextDecoder().decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0))) : bytes;
}

/** Kernel-log lines without a TRACE record. */
function nonTrace(line: string): ParseOutcome {
  if (line.trim() === '') return ignored('blank line');
  const c = line.charCodeAt(0);
  // /dev/kmsg dictionary lines (` SUBSYSTEM=net`) continue the previous record.
  if (c === 32 && /^ [A-Z_]+=/.test(line)) return ignored('kmsg dictionary line');
  const ct = line.indexOf('nf_ct_proto_');
  if (ct >= 0) {
    const logged = conntrackInvalid(line, ct);
    if (logged !== null) return logged;
  }
  if (looksLikeKernelLog(line)) return ignored(NOT_TRACE_RECORD);
  return unparsed('kernlog: no "TRACE: " record', line);
}

/** `nf_ct_proto_6: <why> IN=...`: conntrack's own line about a packet it found INVALID (nf_conntrack_log_invalid). */
const CT_INVALID = /^nf_ct_proto_\d+: (.{1,200}?) IN=/;

function conntrackInvalid(line: string, at: number): ParseOutcome | null {
  const m = CT_INVALID.exec(line.slice(at, at + 260));
  if (m === null) return null;
  const packet = parseLogFields(line, at + m[0].length - 3);
  return oneEvent('kernlog', { kind: 'ct-invalid', source: 'kernlog', reason: m[1]!, packet });
}

function looksLikeKernelLog(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c === 91 || c === 60) return true; // dmesg `[  1.2] `, dmesg -r `<4>`
  if (c >= 48 && c <= 57) return line.indexOf(';') > 0 || line.charCodeAt(4) === 45; // kmsg, ISO stamp
  return line.startsWith('kern ') || line.includes(' kernel: ');
}
