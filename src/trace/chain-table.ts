// The chains events name, looked up once per event by (family, table, chain) without building a key string: each
// knows its hook and holds the steps built for it (trace/step-cache). Bounded; cleared when the rule index changes.
// Pure; no I/O.
import type { Family, Hook } from '../model/common.js';
import type { PacketInfo } from '../model/packet.js';
import type { RuleIndex } from '../model/ruleset.js';
import { intern } from '../parse/text-memo.js';
import { builtinHook } from '../ruleset/hooks.js';
import { inferBaseHook } from './base-hook.js';
import { chainKey } from './correlate.js';
import type { CachedStep } from './step-cache.js';

export interface SeenChain {
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
  /** `family table chain` (see correlate.chainKey). */
  readonly key: string;
  /** Hook of a base chain; null for a user chain, or a base chain not placed yet (see placeBase). */
  hook: Hook | null;
  /** Neither the rule index nor the chain's name (builtinHook) says what it is: a packet seen entering it may. */
  readonly unplaced: boolean;
  /** An unplaced chain was judged by a packet seen entering it (see placeBase): the first one decides. */
  judged: boolean;
  /** Steps built for this chain, by rule text, kernel-log position or verdict (see step-cache). */
  readonly steps: Map<string | number, CachedStep[]>;
}

/** Most chains plus steps kept; beyond it everything is forgotten and built again. */
const LIMIT = 20_000;

export class ChainTable {
  /** By chain name first: the parsers hand out one string per repeated name, whose hash V8 keeps. */
  private readonly byName = new Map<string, SeenChain[]>();
  private size = 0;

  /** The chain, its hook looked up in `index` (else judged from its name) the first time. */
  get(family: Family, table: string, chain: string, index: RuleIndex | undefined): SeenChain {
    let list = this.byName.get(chain);
    if (list !== undefined) {
      for (const c of list) if (c.table === table && c.family === family) return c;
    } else {
      if (this.size >= LIMIT) this.clear();
      list = [];
      this.byName.set(intern(chain), list);
    }
    const known = index?.chain(family, table, chain);
    const hook = known ? known.hook : builtinHook(table, chain);
    // Shared copies: the names may be slices of a reader chunk, which a long-lived entry must not keep alive.
    const seen: SeenChain = {
      family,
      table: intern(table),
      chain: intern(chain),
      key: chainKey(family, table, chain),
      hook,
      unplaced: !known && hook === null,
      judged: false,
      steps: new Map(),
    };
    list.push(seen);
    this.size++;
    return seen;
  }

  /**
   * A packet was seen entering chain `c` (nft and xtables-monitor print the headers once per base chain): an
   * unplaced chain is a base chain, whose hook its name and the packet's interfaces may tell (trace/base-hook).
   * The first packet seen entering it decides (a later one of another kind may fit a wrong hook: a postrouting
   * chain named `*_out` fits output for a packet this host sent); `seenBefore`, the headers of the chain before
   * it (a base chain entered without a `packet:` line), only places it when they fit. Steps built before it was
   * placed (hook unknown) are built again.
   */
  placeBase(c: SeenChain, packet: PacketInfo, seenBefore = false): void {
    if (!c.unplaced || c.hook !== null || c.judged) return;
    c.hook = inferBaseHook(c.family, c.chain, packet);
    if (!seenBefore) c.judged = true;
    if (c.hook !== null) c.steps.clear();
  }

  /** Counts one more cached step against the bound; true when the table was just cleared. */
  noteStep(): boolean {
    if (++this.size < LIMIT) return false;
    this.clear();
    return true;
  }

  clear(): void {
    this.byName.clear();
    this.size = 0;
  }
}
