// What one iptables rule (`-A CHAIN ...`) does: action, jump target, NAT, comment, counters, and
// whether it has any match at all. Pure; no I/O.
import type { StepVerdict } from '../model/common.js';
import type { RuleMatch, RuleNat } from '../model/ruleset.js';
import { iptablesMatches } from './iptables-matches.js';
import { tokenizeIptables } from './iptables-tokens.js';

export interface IptablesRule {
  readonly chain: string;
  /** `-A CHAIN ...` with counters (`[p:b]`, `-c p b`) removed. */
  readonly text: string;
  readonly packets: number | null;
  readonly bytes: number | null;
  readonly action: StepVerdict;
  readonly target: string | null;
  readonly nat: RuleNat | null;
  readonly unconditional: boolean;
  readonly comment: string | null;
  /** The rule's conditions (comments left out). */
  readonly matches: readonly RuleMatch[];
}

/** Options that are (or introduce) a match in the kernel's rule entry; `-m comment` is a match too. */
const MATCH_OPTIONS = new Set([
  '-s',
  '--source',
  '--src',
  '-d',
  '--destination',
  '--dst',
  '-i',
  '--in-interface',
  '-o',
  '--out-interface',
  '-p',
  '--protocol',
  '-f',
  '--fragment',
  '-m',
  '--match',
]);

const TERMINAL_TARGETS: ReadonlyMap<string, StepVerdict> = new Map<string, StepVerdict>([
  ['ACCEPT', 'accept'],
  ['DROP', 'drop'],
  ['REJECT', 'reject'],
  ['RETURN', 'return'],
  ['QUEUE', 'queue'],
  ['NFQUEUE', 'queue'],
  ['TARPIT', 'drop'],
  // These accept or drop depending on the packet (SYN cookies, socket lookup).
  ['SYNPROXY', 'unknown'],
  ['TPROXY', 'unknown'],
]);

/** Extension targets that let the packet continue (so a name not in here and not declared is a chain). */
const CONTINUE_TARGETS = new Set([
  'LOG',
  'ULOG',
  'NFLOG',
  'MARK',
  'CONNMARK',
  'TRACE',
  'CT',
  'NOTRACK',
  'AUDIT',
  'CHECKSUM',
  'CLASSIFY',
  'CLUSTERIP',
  'CONNSECMARK',
  'SECMARK',
  'DSCP',
  'TOS',
  'ECN',
  'TTL',
  'HL',
  'HMARK',
  'IDLETIMER',
  'LED',
  'RATEEST',
  'SET',
  'TCPMSS',
  'TCPOPTSTRIP',
  'TEE',
  'DNPT',
  'SNPT',
]);

const NAT_KINDS: ReadonlyMap<string, RuleNat['kind']> = new Map<string, RuleNat['kind']>([
  ['DNAT', 'dnat'],
  ['SNAT', 'snat'],
  ['MASQUERADE', 'masquerade'],
  ['REDIRECT', 'redirect'],
]);

const COUNTER = /^\[(\d+):(\d+)\]\s*/;

/**
 * Parses one rule line (`[p:b] -A CHAIN args...` or `-A CHAIN args... -c p b`); `userChains` are the
 * chains declared in the table so far. Returns a reason string for a line that is not a rule.
 */
export function parseIptablesRule(line: string, userChains: ReadonlySet<string>): IptablesRule | string {
  let body = line.trim();
  let packets: number | null = null;
  let bytes: number | null = null;
  const prefix = COUNTER.exec(body);
  if (prefix !== null) {
    packets = Number(prefix[1]);
    bytes = Number(prefix[2]);
    body = body.slice(prefix[0].length);
  }
  const tokens = tokenizeIptables(body);
  const [flag, chainTok] = tokens;
  if (flag === undefined || (flag.value !== '-A' && flag.value !== '--append')) return 'not a -A rule';
  if (chainTok === undefined) return '-A without a chain';
  let text = body;
  let hasMatch = false;
  let targetName: string | null = null;
  let isGoto = false;
  let comment: string | null = null;
  const targetArgs = new Map<string, string>();
  for (let i = 2; i < tokens.length; i++) {
    const v = tokens[i]?.value ?? '';
    const next = tokens[i + 1]?.value;
    const [pk, by] = [next, tokens[i + 2]?.value];
    if ((v === '-c' || v === '--set-counters') && pk !== undefined && by !== undefined && /^\d+$/.test(pk + by)) {
      // `iptables -v -S` prints the counters inside the rule; cut them out of the text.
      [packets, bytes] = [Number(pk), Number(by)];
      const after = tokens[i + 3];
      const cutStart = tokens[i]?.start ?? body.length;
      text = body.slice(0, cutStart) + (after === undefined ? '' : body.slice(after.start));
      i += 2;
    } else if (targetName === null && (v === '-j' || v === '--jump' || v === '-g' || v === '--goto')) {
      targetName = next ?? null;
      isGoto = v === '-g' || v === '--goto';
      i++;
    } else if (targetName === null && MATCH_OPTIONS.has(v)) {
      hasMatch = true;
    } else if (targetName === null && v === '--comment' && comment === null && next !== undefined) {
      comment = next;
      i++;
    } else if (targetName !== null && v.startsWith('--') && next !== undefined && !targetArgs.has(v)) {
      targetArgs.set(v, next);
    }
  }
  const effect = targetEffect(targetName, isGoto, userChains, targetArgs, chainTok.value);
  const matches = iptablesMatches(body, tokens);
  return {
    chain: chainTok.value,
    text: text.trim(),
    packets,
    bytes,
    ...effect,
    unconditional: !hasMatch,
    comment,
    matches,
  };
}

export interface Effect {
  readonly action: StepVerdict;
  readonly target: string | null;
  readonly nat: RuleNat | null;
}

function targetEffect(
  name: string | null,
  isGoto: boolean,
  userChains: ReadonlySet<string>,
  args: ReadonlyMap<string, string>,
  chain: string,
): Effect {
  if (name === null) return { action: 'continue', target: null, nat: null };
  if (isGoto || userChains.has(name)) return { action: isGoto ? 'goto' : 'jump', target: name, nat: null };
  // Not a known extension: a user chain declared later or in a part of the dump we did not see.
  return extensionEffect(name, args, chain) ?? { action: 'jump', target: name, nat: null };
}

/** Effect of an iptables-nft `xt target "NAME"` (an extension nft could not translate). */
export function xtTargetEffect(name: string): Effect {
  return extensionEffect(name, new Map(), '') ?? { action: 'unknown', target: null, nat: null };
}

function extensionEffect(name: string, args: ReadonlyMap<string, string>, chain: string): Effect | null {
  const terminal = TERMINAL_TARGETS.get(name);
  if (terminal !== undefined) return { action: terminal, target: null, nat: null };
  const kind = NAT_KINDS.get(name);
  if (kind !== undefined) return { action: 'accept', target: null, nat: { kind, to: natTo(kind, args) } };
  // IPv6 prefix translation rewrites the address and goes on; the translated address is NPT's, not shown here.
  if (name === 'DNPT' || name === 'SNPT') {
    const nat = { kind: name === 'DNPT' ? 'dnat' : 'snat', to: null, stateless: true } as const;
    return { action: 'continue', target: null, nat };
  }
  if (name === 'NETMAP') {
    // NETMAP rewrites the destination in PREROUTING/OUTPUT and the source elsewhere (a user chain's: by its hook).
    const dnat = chain === 'PREROUTING' || chain === 'OUTPUT';
    const nat = { kind: dnat ? 'dnat' : 'snat', to: args.get('--to') ?? null, prefix: true, sideByHook: true } as const;
    return { action: 'accept', target: null, nat };
  }
  return CONTINUE_TARGETS.has(name) ? { action: 'continue', target: null, nat: null } : null;
}

function natTo(kind: RuleNat['kind'], args: ReadonlyMap<string, string>): string | null {
  switch (kind) {
    case 'dnat':
      return args.get('--to-destination') ?? args.get('--to') ?? null;
    case 'snat':
      return args.get('--to-source') ?? args.get('--to') ?? null;
    case 'masquerade':
    case 'redirect': {
      const ports = args.get('--to-ports') ?? args.get('--to-port');
      return ports === undefined ? null : `:${ports}`;
    }
    default:
      return null;
  }
}
