// `nft list ruleset` / `nft -a list ruleset` text → RulesetSnapshot: tables, chains (hook, priority,
// policy), rules, named maps' elements; sets, flowtables and other objects are skipped. Pure; no I/O.
import type { Family } from '../model/common.js';
import type { ChainType, RulesetSnapshot } from '../model/ruleset.js';
import { hookFromName, nftPriority } from './hooks.js';
import { mapElements } from './nft-map-text.js';
import { parseNftRule } from './nft-rule.js';
import { braceBalance, unquote } from './nft-tokens.js';
import { SnapshotBuilder } from './snapshot-builder.js';

const FAMILIES = new Set<string>(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
const TABLE = /^table\s+(?:(ip|ip6|inet|arp|bridge|netdev)\s+)?("[^"]*"|\S+)\s*\{/;
const CHAIN = /^chain\s+("[^"]*"|\S+)\s*\{/;
const HANDLE_COMMENT = /\s*#\s*handle\s+\d+\s*$/;

type State =
  | { readonly kind: 'top' }
  | { readonly kind: 'table'; readonly family: Family; readonly table: string }
  | { readonly kind: 'chain'; readonly family: Family; readonly table: string; readonly chain: string }
  | { readonly kind: 'skip'; readonly parent: State; depth: number }
  | { readonly kind: 'map'; readonly parent: TableState; readonly name: string; lines: string[]; depth: number }
  | { readonly kind: 'rule'; readonly parent: ChainState; lines: string[]; depth: number; invisible: boolean };
type ChainState = Extract<State, { kind: 'chain' }>;
type TableState = Extract<State, { kind: 'table' }>;

/** Parses nft's list output. Never throws; lines it does not understand land in `unparsed`. */
export function parseNftText(text: string): RulesetSnapshot {
  const b = new SnapshotBuilder('nft-text');
  let state: State = { kind: 'top' };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (state.kind === 'skip' || state.kind === 'rule' || state.kind === 'map') {
      state.depth += braceBalance(line);
      if (state.kind !== 'skip') state.lines.push(line);
      if (state.depth > 0) continue;
      if (state.kind === 'rule') addRule(b, state.parent, state.lines.join(' '), state.invisible);
      if (state.kind === 'map') addMap(b, state.parent, state.name, state.lines.join(' '));
      state = state.parent;
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    state = step(b, state, line, raw);
  }
  if (state.kind !== 'top') b.skip('', 'dump ends inside a block (truncated?)');
  return b.snapshot();
}

function step(b: SnapshotBuilder, state: State, line: string, raw: string): State {
  switch (state.kind) {
    case 'top': {
      const m = TABLE.exec(line);
      if (m?.[2] === undefined) {
        b.skip(line, 'expected a table block');
        return state;
      }
      const family = (m[1] !== undefined && FAMILIES.has(m[1]) ? m[1] : 'ip') as Family;
      return { kind: 'table', family, table: unquote(m[2]) };
    }
    case 'table':
      return tableLine(b, state, line);
    case 'chain':
      return chainLine(b, state, line, raw);
    case 'skip':
    case 'rule':
    case 'map':
      return state;
    default:
      return state satisfies never;
  }
}

function tableLine(b: SnapshotBuilder, state: TableState, line: string): State {
  if (line === '}') return { kind: 'top' };
  const m = CHAIN.exec(line);
  if (m?.[1] !== undefined) {
    const chain = unquote(m[1]);
    b.chain(state.family, state.table, chain);
    const next: ChainState = { kind: 'chain', family: state.family, table: state.table, chain };
    return braceBalance(line) > 0 ? next : state;
  }
  const depth = braceBalance(line);
  // Maps are kept with their elements (kube-proxy names services in their comments).
  const map = /^map\s+("[^"]*"|\S+)\s*\{/.exec(line)?.[1];
  if (map !== undefined && depth > 0) return { kind: 'map', parent: state, name: unquote(map), lines: [], depth };
  // Sets, flowtables, named counters, quotas, ct helpers...: skipped with their elements.
  if (depth > 0) return { kind: 'skip', parent: state, depth };
  if (/^(?:comment|flags)\s/.test(line)) return state;
  b.skip(line, 'unknown table statement');
  return state;
}

function chainLine(b: SnapshotBuilder, state: ChainState, line: string, raw: string): State {
  if (line === '}') return { kind: 'table', family: state.family, table: state.table };
  const body = line.replace(HANDLE_COMMENT, '');
  if (/^type\s/.test(body) || /^policy\s/.test(body)) {
    baseChain(b, state, body);
    return state;
  }
  // A chain's own comment and device list are properties, not rules.
  if (/^comment\s+"[^"]*"$/.test(body) || /^devices?\s/.test(body)) return state;
  // nft prints iptables-nft's comment match as nothing, leaving a space after the tab indentation.
  const invisible = /^\t+ \S/.test(raw);
  const depth = braceBalance(line);
  if (depth > 0) return { kind: 'rule', parent: state, lines: [line], depth, invisible };
  addRule(b, state, line, invisible);
  return state;
}

function baseChain(b: SnapshotBuilder, state: ChainState, body: string): void {
  const hook = /\bhook\s+(\S+?);?(?:\s|$)/.exec(body)?.[1];
  const prio = /\bpriority\s+([^;]+)/.exec(body)?.[1];
  const policy = /\bpolicy\s+(accept|drop)\b/.exec(body)?.[1];
  const type = /\btype\s+(filter|nat|route)\b/.exec(body)?.[1] as ChainType | undefined;
  b.chain(state.family, state.table, state.chain, {
    ...(type === undefined ? {} : { type }),
    ...(hook === undefined ? {} : { hook: hookFromName(hook) ?? 'unknown' }),
    ...(prio === undefined ? {} : { priority: nftPriority(prio, state.family) }),
    ...(policy === 'accept' || policy === 'drop' ? { policy } : {}),
  });
}

function addMap(b: SnapshotBuilder, table: TableState, name: string, block: string): void {
  b.map({ family: table.family, table: table.table, name, elements: mapElements(block) });
}

function addRule(b: SnapshotBuilder, state: ChainState, line: string, invisible: boolean): void {
  b.rule(state.family, state.table, state.chain, parseNftRule(line, invisible));
}
