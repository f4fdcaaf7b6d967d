// The conditions of one iptables rule (`-A CHAIN ...` as iptables-save prints it): -s/-d/-i/-o/-p,
// tcp/udp/sctp/dccp ports, multiport, conntrack/state, icmp/icmp6 types and iprange become comparable
// conditions; any other match module or option becomes `unknown` with its text. Pure; no I/O.
import type { MatchField, RuleMatch } from '../model/ruleset.js';
import type { Token } from './iptables-tokens.js';
import { normAddr, normCtState, normIcmpType, normPort, normProto } from './match-values.js';

const BASIC: Readonly<Record<string, MatchField>> = {
  '-s': 'src',
  '--source': 'src',
  '--src': 'src',
  '-d': 'dst',
  '--destination': 'dst',
  '--dst': 'dst',
  '-i': 'iif',
  '--in-interface': 'iif',
  '-o': 'oif',
  '--out-interface': 'oif',
  '-p': 'proto',
  '--protocol': 'proto',
};
const PORTS: Readonly<Record<string, MatchField>> = {
  '--dport': 'dport',
  '--destination-port': 'dport',
  '--sport': 'sport',
  '--source-port': 'sport',
};
const MULTIPORT: Readonly<Record<string, MatchField>> = {
  '--dports': 'dport',
  '--destination-ports': 'dport',
  '--sports': 'sport',
  '--source-ports': 'sport',
};
const PORT_MODULES = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp']);
/** Modules with at least one option fwtrace compares; their other options are unknown one by one. */
const KNOWN_MODULES = new Set([
  ...PORT_MODULES,
  'multiport',
  'conntrack',
  'state',
  'icmp',
  'icmp6',
  'iprange',
  'comment',
]);
const TARGET = new Set(['-j', '--jump', '-g', '--goto']);

interface Span {
  start: number;
  end: number;
}

/** Conditions of a tokenized rule line (`tokens[0]` is `-A`, `tokens[1]` the chain); stops at the target. */
export function iptablesMatches(line: string, tokens: readonly Token[]): RuleMatch[] {
  const out: RuleMatch[] = [];
  let module: string | null = null;
  let unknownModule: Span | null = null;
  let negAt: number | null = null;
  const flush = (): void => {
    if (unknownModule !== null) out.push(unknown(line.slice(unknownModule.start, unknownModule.end)));
    unknownModule = null;
  };
  for (let i = 2; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const v = tok.value;
    if (TARGET.has(v)) break;
    if ((v === '-c' || v === '--set-counters') && /^\d+$/.test(tokens[i + 1]?.value ?? '')) {
      i += 2;
      continue;
    }
    if (v === '!' && !isValue(line, tok)) {
      negAt = tok.start;
      continue;
    }
    const start = negAt ?? tok.start;
    const negated = negAt !== null;
    negAt = null;
    if (v === '-m' || v === '--match') {
      flush();
      module = tokens[i + 1]?.value ?? null;
      if (module !== null && !KNOWN_MODULES.has(module)) unknownModule = { start, end: tokens[i + 1]!.end };
      i++;
      continue;
    }
    // `-s ! X`: the old place for the negation, still read by iptables.
    let neg = negated;
    let argAt = i + 1;
    if (tokens[argAt]?.value === '!' && v.startsWith('-')) {
      neg = !neg;
      argAt++;
    }
    const basic = BASIC[v];
    if (basic !== undefined) {
      flush();
      module = null;
      const arg = tokens[argAt];
      // `-p all` matches every packet (iptables-save leaves it out; `iptables -S` may not).
      const any = basic === 'proto' && !neg && (arg?.value === 'all' || arg?.value === '0');
      if (arg !== undefined && !any) out.push(condition(basic, neg, arg.value, line.slice(start, arg.end)));
      i = argAt;
      continue;
    }
    // Options of the current module: as many arguments as follow that are not options themselves.
    let end = argAt;
    while (end < tokens.length && isValue(line, tokens[end]!)) end++;
    const text = line.slice(start, tokens[end - 1]!.end);
    i = end - 1;
    if (unknownModule !== null) {
      unknownModule.end = tokens[end - 1]!.end;
      continue;
    }
    const arg = end - argAt === 1 ? tokens[argAt]!.value : null;
    out.push(...moduleOption(module, v, neg, arg, text));
  }
  flush();
  return out;
}

/** A token that is an argument, not an option: does not start with `-` (quoted values always are arguments). */
function isValue(line: string, t: Token): boolean {
  if (line.charAt(t.start) === '"') return true;
  return t.value !== '!' && !t.value.startsWith('-');
}

function moduleOption(module: string | null, opt: string, neg: boolean, arg: string | null, text: string): RuleMatch[] {
  if (module === 'comment' && opt === '--comment') return [];
  if (arg === null) return [unknown(text)];
  const port = module === null || PORT_MODULES.has(module) ? PORTS[opt] : undefined;
  if (port !== undefined) return [condition(port, neg, arg, text)];
  const multi = module === 'multiport' ? MULTIPORT[opt] : undefined;
  if (multi !== undefined) return [condition(multi, neg, arg, text)];
  if ((module === 'conntrack' && opt === '--ctstate') || (module === 'state' && opt === '--state')) {
    return [condition('ctstate', neg, arg, text)];
  }
  if (module === 'icmp' && opt === '--icmp-type') return [icmp(arg, false, neg, text)];
  if (module === 'icmp6' && opt === '--icmpv6-type') return [icmp(arg, true, neg, text)];
  if (module === 'iprange' && (opt === '--src-range' || opt === '--dst-range')) {
    return [condition(opt === '--src-range' ? 'src' : 'dst', neg, arg, text)];
  }
  return [unknown(text)];
}

/** One option's values (comma lists) normalised; an unknown value makes the whole condition unknown. */
function condition(field: MatchField, negate: boolean, arg: string, text: string): RuleMatch {
  const values: string[] = [];
  for (const raw of arg.split(',')) {
    const v = normValue(field, raw);
    if (v === null) return unknown(text);
    values.push(v);
  }
  return { field, negate, values, text };
}

function normValue(field: MatchField, raw: string): string | null {
  switch (field) {
    case 'src':
    case 'dst':
      return normAddr(raw);
    case 'sport':
    case 'dport':
      return normPort(raw);
    case 'proto':
      return normProto(raw);
    case 'iif':
    case 'oif':
      return raw === '' ? null : raw;
    case 'ctstate':
      return normCtState(raw);
    case 'family':
    case 'icmp-type':
    case 'unknown':
      return null;
    default:
      return field satisfies never;
  }
}

function icmp(arg: string, v6: boolean, negate: boolean, text: string): RuleMatch {
  const v = normIcmpType(arg, v6);
  return v === null ? unknown(text) : { field: 'icmp-type', negate, values: [v], text };
}

function unknown(text: string): RuleMatch {
  return { field: 'unknown', negate: false, values: [], text };
}
