import { describe, expect, it } from 'vitest';
import { builtinHook, hookFromWords, nftPriority, xtablesPriority } from '../../src/ruleset/hooks.js';

describe('builtinHook', () => {
  it.each([
    ['nat', 'PREROUTING', 'prerouting'],
    ['nat', 'POSTROUTING', 'postrouting'],
    ['raw', 'OUTPUT', 'output'],
    ['filter', 'FORWARD', 'forward'],
    ['filter', 'PREROUTING', null],
    ['nat', 'KUBE-POSTROUTING', null],
    ['filter', 'input', 'input'], // native nft: table inet filter { chain input { type filter hook input ... } }
    ['filter', 'Input', null],
    ['fw', 'input', 'input'],
    ['fw', 'INPUT', 'input'],
    ['netdev-t', 'ingress', 'ingress'],
    ['kube-proxy', 'nat-prerouting', 'prerouting'],
    ['kube-proxy', 'filter-output-post-dnat', null],
    ['firewalld', 'filter_INPUT', 'input'],
    ['firewalld', 'filter_IN_public', null],
    ['fw', 'services', null],
  ] as const)('%s %s → %s', (table, chain, hook) => {
    expect(builtinHook(table, chain)).toBe(hook);
  });
});

describe('hookFromWords (freely named base chains)', () => {
  it.each([
    ['pre', 'prerouting'],
    ['PRE', 'prerouting'],
    ['trace_pre', 'prerouting'],
    ['nat_post', 'postrouting'],
    ['in_filter', 'input'],
    ['inbound', 'input'],
    ['FWD_filter', 'forward'],
    ['out', 'output'],
    ['ip6_outbound', 'output'],
    ['in_out', null], // two hooks: unsure
    ['vrf_zones_ct_in', null], // VyOS: a prerouting chain; other words make it unsure
    ['VYOS_PRE_SNAT_HOOK', null],
    ['from_lan', null],
    ['inside', null],
    ['printer', null],
  ] as const)('%s → %s', (chain, hook) => {
    expect(hookFromWords(chain)).toBe(hook);
  });
});

describe('priorities', () => {
  it('gives each xtables table its kernel priority', () => {
    expect(xtablesPriority('raw', 'prerouting')).toBe(-300);
    expect(xtablesPriority('mangle', 'forward')).toBe(-150);
    expect(xtablesPriority('nat', 'prerouting')).toBe(-100);
    expect(xtablesPriority('nat', 'output')).toBe(-100);
    expect(xtablesPriority('nat', 'postrouting')).toBe(100);
    expect(xtablesPriority('nat', 'input')).toBe(100);
    expect(xtablesPriority('filter', 'input')).toBe(0);
    expect(xtablesPriority('security', 'input')).toBe(50);
    expect(xtablesPriority('custom', 'input')).toBeNull();
  });

  it('evaluates nft named priorities with arithmetic', () => {
    expect(nftPriority('srcnat', 'ip')).toBe(100);
    expect(nftPriority('filter - 5', 'inet')).toBe(-5);
    expect(nftPriority('security+1', 'ip')).toBe(51);
    expect(nftPriority('out', 'bridge')).toBe(100);
    expect(nftPriority('out', 'ip')).toBeNull();
    expect(nftPriority('constructor', 'ip')).toBeNull();
    expect(nftPriority('', 'ip')).toBeNull();
  });
});
