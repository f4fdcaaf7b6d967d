// Collects chains and rules in dump order and numbers rules per chain; shared by every reader.
// Pure; no I/O.
import type { Family, Hook } from '../model/common.js';
import type { ChainInfo, ChainType, MapInfo, RuleInfo, RulesetSnapshot, RulesetSource } from '../model/ruleset.js';

/** A rule before it is placed in its chain (family, table, chain and position are filled in). */
export type RuleFields = Omit<RuleInfo, 'family' | 'table' | 'chain' | 'position'>;

/** Base-chain facts; every field optional so a later declaration can complete an earlier one. */
export interface ChainFields {
  readonly hook?: Hook | null;
  readonly priority?: number | null;
  readonly type?: ChainType;
  readonly policy?: 'accept' | 'drop' | null;
  readonly policyPackets?: number | null;
  readonly policyBytes?: number | null;
}

interface MutableChain {
  family: Family;
  table: string;
  chain: string;
  hook: Hook | null;
  priority: number | null;
  type?: ChainType;
  policy: 'accept' | 'drop' | null;
  policyPackets: number | null;
  policyBytes: number | null;
  rules: RuleInfo[];
}

/** Mutable accumulator; `snapshot()` freezes what was collected. */
export class SnapshotBuilder {
  private readonly chains = new Map<string, MutableChain>();
  private readonly unparsed: { line: string; reason: string }[] = [];
  private readonly maps: MapInfo[] = [];

  constructor(private readonly source: RulesetSource) {}

  /** Declares (or completes) a chain. */
  chain(family: Family, table: string, chain: string, fields: ChainFields = {}): void {
    this.upsert(family, table, chain, fields);
  }

  /** Whether the chain was declared or received a rule. */
  has(family: Family, table: string, chain: string): boolean {
    return this.chains.has(chainKey(family, table, chain));
  }

  private upsert(family: Family, table: string, chain: string, fields: ChainFields): MutableChain {
    const key = chainKey(family, table, chain);
    let c = this.chains.get(key);
    if (c === undefined) {
      c = {
        family,
        table,
        chain,
        hook: null,
        priority: null,
        policy: null,
        policyPackets: null,
        policyBytes: null,
        rules: [],
      };
      this.chains.set(key, c);
    }
    if (fields.hook !== undefined) c.hook = fields.hook;
    if (fields.priority !== undefined) c.priority = fields.priority;
    if (fields.type !== undefined) c.type = fields.type;
    if (fields.policy !== undefined) c.policy = fields.policy;
    if (fields.policyPackets !== undefined) c.policyPackets = fields.policyPackets;
    if (fields.policyBytes !== undefined) c.policyBytes = fields.policyBytes;
    return c;
  }

  /** Appends a rule to a chain (created as a user chain if unseen); position = 1-based order. */
  rule(family: Family, table: string, chain: string, fields: RuleFields): RuleInfo {
    const c = this.upsert(family, table, chain, {});
    const rule: RuleInfo = { family, table, chain, position: c.rules.length + 1, ...fields };
    c.rules.push(rule);
    return rule;
  }

  /** Records a line that was not understood; long lines are cut so a bad dump cannot balloon memory. */
  skip(line: string, reason: string): void {
    this.unparsed.push({ line: line.length > 500 ? `${line.slice(0, 500)}…` : line, reason });
  }

  /** Records a named map with its elements. */
  map(map: MapInfo): void {
    this.maps.push(map);
  }

  snapshot(): RulesetSnapshot {
    const chains: ChainInfo[] = [...this.chains.values()].map((c) => ({ ...c, rules: [...c.rules] }));
    const maps = this.maps.length === 0 ? {} : { maps: [...this.maps] };
    return { sources: [this.source], chains, ...maps, unparsed: [...this.unparsed] };
  }
}

function chainKey(family: Family, table: string, chain: string): string {
  return `${family}\u0000${table}\u0000${chain}`;
}
