// One primitive of the filter: `tcp`, `[ip|ip6] [src|dst] host|net VALUE`, `[tcp|udp] [src|dst]
// port|portrange VALUE`, with its value validated strictly. Pure; no I/O.
import type { Result } from '../model/common.js';
import type { FlowDirection, FlowError, FlowExpr, FlowMatch, FlowProto, FlowToken } from '../model/flow.js';
import { parseHost, parseNet } from './address.js';
import { filterError, quote } from './flow-error.js';
import { parsePort, parsePortRange } from './port.js';
import type { LexToken } from './tokenize.js';

const PROTOS: ReadonlySet<string> = new Set<FlowProto>(['ip', 'ip6', 'tcp', 'udp', 'icmp', 'icmp6']);
const DIRS: ReadonlySet<string> = new Set(['src', 'dst']);
type ValueKind = 'host' | 'net' | 'port' | 'portrange';
const VALUE_KINDS: ReadonlySet<string> = new Set<ValueKind>(['host', 'net', 'port', 'portrange']);
/** Which protocol words may qualify which primitive (tcpdump's `ip6 net …`, `tcp dst port …`). */
const QUALIFIES: Readonly<Record<ValueKind, readonly string[]>> = {
  host: ['ip', 'ip6'],
  net: ['ip', 'ip6'],
  port: ['tcp', 'udp'],
  portrange: ['tcp', 'udp'],
};

export interface Parsed {
  readonly expr: FlowExpr;
  readonly next: number;
}

/** Parses the primitive starting at the word `tokens[start]`. */
export function parsePrimitive(filter: string, tokens: readonly LexToken[], start: number): Result<Parsed, FlowError> {
  const err = (t: FlowToken | undefined, detail: string): Result<Parsed, FlowError> => ({
    ok: false,
    error: filterError(filter, t?.position ?? filter.length, t?.text ?? '', detail),
  });
  let i = start;
  const first = tokens[i];
  if (first === undefined) return err(undefined, 'the filter ends where a primitive was expected');
  let qualifier: LexToken | null = null;
  if (PROTOS.has(first.text)) {
    const after = tokens[i + 1];
    const qualifies = after?.kind === 'word' && (DIRS.has(after.text) || VALUE_KINDS.has(after.text));
    if (!qualifies) return primitive([first], first, { kind: 'proto', proto: first.text as FlowProto }, i + 1);
    qualifier = first;
    i++;
  }
  let dirToken: LexToken | null = null;
  const maybeDir = tokens[i];
  if (maybeDir !== undefined && DIRS.has(maybeDir.text)) {
    dirToken = maybeDir;
    i++;
  }
  const kindToken = tokens[i];
  if (kindToken?.kind !== 'word' || !VALUE_KINDS.has(kindToken.text)) {
    const after = qualifier ?? dirToken;
    if (after !== null) return err(kindToken, `expected host, net, port or portrange after ${quote(after.text)}`);
    return err(kindToken, unknownWord(kindToken?.text ?? ''));
  }
  const kind = kindToken.text as ValueKind;
  if (qualifier !== null && !QUALIFIES[kind].includes(qualifier.text)) {
    return err(qualifier, `${quote(qualifier.text)} cannot qualify "${kind}"; write "${qualifier.text} and ${kind} …"`);
  }
  const valueToken = tokens[i + 1];
  if (valueToken?.kind !== 'word' || [PROTOS, DIRS, VALUE_KINDS].some((s) => s.has(valueToken.text))) {
    const what = kind === 'host' || kind === 'net' ? 'an address' : kind === 'port' ? 'a port' : 'a port range N-M';
    return err(valueToken, `expected ${what} after "${kind}"`);
  }
  const dir: FlowDirection = dirToken === null ? 'either' : (dirToken.text as 'src' | 'dst');
  const match = valueMatch(kind, dir, qualifier?.text ?? null, valueToken.text);
  if (!match.ok) return err(valueToken, match.error);
  const all = [qualifier, dirToken, kindToken, valueToken].filter((t): t is LexToken => t !== null);
  return primitive(all, valueToken, match.value, i + 2);
}

/** The match a value primitive stands for, or why its value is refused. */
function valueMatch(
  kind: ValueKind,
  dir: FlowDirection,
  qualifier: string | null,
  text: string,
): Result<FlowMatch, string> {
  if (kind === 'host' || kind === 'net') {
    const cidr = kind === 'host' ? parseHost(text) : parseNet(text);
    if (!cidr.ok) return cidr;
    const wanted = qualifier === 'ip' ? 4 : qualifier === 'ip6' ? 6 : cidr.value.version;
    if (wanted !== cidr.value.version) return { ok: false, error: `${quote(text)} is not an IPv${wanted} address` };
    return { ok: true, value: { kind, dir, cidr: cidr.value } };
  }
  const proto = qualifier === 'tcp' || qualifier === 'udp' ? qualifier : null;
  if (kind === 'port') {
    const port = parsePort(text);
    if (!port.ok) return port;
    return { ok: true, value: { kind, dir, proto, range: { from: port.value, to: port.value } } };
  }
  const range = parsePortRange(text);
  if (!range.ok) return range;
  return { ok: true, value: { kind, dir, proto, range: range.value } };
}

/** The message for a word that starts no primitive; a bare address or number gets the keyword it needs. */
export function unknownWord(text: string): string {
  if (text === '') return 'the filter ends where a primitive was expected';
  if (/^[0-9a-fA-F.:]+$/.test(text) && /[.:]/.test(text)) return `${quote(text)} needs a keyword: "host ${text}"`;
  if (/^[0-9a-fA-F.:]+\/[0-9]+$/.test(text)) return `${quote(text)} needs a keyword: "net ${text}"`;
  if (/^[0-9]+$/.test(text)) return `${quote(text)} needs a keyword: "port ${text}"`;
  return `unknown word ${quote(text)} (expected ip, ip6, tcp, udp, icmp, icmp6, [src|dst] host|net|port|portrange, not, "(")`;
}

function primitive(
  tokens: readonly LexToken[],
  value: LexToken,
  match: FlowMatch,
  next: number,
): Result<Parsed, FlowError> {
  const strip = (t: LexToken): FlowToken => ({ text: t.text, position: t.position });
  return {
    ok: true,
    value: { expr: { kind: 'primitive', tokens: tokens.map(strip), value: strip(value), match }, next },
  };
}
