// Renders nft JSON expressions (`nft -j` payload, meta, ct, sets, ranges, binops...) back into the
// syntax `nft list ruleset` prints. Unknown shapes become compact JSON, never an error. Pure; no I/O.

/** How constants are printed: marks in hex, interface names and dates quoted, timeouts as `5s`. */
export interface RenderCtx {
  readonly hex: boolean;
  readonly quote: boolean;
  readonly seconds?: boolean;
  /** Hex digits a number is padded to (8 unless said: marks); 0 for none (raw payload `@th,64,16 0x50`). */
  readonly width?: number;
  /** How a map's values print: as what the map's result is set to (`meta mark set ... map { 0 : 0x00000001 }`). */
  readonly values?: RenderCtx;
}

export const PLAIN: RenderCtx = { hex: false, quote: false };
const RAW_PAYLOAD: RenderCtx = { hex: true, quote: false, width: 0 };
const DSCP: RenderCtx = { hex: true, quote: false, width: 2 };

// nft prints these meta keys without the `meta` prefix (meta.c meta_key_is_unqualified).
const UNQUALIFIED_META = new Set(['iif', 'oif', 'iifname', 'oifname', 'iifgroup', 'oifgroup']);
const QUOTED_META = new Set([
  'iif',
  'oif',
  'iifname',
  'oifname',
  'ibrname',
  'obrname',
  'ibriport',
  'obriport',
  'sdifname',
  'iifkind',
  'oifkind',
  'time',
  'day',
  'hour',
  'secmark',
]);
const BINOPS = new Set(['&', '|', '^', '<<', '>>']);
/** Deeper than any real ruleset; guards the recursion against hostile input. */
const MAX_DEPTH = 64;

/** A JSON object's single key and value, or null for anything else. */
export function single(value: unknown): [string, unknown] | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  const k = keys[0];
  return keys.length === 1 && k !== undefined ? [k, (value as Record<string, unknown>)[k]] : null;
}

/** Property of a JSON object, or undefined. */
export function prop(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** A compact rendering of something we do not understand. */
export function compact(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The constants context implied by a left-hand side (a mark compared or set is printed in hex). */
export function ctxFor(left: unknown, depth = 0): RenderCtx {
  const s = single(left);
  if (s === null || depth > MAX_DEPTH) return PLAIN;
  const [k, v] = s;
  if (BINOPS.has(k) && Array.isArray(v)) return ctxFor(v[0], depth + 1);
  const key = prop(v, 'key');
  if ((k === 'meta' || k === 'ct') && key === 'mark') return { hex: true, quote: false };
  if (k === 'meta' && typeof key === 'string' && QUOTED_META.has(key)) return { hex: false, quote: true };
  if (k === 'ct' && (key === 'helper' || key === 'label')) return { hex: false, quote: true };
  if (k === 'ct' && key === 'expiration') return { hex: false, quote: false, seconds: true };
  // nft prints a raw payload's value in hex as it is, a DSCP without a name in two digits (`ip dscp 0x04`).
  if (k === 'payload' && prop(v, 'base') !== undefined) return RAW_PAYLOAD;
  if (k === 'payload' && prop(v, 'field') === 'dscp') return DSCP;
  return PLAIN;
}

export function renderExpr(e: unknown, ctx: RenderCtx = PLAIN, depth = 0): string {
  if (e === null || e === undefined) return '';
  if (depth > MAX_DEPTH) return '{…}';
  if (typeof e === 'number') {
    if (ctx.seconds === true) return duration(e);
    return ctx.hex ? `0x${e.toString(16).padStart(ctx.width ?? 8, '0')}` : String(e);
  }
  if (typeof e === 'boolean') return e ? 'exists' : 'missing';
  if (typeof e === 'string') return renderString(e, ctx);
  // A bare list is a flag combination (`ct state established,related`, a tcp flags mask).
  if (Array.isArray(e)) return e.map((x) => renderExpr(x, ctx, depth + 1)).join(',');
  const s = single(e);
  if (s === null) return compact(e);
  return renderKeyed(s[0], s[1], ctx, depth + 1) ?? compact(e);
}

function renderString(s: string, ctx: RenderCtx): string {
  if (s.startsWith('@') || s === '*') return s;
  return ctx.quote || /\s/.test(s) || s === '' ? `"${s}"` : s;
}

function renderKeyed(k: string, v: unknown, ctx: RenderCtx, depth: number): string | null {
  const r = (x: unknown, c: RenderCtx = ctx): string => renderExpr(x, c, depth);
  const p = (key: string): unknown => prop(v, key);
  if (BINOPS.has(k) && Array.isArray(v) && v.length === 2) return `${r(v[0])} ${k} ${r(v[1], ctxFor(v[0]))}`;
  switch (k) {
    case 'payload':
      return p('base') !== undefined
        ? `@${str(p('base'))},${str(p('offset'))},${str(p('len'))}`
        : `${str(p('protocol'))} ${str(p('field'))}`;
    case 'meta': {
      const key = str(p('key'));
      return UNQUALIFIED_META.has(key) ? key : `meta ${key}`;
    }
    case 'ct':
      return words('ct', p('dir'), p('family'), p('key'));
    case 'fib':
      return `fib ${asList(p('flags')).map(str).join(' . ')} ${str(p('result'))}`;
    case 'rt':
      return words('rt', p('family'), p('key'));
    case 'socket':
    case 'osf':
      return words(k, p('key'));
    case 'exthdr':
      return p('field') === undefined ? `exthdr ${str(p('name'))}` : words(p('name'), p('field'));
    case 'tcp option':
    case 'ip option':
    case 'sctp chunk':
    case 'dccp option':
      return words(k, p('name') ?? p('type'), p('field'));
    case 'numgen':
      return `numgen ${str(p('mode'))} mod ${str(p('mod'))}${nonZero(p('offset'), ' offset ')}`;
    case 'jhash':
      return `jhash ${r(p('expr'), PLAIN)} mod ${str(p('mod'))}${seed(p('seed'))}${nonZero(p('offset'), ' offset ')}`;
    case 'symhash':
      return `symhash mod ${str(p('mod'))}${nonZero(p('offset'), ' offset ')}`;
    case 'prefix':
      return `${r(p('addr'))}/${str(p('len'))}`;
    case 'range':
      return Array.isArray(v) && v.length === 2 ? `${r(v[0])}-${r(v[1])}` : null;
    case 'concat':
      return Array.isArray(v) ? v.map((x) => r(x)).join(' . ') : null;
    case 'set':
      return `{ ${asList(v)
        .map((x) => setElement(x, ctx, depth))
        .join(', ')} }`;
    case 'elem':
      return elem(v, ctx, depth);
    case 'map':
      return `${r(p('key'), PLAIN)} map ${r(p('data'), { ...ctxFor(p('key')), values: ctx })}`;
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
      return k;
    case 'jump':
    case 'goto':
      return `${k} ${str(p('target'))}`;
    default:
      return null;
  }
}

/** A set element; map elements are `[key, value]` pairs. */
function setElement(x: unknown, ctx: RenderCtx, depth: number): string {
  if (Array.isArray(x) && x.length === 2)
    return `${renderExpr(x[0], ctx, depth)} : ${renderExpr(x[1], ctx.values ?? PLAIN, depth)}`;
  return renderExpr(x, ctx, depth);
}

function elem(v: unknown, ctx: RenderCtx, depth: number): string {
  const parts = [renderExpr(prop(v, 'val'), ctx, depth)];
  const timeout = prop(v, 'timeout');
  if (typeof timeout === 'number') parts.push(`timeout ${duration(timeout)}`);
  const comment = prop(v, 'comment');
  if (typeof comment === 'string') parts.push(`comment "${comment}"`);
  return parts.join(' ');
}

/** Seconds as nft prints a time (`1m30s`, `10s`). */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return `${seconds}s`;
  const units: [number, string][] = [
    [86400, 'd'],
    [3600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  let rest = Math.floor(seconds);
  let out = '';
  for (const [size, unit] of units) {
    if (rest >= size) out += `${Math.floor(rest / size)}${unit}`;
    rest %= size;
  }
  return out;
}

export function str(x: unknown): string {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  return x === undefined || x === null ? '' : compact(x);
}

export function asList(x: unknown): unknown[] {
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x : [x];
}

function words(...parts: unknown[]): string {
  return parts
    .filter((x) => x !== undefined && x !== null && x !== '')
    .map(str)
    .join(' ');
}

function nonZero(x: unknown, label: string): string {
  return typeof x === 'number' && x !== 0 ? `${label}${x}` : '';
}

function seed(x: unknown): string {
  return typeof x === 'number' ? ` seed 0x${x.toString(16)}` : '';
}
