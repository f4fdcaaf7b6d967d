// Renders one nft JSON rule statement (match, counter, verdicts, nat, log, limit, mangle, xt, vmap...)
// as `nft list ruleset` prints it. Pure; no I/O.
import { asList, compact, ctxFor, prop, renderExpr, single, str } from './nft-json-expr.js';

const IMPLICIT_OPS = new Set(['==', 'in']);
const BINOPS = new Set(['&', '|', '^', '<<', '>>']);
const SIMPLE = new Set(['accept', 'drop', 'continue', 'return', 'notrack']);

/**
 * One statement as nft text; a counter renders as `counter` (its values live in packets/bytes).
 * `family` is the rule's table family (how `reject` prints depends on it).
 */
export function renderStmt(stmt: unknown, family?: string): string {
  const s = single(stmt);
  if (s === null) return compact(stmt);
  const [k, v] = s;
  const p = (key: string): unknown => prop(v, key);
  if (SIMPLE.has(k)) return k;
  switch (k) {
    case 'match':
      return renderMatch(p('op'), p('left'), p('right'));
    case 'counter':
      return typeof v === 'string' ? `counter name "${v}"` : 'counter';
    case 'jump':
    case 'goto':
      return `${k} ${str(p('target'))}`;
    case 'reject':
      return renderReject(v, family);
    case 'queue':
      return renderQueue(v);
    case 'dnat':
    case 'snat':
    case 'masquerade':
    case 'redirect':
      return renderNat(k, v);
    case 'log':
      return renderLog(v);
    case 'limit':
      return renderLimit(v);
    case 'quota':
      // Without `used`: it is a value (like a counter's), and trace lines print it as of the reader's start.
      return `quota ${p('inv') === true ? 'over ' : ''}${str(p('val'))} ${str(p('val_unit'))}`;
    case 'ct count':
      return `ct count ${p('inv') === true ? 'over ' : ''}${str(p('val'))}`;
    case 'mangle':
      return `${renderExpr(p('key'))} set ${renderExpr(p('value'), ctxFor(p('key')))}`;
    case 'ct helper':
    case 'ct timeout':
    case 'ct expectation':
      return `${k} set "${str(v)}"`;
    case 'secmark':
      return `meta secmark set "${str(v)}"`;
    case 'xt':
      return `xt ${str(p('type'))} "${str(p('name'))}"`;
    case 'vmap':
      // The map's keys are printed like the key expression's values: `iifname vmap { "wan" : jump input_wan }`.
      return `${renderExpr(p('key'))} vmap ${renderExpr(p('data'), ctxFor(p('key')))}`;
    case 'meter': {
      // `meter m8080 size 1024 { ip saddr limit rate over 5/second }`
      const size = p('size') === undefined ? '' : ` size ${str(p('size'))}`;
      const stmts = asList(p('stmt'))
        .map((x) => ` ${renderStmt(x, family)}`)
        .join('');
      return `meter ${str(p('name'))}${size} { ${renderExpr(p('key'), ctxFor(p('key')))}${stmts} }`;
    }
    case 'set':
    case 'map': {
      // Statements attached to the element (`add @meter { ip saddr limit rate over 3/minute }`).
      const stmts = asList(p('stmt'))
        .map((x) => ` ${renderStmt(x, family)}`)
        .join('');
      return `${str(p('op'))} ${str(p('set') ?? p('map'))} { ${renderExpr(p('elem'), ctxFor(p('elem')))}${stmts} }`;
    }
    case 'flow':
      return `flow ${str(p('op'))} ${str(p('flowtable'))}`;
    case 'fwd':
      return `fwd to ${renderExpr(p('dev'), { hex: false, quote: true })}`;
    case 'dup':
      return `dup to ${renderExpr(p('addr'))}${p('dev') === undefined ? '' : ` device "${str(p('dev'))}"`}`;
    case 'synproxy': {
      // `synproxy mss 1460 wscale 7 timestamp sack-perm`, as nft prints it (a named synproxy object: a string).
      if (typeof v === 'string') return `synproxy name "${v}"`;
      const mss = p('mss') === undefined ? '' : ` mss ${str(p('mss'))}`;
      const wscale = p('wscale') === undefined ? '' : ` wscale ${str(p('wscale'))}`;
      const flags = asList(p('flags')).map((f) => ` ${str(f)}`);
      return `synproxy${mss}${wscale}${flags.join('')}`;
    }
    case 'tproxy':
      return `tproxy${p('family') === undefined ? '' : ` ${str(p('family'))}`} to ${natAddress(v)}`;
    default:
      return compact(stmt);
  }
}

function renderMatch(op: unknown, left: unknown, right: unknown): string {
  const ctx = ctxFor(left);
  const l = single(left);
  // `tcp flags & (syn | ack) == syn` is printed by nft as `tcp flags syn / syn,ack`.
  if (op === '==' && l !== null && l[0] === '&' && Array.isArray(l[1]) && Array.isArray(l[1][1])) {
    return `${renderExpr(l[1][0])} ${renderExpr(right, ctx)} / ${renderExpr(l[1][1], ctx)}`;
  }
  // After a binop nft spells `==` out (`meta mark & 0x4000 == 0x4000`); elsewhere equality is implicit.
  const binop = l !== null && BINOPS.has(l[0]);
  const opText = typeof op === 'string' && !(IMPLICIT_OPS.has(op) && !(binop && op === '==')) ? `${op} ` : '';
  return `${renderExpr(left)} ${opText}${renderExpr(right, ctx)}`;
}

/** Tables of these families spell out `with icmp port-unreachable` (nft: reject.verbose_print). */
const VERBOSE_REJECT = new Set(['inet', 'bridge', 'netdev']);

function renderReject(v: unknown, family: string | undefined): string {
  const type = prop(v, 'type');
  const expr = prop(v, 'expr');
  // port-unreachable is the default nft leaves out: always for icmpx, for icmp/icmpv6 only in ip/ip6 tables.
  if (typeof type !== 'string') return 'reject';
  if (expr === 'port-unreachable' && (type === 'icmpx' || !VERBOSE_REJECT.has(family ?? ''))) return 'reject';
  return `reject with ${type}${expr === undefined ? '' : ` ${renderExpr(expr)}`}`;
}

function renderQueue(v: unknown): string {
  const flags = asList(prop(v, 'flags')).map(str);
  const num = prop(v, 'num');
  return `queue${flags.length > 0 ? ` flags ${flags.join(',')}` : ''}${num === undefined ? '' : ` to ${renderExpr(num)}`}`;
}

function renderNat(kind: string, v: unknown): string {
  const family = prop(v, 'family');
  const to = natAddress(v);
  const prefix = isPrefixNat(v);
  // `netmap` is how JSON says `prefix`; nft prints no such flag.
  const flags = asList(prop(v, 'flags'))
    .map(str)
    .filter((f) => !(prefix && f === 'netmap'));
  const toText = to === '' ? '' : `${prefix ? 'prefix ' : ''}to ${to}`;
  return [kind, typeof family === 'string' ? family : '', toText, flags.join(',')].filter((x) => x !== '').join(' ');
}

/** A 1:1 map of prefixes: `snat ip prefix to ...` (`"type_flags": "prefix"`). */
export function isPrefixNat(v: unknown): boolean {
  return asList(prop(v, 'type_flags')).includes('prefix');
}

/** `addr:port`, `[v6addr]:port` or `:port` of a NAT-like statement; '' when it has neither. */
export function natAddress(v: unknown): string {
  const addr = prop(v, 'addr');
  const port = prop(v, 'port');
  const a = addr === undefined ? '' : renderExpr(addr);
  const portText = port === undefined ? '' : `:${renderExpr(port)}`;
  // An IPv6 address followed by a port needs brackets, as nft prints it.
  return a.includes(':') && portText !== '' && typeof addr === 'string' ? `[${a}]${portText}` : `${a}${portText}`;
}

function renderLog(v: unknown): string {
  const parts = ['log'];
  const prefix = prop(v, 'prefix');
  if (typeof prefix === 'string') parts.push(`prefix "${prefix}"`);
  for (const key of ['group', 'snaplen', 'queue-threshold', 'level']) {
    const x = prop(v, key);
    if (x !== undefined) parts.push(`${key} ${str(x)}`);
  }
  const flags = asList(prop(v, 'flags')).map(str);
  const tcp = flags.filter((f) => f.startsWith('tcp ')).map((f) => f.slice(4));
  const other = flags.filter((f) => !f.startsWith('tcp '));
  if (flags.length > 0)
    parts.push(`flags ${[...(tcp.length > 0 ? [`tcp ${tcp.join(',')}`] : []), ...other].join(' ')}`);
  return parts.join(' ');
}

function renderLimit(v: unknown): string {
  const unit = prop(v, 'rate_unit');
  const bytes = typeof unit === 'string' && unit !== 'packets';
  let out = `limit rate ${prop(v, 'inv') === true ? 'over ' : ''}${str(prop(v, 'rate'))}${bytes ? ` ${unit}` : ''}/${str(prop(v, 'per'))}`;
  const burst = prop(v, 'burst');
  // nft leaves out the default packet burst of 5 and any zero burst.
  if (typeof burst === 'number' && burst !== 0 && (bytes || burst !== 5)) {
    out += ` burst ${burst} ${bytes ? str(prop(v, 'burst_unit') ?? 'bytes') : 'packets'}`;
  }
  return out;
}

/** Statements that act on every packet reaching them (verdicts, NAT, counters, logging, mangling...): they filter nothing. */
export const ACTING_STATEMENTS: ReadonlySet<string> = new Set([
  'counter',
  'accept',
  'drop',
  'continue',
  'return',
  'jump',
  'goto',
  'reject',
  'queue',
  'dnat',
  'snat',
  'masquerade',
  'redirect',
  'tproxy',
  'log',
  'mangle',
  'notrack',
  'ct helper',
  'ct timeout',
  'ct expectation',
  'secmark',
  'dup',
  'fwd',
  'flow',
  'synproxy',
]);
