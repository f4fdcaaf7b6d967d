// `iptables -S` / `iptables -t TABLE [-v] -S` / `ip6tables -S` text → RulesetSnapshot.
// Pure; no I/O.
import type { Family } from '../model/common.js';
import type { RulesetSnapshot } from '../model/ruleset.js';
import { declareXtablesChain, ensureXtablesChain, looksLikeIp6, policyWord } from './iptables-common.js';
import { parseIptablesRule } from './iptables-rule.js';
import { SnapshotBuilder } from './snapshot-builder.js';

const POLICY = /^-P\s+(\S+)\s+(\S+)(?:\s+-c\s+(\d+)\s+(\d+))?$/;
const NEW_CHAIN = /^-N\s+(\S+)$/;
// A `-t nat` in front of a line (pasted `iptables -t nat -A ...` commands) names the table.
const TABLE_PREFIX = /^-t\s+(\S+)\s+/;

/** Parses `iptables -S` output of one table (the output does not say which: pass it). */
export function parseIptablesS(text: string, table = 'filter', family?: 'ip' | 'ip6'): RulesetSnapshot {
  const b = new SnapshotBuilder('iptables-S');
  const lines = text.split('\n').map((l) => l.trim());
  const fam: Family = family ?? (looksLikeIp6(lines.map((l) => l.replace(TABLE_PREFIX, ''))) ? 'ip6' : 'ip');
  const userChains = new Map<string, Set<string>>();
  for (const raw of lines) {
    if (raw === '' || raw.startsWith('#')) continue;
    const t = TABLE_PREFIX.exec(raw);
    const tbl = t?.[1] ?? table;
    const line = t === null ? raw : raw.slice(t[0].length);
    const declared = userChains.get(tbl) ?? new Set<string>();
    userChains.set(tbl, declared);
    const p = POLICY.exec(line);
    if (p?.[1] !== undefined) {
      const counters = p[3] === undefined ? null : { packets: Number(p[3]), bytes: Number(p[4]) };
      declareXtablesChain(b, fam, tbl, p[1], policyWord(p[2]), counters);
      continue;
    }
    const n = NEW_CHAIN.exec(line);
    if (n?.[1] !== undefined) {
      declared.add(n[1]);
      declareXtablesChain(b, fam, tbl, n[1], null, null);
      continue;
    }
    const rule = parseIptablesRule(line, declared);
    if (typeof rule === 'string') {
      b.skip(raw, rule === 'not a -A rule' ? 'not a -P, -N or -A line' : rule);
      continue;
    }
    ensureXtablesChain(b, fam, tbl, rule.chain);
    const { chain, ...fields } = rule;
    b.rule(fam, tbl, chain, { handle: null, ...fields });
  }
  return b.snapshot();
}

/**
 * Guesses which table an `iptables -S` dump shows from its builtin chains (`-P` lines): PREROUTING and
 * OUTPUT only → raw; PREROUTING, INPUT, OUTPUT, POSTROUTING → nat; all five → mangle; else filter.
 */
export function guessIptablesSTable(text: string): string {
  const builtins = new Set<string>();
  for (const m of text.matchAll(/^\s*-P\s+(\S+)/gm)) if (m[1] !== undefined) builtins.add(m[1]);
  const has = (c: string): boolean => builtins.has(c);
  if (has('PREROUTING') && has('FORWARD')) return 'mangle';
  if (has('PREROUTING') && has('POSTROUTING')) return 'nat';
  if (has('PREROUTING') && !has('INPUT')) return 'raw';
  return 'filter';
}

/**
 * `iptables -S` output of several tables one after the other (`for t in raw mangle nat filter; do iptables -t $t
 * -S; done`) cut into one text per table: each starts with its `-P` lines, so a `-P` after any other line starts
 * the next. Each part's table is guessed from its built-in chains (see guessIptablesSTable); a second part shaped
 * like filter (INPUT, FORWARD, OUTPUT) of the same family is the security table.
 */
export function splitIptablesS(text: string): { text: string; table: string }[] {
  const parts: string[][] = [];
  let current: string[] = [];
  let sawOther = false;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const isPolicy = /^-P\s/.test(t);
    if (isPolicy && sawOther) {
      parts.push(current);
      current = [];
      sawOther = false;
    }
    if (!isPolicy) sawOther = true;
    current.push(line);
  }
  if (current.length > 0) parts.push(current);
  const filters = new Set<string>();
  return parts.map((lines) => {
    const text = lines.join('\n') + '\n';
    let table = guessIptablesSTable(text);
    if (table === 'filter' && parts.length > 1) {
      const family = looksLikeIp6(lines.map((l) => l.trim())) ? 'ip6' : 'ip';
      if (filters.has(family)) table = 'security';
      filters.add(family);
    }
    return { text, table };
  });
}
