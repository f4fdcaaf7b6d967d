// JSON kernel-log records: journald `-o json` (`MESSAGE` string or byte array) and ulogd's JSON output
// (`oob.prefix` + decoded fields) → a `log-step` event. Pure; no I/O; never throws.
import type { Hook } from '../model/common.js';
import type { ParseOutcome } from '../model/parse.js';
import { normalizeIp, normalizeMac } from './addr.js';
import { parseLogFields } from './log-fields.js';
import { ignored, oneEvent, unparsed } from './outcome.js';
import { protoOf } from './proto.js';
import { PacketBuilder } from './packet-builder.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from './tcp-flags.js';
import { isoFromMicros } from './time.js';
import { logStep, parseTracePrefix } from './trace-prefix.js';

type Obj = Record<string, unknown>;
const HOOKS: readonly Hook[] = ['prerouting', 'input', 'forward', 'output', 'postrouting'];

export function parseKernlogJson(line: string): ParseOutcome {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return unparsed('kernlog: invalid JSON', line);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    return unparsed('kernlog: JSON is not an object', line);
  const o = obj as Obj;
  if (typeof o['oob.prefix'] === 'string') return ulogd(o, o['oob.prefix'], line);
  if ('MESSAGE' in o) return journald(o, line);
  return unparsed('kernlog: JSON is neither a journald nor a ulogd record', line);
}

function journald(o: Obj, line: string): ParseOutcome {
  const m = o['MESSAGE'];
  // journald stores messages with non-UTF-8 or control bytes as an array of byte values.
  const msg = typeof m === 'string' ? m : Array.isArray(m) ? decodeBytes(m) : null;
  if (msg === null) return unparsed('kernlog: journald MESSAGE is neither text nor bytes', line);
  const t = msg.indexOf('TRACE: ');
  if (t < 0) return ignored('journald record without a TRACE record');
  const prefix = parseTracePrefix(msg, t + 7);
  if (typeof prefix === 'string') return unparsed(prefix, line);
  const time = isoFromMicros(num(o['__REALTIME_TIMESTAMP']));
  const mono = num(o['_SOURCE_MONOTONIC_TIMESTAMP']);
  const uptime = mono >= 0 ? mono / 1e6 : null;
  return oneEvent('kernlog', logStep(prefix, parseLogFields(msg, prefix.end), time, uptime, null));
}

function decodeBytes(a: unknown[]): string | null {
  if (!a.every((b) => typeof b === 'number' && b >= 0 && b <= 255)) return null;
  return new TextDecoder().decode(Uint8Array.from(a as number[]));
}

function ulogd(o: Obj, prefixText: string, line: string): ParseOutcome {
  if (!prefixText.startsWith('TRACE: ')) return ignored('ulogd record without a TRACE prefix');
  const prefix = parseTracePrefix(prefixText, 7);
  if (typeof prefix === 'string') return unparsed(prefix, line);
  const p = new PacketBuilder();
  p.iif = str(o['oob.in']);
  p.oif = str(o['oob.out']);
  const src = str(o['src_ip']);
  const dst = str(o['dest_ip']);
  p.src = src === null ? null : normalizeIp(src);
  p.dst = dst === null ? null : normalizeIp(dst);
  const fam = num(o['oob.family']);
  const v6 = fam === 10 || (fam !== 2 && (src ?? '').includes(':'));
  if (p.src !== null || p.dst !== null || fam === 2 || fam === 10) p.ipVersion = v6 ? 6 : 4;
  const l4 = num(o['ip.protocol']);
  p.proto = l4 >= 0 ? (protoOf(String(l4)) ?? null) : null;
  p.sport = num(o['src_port']);
  p.dport = num(o['dest_port']);
  // Same LEN as the kernel LOG line prints: IPv6 payload + 40-byte header.
  const plen = num(o['ip6.payloadlen']);
  p.len = v6 ? (plen >= 0 ? plen + 40 : -1) : num(o['ip.totlen']);
  p.ttl = num(v6 ? o['ip6.hoplimit'] : o['ip.ttl']);
  if (v6) p.flowLabel = num(o['ip6.flowlabel']);
  else p.ipId = num(o['ip.id']);
  if (p.proto === 'tcp') {
    p.tcpBits = tcpBits(o);
    p.tcpSeq = num(o['tcp.seq']);
  }
  const icmp = p.proto === 'icmpv6' ? 'icmpv6' : 'icmp';
  p.icmpType = num(o[`${icmp}.type`]);
  p.icmpCode = num(o[`${icmp}.code`]);
  p.icmpId = num(o[`${icmp}.echoid`]);
  p.icmpSeq = num(o[`${icmp}.echoseq`]);
  p.mark = Math.max(0, num(o['oob.mark']));
  const macSrc = str(o['mac.saddr.str']);
  const macDst = str(o['mac.daddr.str']);
  p.macSrc = macSrc === null ? null : normalizeMac(macSrc);
  p.macDst = macDst === null ? null : normalizeMac(macDst);
  const hook = HOOKS[num(o['oob.hook'])] ?? null;
  return oneEvent('kernlog', logStep(prefix, p.take(), ulogdTime(o), null, hook));
}

function tcpBits(o: Obj): number {
  let bits = 0;
  if (num(o['tcp.syn']) > 0) bits |= TCP_SYN;
  if (num(o['tcp.ack']) > 0) bits |= TCP_ACK;
  if (num(o['tcp.fin']) > 0) bits |= TCP_FIN;
  if (num(o['tcp.rst']) > 0) bits |= TCP_RST;
  if (num(o['tcp.psh']) > 0) bits |= TCP_PSH;
  if (num(o['tcp.urg']) > 0) bits |= TCP_URG;
  return bits;
}

/** oob.time.sec/usec (UTC epoch) when present; else the local `timestamp`, taken as UTC. */
function ulogdTime(o: Obj): string | null {
  const sec = num(o['oob.time.sec']);
  if (sec >= 0) return isoFromMicros(sec * 1e6 + Math.max(0, num(o['oob.time.usec'])));
  const ts = o['timestamp'];
  return typeof ts === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/.test(ts) ? `${ts}Z` : null;
}

/** A non-negative integer from a JSON number or decimal string; -1 otherwise. */
function num(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,17}$/.test(v) ? Number(v) : -1;
  return Number.isSafeInteger(n) && n >= 0 ? n : -1;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
