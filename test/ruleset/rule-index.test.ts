import { describe, expect, it } from 'vitest';
import type { Family } from '../../src/model/common.js';
import type { ChainInfo, RuleInfo } from '../../src/model/ruleset.js';
import { buildRuleIndex } from '../../src/ruleset/rule-index.js';
import { readRuleset } from '../../src/ruleset/read-ruleset.js';
import { fixture } from './fixtures.js';

function chain(family: Family, table: string, name: string, handles: (number | null)[]): ChainInfo {
  const rules: RuleInfo[] = handles.map((handle, i) => ({
    family,
    table,
    chain: name,
    handle,
    position: i + 1,
    text: `${family}-${name}-${i + 1}`,
    packets: null,
    bytes: null,
    action: 'continue',
    target: null,
    nat: null,
    unconditional: false,
    comment: null,
  }));
  return {
    family,
    table,
    chain: name,
    hook: null,
    priority: null,
    policy: null,
    policyPackets: null,
    policyBytes: null,
    rules,
  };
}

describe('buildRuleIndex', () => {
  const index = buildRuleIndex({
    sources: ['nft-json'],
    chains: [
      chain('inet', 'fw', 'input', [10, 11]),
      chain('ip', 'filter', 'INPUT', [null, null, null]),
      chain('ip6', 'filter6only', 'c', [5]),
      chain('ip', 'both', 'c', [1]),
      chain('inet', 'both', 'c', [1]),
    ],
    unparsed: [],
  });

  it('finds rules by handle and by 1-based position', () => {
    expect(index.empty).toBe(false);
    expect(index.byHandle('inet', 'fw', 'input', 11)?.text).toBe('inet-input-2');
    expect(index.byPosition('ip', 'filter', 'INPUT', 3)?.text).toBe('ip-INPUT-3');
    expect(index.byPosition('ip', 'filter', 'INPUT', 4)).toBeUndefined();
    expect(index.byPosition('ip', 'filter', 'INPUT', 0)).toBeUndefined();
    expect(index.byPosition('ip', 'filter', 'INPUT', 1.5)).toBeUndefined();
    expect(index.byHandle('inet', 'fw', 'input', 99)).toBeUndefined();
    expect(index.chain('ip', 'filter', 'NOPE')).toBeUndefined();
  });

  it('falls back from ip/ip6 to inet and from inet to ip/ip6, only when the exact family misses', () => {
    expect(index.byHandle('ip', 'fw', 'input', 10)?.family).toBe('inet');
    expect(index.byHandle('ip6', 'fw', 'input', 10)?.family).toBe('inet');
    expect(index.byPosition('inet', 'filter', 'INPUT', 1)?.family).toBe('ip');
    expect(index.chain('ip', 'both', 'c')?.family).toBe('ip');
    expect(index.chain('inet', 'both', 'c')?.family).toBe('inet');
  });

  it('never answers an ip lookup with an ip6 rule (or the reverse)', () => {
    expect(index.byHandle('ip', 'filter6only', 'c', 5)).toBeUndefined();
    expect(index.byPosition('ip6', 'filter', 'INPUT', 1)).toBeUndefined();
    expect(index.chain('arp', 'fw', 'input')).toBeUndefined();
  });

  it('is empty for an empty snapshot', () => {
    const empty = buildRuleIndex({ sources: [], chains: [], unparsed: [] });
    expect(empty.empty).toBe(true);
    expect(empty.chain('ip', 'filter', 'INPUT')).toBeUndefined();
  });

  it('maps legacy TRACE numbering: position N is a rule, count+1 is the chain tail', () => {
    const idx = buildRuleIndex(readRuleset(fixture('lab-rules-v4.iptables-save.txt')));
    const fwd = idx.chain('ip', 'filter', 'FORWARD');
    expect(fwd?.rules).toHaveLength(5);
    expect(idx.byPosition('ip', 'filter', 'FORWARD', 4)).toMatchObject({ action: 'goto', target: 'BLOCKED' });
    expect(idx.byPosition('ip', 'filter', 'FORWARD', 6)).toBeUndefined();
    // `filter:DOCKER-USER:return:1` is the explicit, unconditional `-j RETURN` rule, not the chain's end.
    expect(idx.byPosition('ip', 'filter', 'DOCKER-USER', 1)).toMatchObject({ action: 'return', unconditional: true });
    expect(idx.byPosition('ip', 'nat', 'KUBE-SEP-AAAAAAAAAAAAAAAA', 2)?.nat).toEqual({
      kind: 'dnat',
      to: '10.66.2.2:8080',
    });
  });
});
